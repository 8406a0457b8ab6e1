// The classifier in service: versions trained in a worker thread from confirmed orders, activate and roll back
// (district administrator only, audited), suggestions for a text, the suggestion stored at intake with the
// operator's final choice beside it, and what every bad input gets.
import { expect, it } from 'vitest';
import { describeEachBackend } from '../../testing/test-context.ts';
import { generateRequestHistory } from '../demo/request-history.ts';
import { trainingExamples } from './classifier.repository.ts';
import { callAs, createRequestsTestApp, type RequestsTestContext } from './requests-fixture.testing.ts';

/** Six well-separated categories of generated history: enough for a small model to be right most of the time. */
const CATEGORIES = ['0401', '0501', '0601', '0301', '1001', '0105'];

async function seedConfirmedOrders(ctx: RequestsTestContext) {
  const rows = generateRequestHistory({
    seed: 7,
    start: new Date('2025-01-01'),
    days: 400,
    perDay: 8,
    areas: [{ street: '一街道', community: '甲社区' }],
  })
    .filter((r) => CATEGORIES.includes(r.categoryCode))
    .slice(0, 360);
  const path = ctx.mini.grids.a1.path;
  await ctx.database.db
    .insertInto('work_order')
    .values(
      rows.map((r, i) => ({
        number: `H${String(i).padStart(10, '0')}`,
        scope_path: path,
        channel: 'hotline' as const,
        status: 'closed',
        category_code: r.categoryCode,
        description: r.text,
        received_at: r.receivedAt,
      })),
    )
    .execute();
  return rows.length;
}

async function waitForTraining(ctx: RequestsTestContext) {
  for (let i = 0; i < 600; i++) {
    const p = ctx.app.requestClassifier.progress();
    if (p && p.status !== 'training') return p;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('training did not finish in 60 s');
}

let seeded = 0;

describeEachBackend(
  'requests: classifier in service',
  async (backend) => {
    const ctx = await createRequestsTestApp(backend);
    seeded = await seedConfirmedOrders(ctx);
    return ctx;
  },
  (ctx) => {
    const call = callAs(ctx);
    const db = () => ctx().database.db;
    const audits = (action: string) =>
      db().selectFrom('audit_log').select(['entity_ids', 'username']).where('action', '=', action).execute();

    it('without an active version a suggestion is 409 CLASSIFIER_NOT_READY and intake stores no suggestion', async () => {
      const res = await call('hotline', 'POST', '/api/requests/classify', { text: '家里停水了' });
      expect(res.statusCode).toBe(409);
      expect(res.json().error).toMatchObject({ code: 'CLASSIFIER_NOT_READY' });
      expect(res.json().error.message).toContain('尚无启用的分类模型');
      const order = await call('hotline', 'POST', '/api/requests/hotline', {
        description: '楼道灯坏了好几天了',
        anonymous: true,
      });
      expect(order.statusCode).toBe(201);
      const stored = await db().selectFrom('order_classification').selectAll().execute();
      expect(stored).toHaveLength(0);
    });

    it('only the district administrator trains; a version trains in the background and stores held-out figures', async () => {
      expect((await call('hotline', 'POST', '/api/requests/classifier/models', {})).statusCode).toBe(403);
      const bad = await call('admin', 'POST', '/api/requests/classifier/models', { maxExamples: 5 });
      expect(bad.statusCode).toBe(400);
      const res = await call('admin', 'POST', '/api/requests/classifier/models', {
        maxExamples: 400,
        maxEpochs: 3,
        complementNb: false,
      });
      expect(res.statusCode).toBe(202);
      expect(res.json()).toEqual({ version: 1 });
      // A second start while the first trains is refused, not queued.
      const again = await call('admin', 'POST', '/api/requests/classifier/models', {});
      expect(again.statusCode).toBe(409);
      expect(again.json().error.message).toContain('正在训练');
      const during = await call('hotline', 'GET', '/api/requests/classifier/models');
      expect(during.json().items[0]).toMatchObject({ version: 1, status: 'training', active: false });
      expect(during.json().training).toMatchObject({ version: 1, status: 'training' });
      const done = await waitForTraining(ctx());
      expect(done.status).toBe('ready');
      const model = (await call('hotline', 'GET', '/api/requests/classifier/models/1')).json();
      expect(model).toMatchObject({ version: 1, status: 'ready', active: false });
      // Every confirmed order (the unclassified hotline order above is not one), the latest 15 % held out.
      expect(model.examples + model.heldOut).toBe(seeded);
      expect(model.heldOut).toBe(Math.round(seeded * 0.15));
      expect(model.accuracy).toBeGreaterThan(0.6);
      expect(model.macroF1).toBeGreaterThan(0.5);
      expect(model.weakest.length).toBeGreaterThan(0);
      expect(model.weakest[0].name).not.toBe(model.weakest[0].code);
      expect((await audits('classifier.train'))[0]).toMatchObject({ entity_ids: ['1'], username: 'admin' });
    });

    it('activating: unknown version 404, hotline 403, administrator 200 and audited; rollback without a previous version 409', async () => {
      const unknown = await call('admin', 'POST', '/api/requests/classifier/models/999/activate');
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json().error).toMatchObject({
        code: 'CLASSIFIER_VERSION_NOT_FOUND',
        message: '未找到该模型版本',
      });
      expect((await call('admin', 'GET', '/api/requests/classifier/models/abc')).statusCode).toBe(400);
      expect((await call('admin', 'GET', '/api/requests/classifier/models/999')).statusCode).toBe(404);
      expect((await call('hotline', 'POST', '/api/requests/classifier/models/1/activate')).statusCode).toBe(
        403,
      );
      const ok = await call('admin', 'POST', '/api/requests/classifier/models/1/activate');
      expect(ok.statusCode).toBe(200);
      expect(ok.json()).toMatchObject({ version: 1, active: true });
      expect((await audits('classifier.activate')).map((a) => a.entity_ids)).toEqual([['1']]);
      const rollback = await call('admin', 'POST', '/api/requests/classifier/rollback');
      expect(rollback.statusCode).toBe(409);
      expect(rollback.json().error.message).toContain('没有可回退');
    });

    it('a text gets its top 3 categories with confidence, department and the words that weighed most', async () => {
      const res = await call('hotline', 'POST', '/api/requests/classify', {
        text: '我们小区从早上开始就停水了，到现在水龙头一滴水都没有，什么时候能来水？',
      });
      expect(res.statusCode).toBe(200);
      const s = res.json();
      expect(s.modelVersion).toBe(1);
      expect(s.categoryCode).toBe('0401');
      expect(s.department).toBe('供水公司');
      expect(s.alternatives).toHaveLength(3);
      expect(s.alternatives[0]).toMatchObject({ code: '0401', name: '停水', department: '供水公司' });
      expect(s.alternatives[0].path).toContain('停水');
      const p = s.alternatives.map((a: { probability: number }) => a.probability);
      expect([...p].sort((a, b) => b - a)).toEqual(p);
      expect(s.confidence).toBe(p[0]);
      expect(s.keywords.length).toBeGreaterThan(0);
      expect(s.keywords.map((k: { text: string }) => k.text).join(' ')).toMatch(/水/);
      // Residents without intake rights get no suggestions.
      expect((await call('auditor', 'POST', '/api/requests/classify', { text: '停水' })).statusCode).toBe(
        403,
      );
    });

    it('bad input: blank text 400, 10,000 characters 413, a missing text 400, all in Chinese', async () => {
      const blank = await call('hotline', 'POST', '/api/requests/classify', { text: '   ' });
      expect(blank.statusCode).toBe(400);
      expect(blank.json().error.details[0].message).toBe('请输入诉求内容');
      const long = await call('hotline', 'POST', '/api/requests/classify', { text: '停水'.repeat(5000) });
      expect(long.statusCode).toBe(413);
      expect(long.json().error).toMatchObject({ code: 'REQUEST_TEXT_TOO_LONG', message: '诉求内容过长' });
      const missing = await call('hotline', 'POST', '/api/requests/classify', {});
      expect(missing.statusCode).toBe(400);
      expect(missing.json().error.message).toMatch(/[\u4e00-\u9fff]/);
    });

    it('a new order gets the suggestion stored; a vague one is flagged; the operator’s correction is recorded and feeds training', async () => {
      const clear = await call('hotline', 'POST', '/api/requests/hotline', {
        description: '家里燃气灶打不着火，闻到一股煤气味，燃气是不是漏了',
        anonymous: true,
      });
      expect(clear.statusCode).toBe(201);
      const vague = await call('hotline', 'POST', '/api/requests/hotline', {
        description: '喂喂你好，我想问一下那个事情',
        anonymous: true,
      });
      const vagueId = Number(
        (
          await db()
            .selectFrom('work_order')
            .select('id')
            .where('number', '=', vague.json().order.number)
            .executeTakeFirstOrThrow()
        ).id,
      );
      const stored = (await call('hotline', 'GET', `/api/requests/${vagueId}/classification`)).json();
      expect(stored).toMatchObject({
        orderId: vagueId,
        modelVersion: 1,
        needsReview: true,
        finalCategory: null,
      });
      expect(stored.alternatives).toHaveLength(3);
      const queue = (await call('hotline', 'GET', '/api/requests/classifier/review')).json();
      expect(queue.items.map((i: { orderId: number }) => i.orderId)).toContain(vagueId);

      // The operator picks a category the model did not suggest first.
      const chosen = stored.suggested.code === '1001' ? '0105' : '1001';
      const classified = await call('hotline', 'POST', `/api/requests/${vagueId}/classify`, {
        categoryCode: chosen,
      });
      expect(classified.statusCode).toBe(200);
      const after = (await call('hotline', 'GET', `/api/requests/${vagueId}/classification`)).json();
      expect(after).toMatchObject({ corrected: true, finalCategory: { code: chosen } });
      const queueAfter = (await call('hotline', 'GET', '/api/requests/classifier/review')).json();
      expect(queueAfter.items.map((i: { orderId: number }) => i.orderId)).not.toContain(vagueId);
      const examples = await trainingExamples(db(), 10_000);
      expect(examples.at(-1)).toEqual({ text: '喂喂你好，我想问一下那个事情', label: chosen });

      // An order the operator filed with a category has that choice as its final one from the start.
      const filed = await call('hotline', 'POST', '/api/requests/hotline', {
        description: '小区里独居的张大爷两天没出门了，电话也打不通',
        categoryCode: '1001',
        anonymous: true,
      });
      const filedRow = await db()
        .selectFrom('order_classification as oc')
        .innerJoin('work_order as wo', 'wo.id', 'oc.order_id')
        .select(['oc.final_category', 'oc.final_by'])
        .where('wo.number', '=', filed.json().order.number)
        .executeTakeFirstOrThrow();
      expect(filedRow.final_category).toBe('1001');
      expect(filedRow.final_by).not.toBeNull();
      // A version's agreement counts the operators' confirmations.
      const model = (await call('hotline', 'GET', '/api/requests/classifier/models/1')).json();
      expect(model.agreement.suggested).toBeGreaterThanOrEqual(3);
      expect(model.agreement.confirmed).toBeGreaterThanOrEqual(2);
    });

    it('the classification of an order outside the viewer’s area is 404, like the order; an unknown order 404', async () => {
      const inA = await db()
        .selectFrom('order_classification as oc')
        .innerJoin('work_order as wo', 'wo.id', 'oc.order_id')
        .select('wo.id')
        .where('wo.scope_path', 'like', `${ctx().mini.grids.a1.path}%`)
        .executeTakeFirst();
      // Hotline orders without a place belong to the district; community C's worker sees neither.
      const any =
        inA ??
        (await db().selectFrom('order_classification').select('order_id as id').executeTakeFirstOrThrow());
      expect((await call('cw_c', 'GET', `/api/requests/${any.id}/classification`)).statusCode).toBe(404);
      expect((await call('hotline', 'GET', `/api/requests/${any.id}/classification`)).statusCode).toBe(200);
      expect((await call('hotline', 'GET', '/api/requests/987654/classification')).statusCode).toBe(404);
    });

    it('a second version can be activated and rolled back to the first', async () => {
      const res = await call('admin', 'POST', '/api/requests/classifier/models', {
        maxExamples: 300,
        maxEpochs: 2,
      });
      expect(res.json()).toEqual({ version: 2 });
      await waitForTraining(ctx());
      expect((await call('admin', 'POST', '/api/requests/classifier/models/2/activate')).statusCode).toBe(
        200,
      );
      const s = (await call('hotline', 'POST', '/api/requests/classify', { text: '停水了' })).json();
      expect(s.modelVersion).toBe(2);
      const back = await call('admin', 'POST', '/api/requests/classifier/rollback');
      expect(back.statusCode).toBe(200);
      expect(back.json()).toMatchObject({ version: 1, active: true });
      const list = (await call('admin', 'GET', '/api/requests/classifier/models')).json();
      expect(list.items.map((m: { version: number; active: boolean }) => [m.version, m.active])).toEqual([
        [2, false],
        [1, true],
      ]);
      expect((await audits('classifier.rollback')).map((a) => a.entity_ids)).toEqual([['1']]);
      const s2 = (await call('hotline', 'POST', '/api/requests/classify', { text: '停水了' })).json();
      expect(s2.modelVersion).toBe(1);
    });
  },
);
