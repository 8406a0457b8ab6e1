// The work-order loop through the API: every step recorded with actor, time and note in one transaction with the
// state and the audit entry; who may act (403) and when (409); scoping (404 outside); the public rating and
// reopening; the deadline sweeper; Open311; evaluation from the roll-up.
import { expect, it } from 'vitest';
import { describeEachBackend } from '../../testing/test-context.ts';
import { rebuildRollup } from './evaluation.repository.ts';
import { createOpen311Key } from './open311.routes.ts';
import { callAs, createRequestsTestApp, danglingOrderRows, PLACES } from './requests-fixture.testing.ts';

describeEachBackend('requests: work-order workflow', createRequestsTestApp, (ctx) => {
  const call = callAs(ctx);
  const db = () => ctx().database.db;
  const idOf = async (number: string) =>
    Number(
      (
        await db()
          .selectFrom('work_order')
          .select('id')
          .where('number', '=', number)
          .executeTakeFirstOrThrow()
      ).id,
    );
  async function hotlineOrder(body: object) {
    const res = await call('hotline', 'POST', '/api/requests/hotline', body);
    expect(res.statusCode).toBe(201);
    return { id: await idOf(res.json().order.number), number: res.json().order.number as string, res };
  }
  const step = (user: string, id: number, action: string, body: object = {}) =>
    call(user, 'POST', `/api/requests/${id}/${action}`, body);

  it('walks from receipt to closing; each step is an event with actor and note, audited', async () => {
    const { id } = await hotlineOrder({
      description: '幸福小区水压低，楼上没水',
      ...PLACES.a1,
      callerName: '吴用',
      callerPhone: '13700001234',
    });
    expect((await step('hotline', id, 'classify', { categoryCode: '0402' })).json().status).toBe(
      'classified',
    );
    const dispatched = await step('hotline', id, 'dispatch', {
      unitCode: 'water',
      coUnitCodes: ['cityManagement'],
    });
    expect(dispatched.statusCode).toBe(200);
    expect(dispatched.json()).toMatchObject({
      status: 'dispatched',
      leadUnitName: '供水公司',
      coUnits: [{ code: 'cityManagement', name: '区城管局' }],
    });
    expect(dispatched.json().resolveDue).not.toBeNull();
    // The co-handling unit sees the order but may not accept it; the lead unit does.
    expect((await call('cm_staff', 'GET', `/api/requests/${id}`)).statusCode).toBe(200);
    const coAccept = await step('cm_staff', id, 'accept');
    expect(coAccept.statusCode).toBe(403);
    expect(coAccept.json().error.message).toBe('只有主办单位可以签收');
    expect((await step('water_staff', id, 'accept')).json().status).toBe('accepted');
    expect((await step('water_staff', id, 'start')).json().status).toBe('in_progress');
    expect((await step('cm_staff', id, 'note', { note: '已配合疏导交通' })).statusCode).toBe(200);
    const resolved = await step('water_staff', id, 'resolve', { note: '更换了减压阀，水压恢复' });
    expect(resolved.json()).toMatchObject({ status: 'resolved', resolutionNote: '更换了减压阀，水压恢复' });
    // Unsatisfied without a reason is refused; with a reason it is recorded.
    const noReason = await step('hotline', id, 'callback', { solved: true, satisfaction: 2 });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().error.message).toBe('未解决或不满意时须说明原因');
    const rated = await step('hotline', id, 'callback', { solved: true, satisfaction: 5 });
    expect(rated.json()).toMatchObject({ status: 'rated', solved: true, satisfaction: 5 });
    const closed = await step('hotline', id, 'close', {});
    expect(closed.json().status).toBe('closed');
    const events = closed.json().events as Array<{ action: string; actor: string; note: string | null }>;
    expect(events.map((e) => e.action)).toEqual([
      'receive',
      'classify',
      'dispatch',
      'accept',
      'start',
      'note',
      'resolve',
      'callback',
      'close',
    ]);
    expect(events.find((e) => e.action === 'accept')!.actor).toBe('water_staff');
    expect(events.find((e) => e.action === 'resolve')!.note).toBe('更换了减压阀，水压恢复');
    const audited = await db()
      .selectFrom('audit_log')
      .select('action')
      .where('entity_type', '=', 'work_order')
      .where('action', 'like', 'request.%')
      .execute();
    for (const a of [
      'request.create',
      'request.classify',
      'request.dispatch',
      'request.accept',
      'request.close',
    ])
      expect(audited.map((x) => x.action)).toContain(a);
    // The requester was told of each public step.
    const outbox = await db()
      .selectFrom('notification_outbox')
      .select('kind')
      .where('order_id', '=', id)
      .execute();
    expect(outbox.map((o) => o.kind)).toEqual(
      expect.arrayContaining(['received', 'dispatch', 'accept', 'resolve', 'close']),
    );
  });

  it('illegal steps get 409 with the reason in Chinese and English and change nothing', async () => {
    const { id } = await hotlineOrder({ description: '楼道灯不亮', ...PLACES.a1 });
    const res = await step('hotline', id, 'close', {});
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toMatchObject({
      code: 'ORDER_TRANSITION_ILLEGAL',
      message: '工单当前状态为「已受理」，不能结案',
    });
    expect(res.json().error.details[0].messageEn).toContain('cannot');
    const events = await db().selectFrom('order_event').select('action').where('order_id', '=', id).execute();
    expect(events.map((e) => e.action)).toEqual(['receive']);
    // Unknown category, unknown unit: 400.
    expect((await step('hotline', id, 'classify', { categoryCode: '9999' })).json().error.code).toBe(
      'CATEGORY_UNKNOWN',
    );
    await step('hotline', id, 'classify', { categoryCode: '0106' });
    expect((await step('hotline', id, 'dispatch', { unitCode: 'nobody' })).json().error.code).toBe(
      'UNIT_UNKNOWN',
    );
    expect((await step('hotline', id, 'dispatch', { unitCode: 'water', extra: 1 })).statusCode).toBe(400);
  });

  it('a return needs a reason; the centre reassigns; the history keeps both assignments', async () => {
    const { id } = await hotlineOrder({
      description: '小区垃圾没人清运',
      categoryCode: '0201',
      ...PLACES.a1,
    });
    expect((await step('cm_staff', id, 'return', { reason: '' })).statusCode).toBe(400);
    const returned = await step('cm_staff', id, 'return', { reason: '小区内垃圾由物业负责，非本单位职责' });
    expect(returned.json()).toMatchObject({ status: 'returned', returnCount: 1 });
    // While returned, the unit that returned it no longer acts on it.
    expect((await step('cm_staff', id, 'accept')).statusCode).toBe(409);
    const reassigned = await step('hotline', id, 'reassign', {
      unitCode: MINI_STREET1,
      reason: '属地街道牵头协调物业',
    });
    expect(reassigned.json()).toMatchObject({
      status: 'dispatched',
      leadUnitCode: MINI_STREET1,
      leadUnitName: '东湖街道',
    });
    // The street officer acts for the street (属地).
    expect((await step('street1', id, 'accept')).json().status).toBe('accepted');
    const assignments = await db()
      .selectFrom('order_assignment')
      .select(['unit_code', 'end_reason'])
      .where('order_id', '=', id)
      .orderBy('id')
      .execute();
    expect(assignments).toEqual([
      { unit_code: 'cityManagement', end_reason: 'returned' },
      { unit_code: MINI_STREET1, end_reason: null },
    ]);
  });

  it('supervision and escalation are recorded; only supervisors supervise', async () => {
    const { id } = await hotlineOrder({ description: '占道经营很严重', categoryCode: '0101', ...PLACES.a2 });
    expect((await step('cw_a', id, 'supervise', { note: '请加快' })).statusCode).toBe(403);
    const supervised = await step('street1', id, 'supervise', { note: '群众反映强烈，请三日内办结' });
    expect(supervised.json()).toMatchObject({ supervised: true });
    const escalated = await step('street1', id, 'escalate', { note: '多次反映未果' });
    expect(escalated.json().escalationLevel).toBe(1);
  });

  it('a community sees its own orders only; units see what was dispatched to them (404 otherwise)', async () => {
    const inA = await hotlineOrder({ description: '幸福社区路灯坏了', categoryCode: '0106', ...PLACES.a1 });
    const inC = await hotlineOrder({ description: '桃源社区停水', categoryCode: '0401', ...PLACES.c1 });
    expect((await call('cw_c', 'GET', `/api/requests/${inA.id}`)).statusCode).toBe(404);
    expect((await call('cw_c', 'GET', `/api/requests/${inC.id}`)).statusCode).toBe(200);
    expect((await step('cw_c', inA.id, 'note', { note: 'x' })).statusCode).toBe(404);
    const listC = (await call('cw_c', 'GET', '/api/requests?pageSize=200')).json();
    expect(listC.items.every((o: { gridId: number }) => o.gridId === ctx().mini.grids.c1.id)).toBe(true);
    // Water staff: the water order in C, not the street-light order in A.
    expect((await call('water_staff', 'GET', `/api/requests/${inC.id}`)).statusCode).toBe(200);
    expect((await call('water_staff', 'GET', `/api/requests/${inA.id}`)).statusCode).toBe(404);
    const waterList = (await call('water_staff', 'GET', '/api/requests?pageSize=200')).json();
    expect(waterList.items.length).toBeGreaterThan(0);
    expect(
      waterList.items.every(
        (o: { leadUnitCode: string; coUnits: Array<{ code: string }> }) =>
          o.leadUnitCode === 'water' || o.coUnits.some((c) => c.code === 'water'),
      ),
    ).toBe(true);
    // Residents, providers and the auditor have no order list.
    expect((await call('auditor', 'GET', '/api/requests')).statusCode).toBe(403);
    expect((await call(null, 'GET', '/api/requests')).statusCode).toBe(401);
  });

  it('the requester rates and reopens with number and code; a wrong code gets 403', async () => {
    const res = await ctx().app.inject({
      method: 'POST',
      url: '/api/requests',
      payload: {
        description: '小区门口井盖丢了',
        categoryCode: '0105',
        ...PLACES.a2,
        phone: '13600001234',
        name: '冯七',
      },
      remoteAddress: '10.5.0.1',
    });
    const { number } = res.json().order;
    const code = res.json().accessCode as string;
    const id = await idOf(number);
    await step('cm_staff', id, 'accept');
    await step('cm_staff', id, 'resolve', { note: '已补装井盖' });
    const wrong = await call(null, 'POST', `/api/public/requests/${number}/rating`, {
      accessCode: code === '000000' ? '000001' : '000000',
      solved: true,
      satisfaction: 5,
    });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json().error.code).toBe('ORDER_ACCESS_DENIED');
    const rated = await call(null, 'POST', `/api/public/requests/${number}/rating`, {
      accessCode: code,
      solved: false,
      satisfaction: 1,
      reason: '补的井盖尺寸不对，还是晃',
    });
    expect(rated.statusCode).toBe(200);
    expect(rated.json()).toMatchObject({ status: 'rated', satisfaction: 1 });
    const reopened = await call(null, 'POST', `/api/public/requests/${number}/reopen`, {
      accessCode: code,
      reason: '井盖还是晃，请重新处理',
    });
    expect(reopened.json()).toMatchObject({ status: 'dispatched', responsibleUnit: '区城管局' });
    const row = await db()
      .selectFrom('work_order')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ reopen_count: 1, solved: null, satisfaction: null });
    // The first rating stays in the history.
    const callback = await db()
      .selectFrom('order_event')
      .select(['note', 'details', 'actor_name'])
      .where('order_id', '=', id)
      .where('action', '=', 'callback')
      .executeTakeFirstOrThrow();
    expect(callback).toMatchObject({ note: '补的井盖尺寸不对，还是晃', actor_name: '诉求人' });
  });

  it('the sweeper warns before and escalates after the deadline, once, from what the database holds', async () => {
    const { id } = await hotlineOrder({
      description: '燃气泄漏味道很大',
      categoryCode: '0601',
      ...PLACES.a1,
    });
    const row = await db()
      .selectFrom('work_order')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    // Gas leak: 2 wall-clock hours; the warning fires with 20 % left.
    expect(new Date(row.resolve_due!).getTime() - new Date(row.dispatched_at!).getTime()).toBe(2 * 3600_000);
    const service = ctx().app.requests.service;
    const warnTime = new Date(new Date(row.warn_at!).getTime() + 1000);
    const first = await service.sweep(warnTime);
    expect(first.warned).toBeGreaterThanOrEqual(1);
    expect((await service.sweep(warnTime)).warned).toBe(0);
    const late = await service.sweep(new Date(new Date(row.resolve_due!).getTime() + 60_000));
    expect(late.escalated).toBeGreaterThanOrEqual(1);
    const events = await db()
      .selectFrom('order_event')
      .select(['action', 'actor_name'])
      .where('order_id', '=', id)
      .execute();
    expect(events.filter((e) => e.action === 'warn')).toHaveLength(1);
    expect(events.filter((e) => e.action === 'escalate')).toEqual([
      { action: 'escalate', actor_name: '系统' },
    ]);
    const after = await db()
      .selectFrom('work_order')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(after).toMatchObject({ warned: true, escalated: true, escalation_level: 1 });
  });

  it('Open311: services in JSON and XML, POST with api_key (form-encoded), GET by id and by filters', async () => {
    const services = await call(null, 'GET', '/open311/v2/services.json?jurisdiction_id=330192');
    expect(services.statusCode).toBe(200);
    expect(services.json().find((s: { service_code: string }) => s.service_code === '0401')).toMatchObject({
      service_name: '停水',
      type: 'realtime',
      metadata: false,
    });
    const xml = await call(null, 'GET', '/open311/v2/services.xml');
    expect(xml.headers['content-type']).toContain('text/xml');
    expect(xml.body).toMatch(
      /^<\?xml version="1.0" encoding="utf-8"\?><services><service><service_code>0101/,
    );
    expect((await call(null, 'GET', '/open311/v2/services/0401.json')).json()).toEqual({
      service_code: '0401',
      attributes: [],
    });
    expect((await call(null, 'GET', '/open311/v2/services/9999.json')).statusCode).toBe(400);
    expect((await call(null, 'GET', '/open311/v2/services.json?jurisdiction_id=110105')).statusCode).toBe(
      404,
    );

    const form = (fields: Record<string, string>) =>
      ctx().app.inject({
        method: 'POST',
        url: '/open311/v2/requests.json',
        payload: new URLSearchParams(fields).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        remoteAddress: '10.7.0.1',
      });
    const noKey = await form({ service_code: '0401', lat: '30.285', long: '120.105', description: '停水' });
    expect(noKey.statusCode).toBe(403);
    expect(noKey.json()).toEqual([{ code: 403, description: expect.stringContaining('api_key') }]);
    const key = await createOpen311Key(db(), 'test client');
    const created = await form({
      api_key: key,
      service_code: '0401',
      lat: '30.2861',
      long: '120.1061',
      description: '桃源路停水一上午了',
      first_name: '三',
      last_name: '张',
      phone: '13500001234',
    });
    expect(created.statusCode).toBe(201);
    const [{ service_request_id }] = created.json();
    expect(service_request_id).toMatch(/^\d{16}$/);
    const one = await call(null, 'GET', `/open311/v2/requests/${service_request_id}.json?api_key=${key}`);
    expect(one.json()[0]).toMatchObject({
      service_request_id,
      status: 'open',
      service_code: '0401',
      agency_responsible: '供水公司',
      description: '桃源路停水一上午了',
      lat: 30.2861,
      long: 120.1061,
    });
    // Without a key the text is withheld and the place rounded.
    const anon = (await call(null, 'GET', `/open311/v2/requests/${service_request_id}.json`)).json()[0];
    expect(anon.description).toBeNull();
    expect(anon.lat).toBe(30.286);
    const list = await call(null, 'GET', '/open311/v2/requests.xml?service_code=0401&status=open');
    expect(list.body).toContain(`<service_request_id>${service_request_id}</service_request_id>`);
    const unknown = await form({ api_key: key, service_code: '7777', lat: '30.285', long: '120.105' });
    expect(unknown.statusCode).toBe(400);
    const outside = await form({ api_key: key, service_code: '0401', lat: '31.2', long: '121.5' });
    expect(outside.statusCode).toBe(400);
    const noPlace = await form({ api_key: key, service_code: '0401' });
    expect(noPlace.statusCode).toBe(400);
    const badXml = await call(null, 'GET', '/open311/v2/requests/nonexistent.xml');
    expect(badXml.statusCode).toBe(404);
    expect(badXml.body).toContain('<errors><error><code>404</code>');
  });

  it('evaluation: rates per unit from the roll-up, trends, top problems, hot spots, scoped', async () => {
    await rebuildRollup(db(), null);
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const res = await call(
      'hotline',
      'GET',
      `/api/requests/evaluation?dimension=unit&from=2026-01-01&to=${today}`,
    );
    expect(res.statusCode).toBe(200);
    const water = res.json().items.find((r: { key: string }) => r.key === 'water');
    expect(water).toMatchObject({ name: '供水公司', visited: 1, solved: 1, satisfied: 1, resolutionRate: 1 });
    expect(water.drillDown).toContain('unitCode=water');
    expect(res.json().items[0].rank).toBe(1);
    const trend = await call('hotline', 'GET', `/api/requests/evaluation/trend?from=2026-01-01&to=${today}`);
    expect(trend.json().items.length).toBeGreaterThan(0);
    const top = await call(
      'hotline',
      'GET',
      `/api/requests/evaluation/top-problems?from=2026-01-01&to=${today}`,
    );
    expect(top.json().items.length).toBeGreaterThan(0);
    const spots = await call(
      'hotline',
      'GET',
      `/api/requests/hotspots.geojson?from=2026-01-01&to=${today}&minCount=1`,
    );
    expect(spots.json().type).toBe('FeatureCollection');
    expect(spots.json().features.length).toBeGreaterThan(0);
    // Community C counts only its own orders.
    const c = await call(
      'cw_c',
      'GET',
      `/api/requests/evaluation?dimension=community&from=2026-01-01&to=${today}`,
    );
    expect(c.json().items.map((r: { key: string }) => r.key)).toEqual(['330192002001']);
    expect(
      (await call('hotline', 'GET', `/api/requests/evaluation?from=${today}&to=2026-01-01`)).statusCode,
    ).toBe(400);
    expect(
      (await call('resident_a1', 'GET', `/api/requests/evaluation?from=2026-01-01&to=${today}`)).statusCode,
    ).toBe(401);
  });

  // Last in the file: every writer above has run.
  it('leaves no requester, step, assignment, photo or notice pointing at a missing order', async () => {
    const { steps, dangling } = await danglingOrderRows(db());
    expect(steps).toBeGreaterThan(0);
    expect(dangling).toEqual([]);
  });
});

const MINI_STREET1 = '330192001000';
