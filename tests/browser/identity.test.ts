// Entity resolution in the console against the small demo district with two department exports imported and
// one identity run: the run with its progress, a pair of the review queue side by side (masked) with its
// evidence and a split with a reason, and a golden record with the source of every field and the undo of its
// merge. Screenshots go to test-results/screenshots/identity-*.png.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateDepartmentExports } from '../../src/domains/demo/department-exports.ts';
import { generateEntityExports } from '../../src/domains/demo/entity-exports.ts';
import { importEntityRegister } from '../../src/domains/identity/entity-sources.ts';
import { commandLineIdentityActor, createIdentityService } from '../../src/domains/identity/index.ts';
import { commandLineActor, districtPath, runImport } from '../../src/domains/ingest/index.ts';
import { bodyText, PLAIN_ID, PLAIN_PHONE, poll, SHOTS, startBrowserHarness } from './harness.ts';

const harness = startBrowserHarness();
let reviewId = 0;

beforeAll(async () => {
  const { database, cipher } = harness.ctx;
  const dir = mkdtempSync(path.join(tmpdir(), 'identity-browser-'));
  const summary = await generateDepartmentExports({ size: 'small', seed: 20261123, outDir: dir });
  const scope = await districtPath(database.db);
  for (const e of summary.exports.filter((x) => ['disabled', 'civil_affairs'].includes(x.source))) {
    await runImport(database, cipher, {
      file: e.file,
      fileName: path.basename(e.file),
      source: e.source,
      mapping: e.mapping,
      actor: commandLineActor('tester', scope),
    });
  }
  const service = createIdentityService(database, cipher);
  const run = await service.start(commandLineIdentityActor('tester', scope), {});
  await service.wait(run.id);
  // A matched pair of two source records goes to the queue, so the queue is never empty on this seed.
  const pair = await database.db
    .selectFrom('identity_pair')
    .selectAll()
    .where('run_id', '=', run.id)
    .where('left_ref', 'like', 'sp:%')
    .where('right_ref', 'like', 'sp:%')
    .orderBy('match_probability')
    .executeTakeFirstOrThrow();
  const row = await database.db
    .insertInto('identity_review')
    .values({
      left_ref: pair.left_ref,
      right_ref: pair.right_ref,
      match_probability: pair.match_probability,
      match_weight: pair.match_weight,
      evidence: JSON.stringify(pair.evidence),
      scope_path: scope,
      run_id: run.id,
    })
    .onConflict((oc) => oc.columns(['left_ref', 'right_ref']).doNothing())
    .returning('id')
    .executeTakeFirst();
  reviewId = Number(row?.id ?? 0);
  // The organisation registers of the same district, resolved by an organisation run.
  const entities = generateEntityExports({ size: 'small', seed: 20261123, outDir: dir });
  for (const e of entities.exports.filter((x) => x.entityType === 'organization'))
    await importEntityRegister(database, cipher, {
      file: e.file,
      entityType: e.entityType,
      source: e.source,
      mapping: e.mapping,
      scopePath: scope,
    });
  const orgRun = await service.start(commandLineIdentityActor('tester', scope), {
    entityType: 'organization',
  });
  await service.wait(orgRun.id);
}, 600_000);

describe('entity resolution in the console', () => {
  it('shows the run with its progress, and a review pair side by side, masked, split with a reason', async () => {
    const page = await harness.signIn('admin');
    await page.getByRole('link', { name: '实体识别' }).first().click();
    await page.getByTestId('identity-progress').first().waitFor();
    await poll(() => page.locator('.ant-table-row').first().textContent()).toContain('已完成');
    await page.screenshot({ path: `${SHOTS}/identity-runs.png` });

    await page.getByRole('tab', { name: '待核对' }).click();
    const card = page.getByTestId('identity-review').first();
    await card.waitFor();
    const text = (await card.textContent()) ?? '';
    expect(text).toContain('记录甲');
    expect(text).toContain('name');
    expect(text).toMatch(/\*/);
    expect(await bodyText(page)).not.toMatch(PLAIN_ID);
    expect(await bodyText(page)).not.toMatch(PLAIN_PHONE);
    await page.screenshot({ path: `${SHOTS}/identity-review.png`, fullPage: true });

    // Without a reason nothing is recorded; with one the split is stored.
    await card.getByTestId('identity-split').click({ timeout: 30_000 });
    await poll(() => bodyText(page)).toContain('请填写核对依据');
    await card.getByTestId('identity-reason').fill('入户核实为两人');
    await card.getByTestId('identity-split').click();
    await poll(async () =>
      reviewId
        ? (
            await harness.ctx.database.db
              .selectFrom('identity_review')
              .select('status')
              .where('id', '=', reviewId)
              .executeTakeFirstOrThrow()
          ).status
        : 'split',
    ).toBe('split');
    await page.close();
  }, 300_000);

  it('shows a golden record with the source of every field, and undoes its merge', async () => {
    const merge = await harness.ctx.database.db
      .selectFrom('identity_merge')
      .select(['id', 'person_id'])
      .where('status', '=', 'applied')
      .where('created_person', '=', false)
      .orderBy('id')
      .executeTakeFirstOrThrow();
    const page = await harness.signIn('admin');
    await page.getByRole('link', { name: '实体识别' }).first().click();
    await page.getByRole('tab', { name: '黄金记录' }).click();
    // antd puts the test id on the input element itself or on its wrapper, depending on the version.
    await page
      .getByTestId('identity-person-id')
      .locator('xpath=descendant-or-self::input')
      .first()
      .fill(String(merge.person_id), { timeout: 30_000 });
    await page.getByTestId('identity-show').click();
    const golden = page.getByTestId('identity-golden');
    await golden.waitFor();
    const text = (await golden.textContent()) ?? '';
    expect(text).toMatch(/来源优先|最新|最常见/);
    expect(text).toMatch(/civil_affairs|disabled|platform/);
    expect(await bodyText(page)).not.toMatch(PLAIN_ID);
    await page.screenshot({ path: `${SHOTS}/identity-golden.png`, fullPage: true });

    await page.getByTestId('identity-undo-reason').fill('合并有误');
    await page.getByTestId('identity-undo').click();
    await poll(
      async () =>
        (
          await harness.ctx.database.db
            .selectFrom('identity_merge')
            .select('status')
            .where('id', '=', merge.id)
            .executeTakeFirstOrThrow()
        ).status,
    ).toBe('undone');
    await poll(() =>
      page.getByTestId('identity-golden').or(page.locator('.ant-empty')).first().isVisible(),
    ).toBe(true);
    await page.close();
  }, 300_000);

  it('lets the user choose organisations: their runs, and a golden record with its sources, undone', async () => {
    const merge = await harness.ctx.database.db
      .selectFrom('identity_entity_merge')
      .select(['id', 'entity_id'])
      .where('entity_type', '=', 'organization')
      .where('status', '=', 'applied')
      .orderBy('id')
      .executeTakeFirstOrThrow();
    const page = await harness.signIn('admin');
    await page.getByRole('link', { name: '实体识别' }).first().click();
    await page.getByTestId('identity-entity-type').getByText('组织').click();
    await poll(() => page.locator('.ant-table-row').first().textContent()).toContain('已完成');
    await page.screenshot({ path: `${SHOTS}/identity-organizations.png` });
    await page.getByRole('tab', { name: '黄金记录' }).click();
    await page
      .getByTestId('identity-person-id')
      .locator('xpath=descendant-or-self::input')
      .first()
      .fill(String(merge.entity_id), { timeout: 30_000 });
    await page.getByTestId('identity-show').click();
    const golden = page.getByTestId('identity-golden');
    await golden.waitFor();
    const text = (await golden.textContent()) ?? '';
    expect(text).toContain('统一社会信用代码');
    expect(text).toMatch(/market_regulation|tax|platform/);
    expect(await bodyText(page)).not.toMatch(PLAIN_PHONE);
    await page.screenshot({ path: `${SHOTS}/identity-organization-golden.png`, fullPage: true });
    await page.getByTestId('identity-undo-reason').fill('名称以营业执照为准');
    await page.getByTestId('identity-undo').click();
    await poll(
      async () =>
        (
          await harness.ctx.database.db
            .selectFrom('identity_entity_merge')
            .select('status')
            .where('id', '=', merge.id)
            .executeTakeFirstOrThrow()
        ).status,
    ).toBe('undone');
    await page.close();
  }, 300_000);
  it('shows a duplicate organisation of the platform as a conflict with the reason, and merges it from its card', async () => {
    const { database, cipher } = harness.ctx;
    const { db } = database;
    const scope = await districtPath(db);
    // The platform has an organisation twice (entered again without its credit code): the next run finds both
    // in one cluster and queues the conflict.
    const original = await db
      .selectFrom('organization')
      .selectAll()
      .where('uscc', 'is not', null)
      .orderBy('id')
      .executeTakeFirstOrThrow();
    const { id: _id, ...copy } = original;
    const duplicate = await db
      .insertInto('organization')
      .values({ ...copy, uscc: null, source: 'manual' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const service = createIdentityService(database, cipher);
    const run = await service.start(commandLineIdentityActor('tester', scope), {
      entityType: 'organization',
    });
    await service.wait(run.id);

    const page = await harness.signIn('admin');
    await page.getByRole('link', { name: '实体识别' }).first().click();
    await page.getByTestId('identity-entity-type').getByText('组织').click();
    await page.getByRole('tab', { name: '待核对' }).click();
    const card = page.getByTestId('identity-review').filter({ hasText: '平台记录重复' }).first();
    await card.waitFor({ timeout: 30_000 });
    const text = (await card.textContent()) ?? '';
    expect(text).toContain('指向同一实体');
    expect(text).toContain(original.name);
    await page.screenshot({ path: `${SHOTS}/identity-conflict.png`, fullPage: true });
    await card.getByTestId('identity-reason').fill('同一家企业重复录入');
    await card.getByRole('button', { name: '合并为一条（可撤销）' }).click();
    await poll(
      async () =>
        (await db
          .selectFrom('organization')
          .select('id')
          .where('id', '=', duplicate.id)
          .executeTakeFirst()) ?? null,
    ).toBe(null);
    const merge = await db
      .selectFrom('identity_entity_merge')
      .select(['members', 'status'])
      .where('entity_type', '=', 'organization')
      .where('entity_id', '=', original.id)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(merge).toEqual({ members: [`o:${original.id}`, `o:${duplicate.id}`], status: 'applied' });
    await page.close();
  }, 300_000);
});
