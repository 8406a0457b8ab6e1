// Entity resolution in the console against the small demo district with two department exports imported and
// one identity run: the run with its progress, a pair of the review queue side by side (masked) with its
// evidence and a split with a reason, and a golden record with the source of every field and the undo of its
// merge. Screenshots go to test-results/screenshots/identity-*.png.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateDepartmentExports } from '../../src/domains/demo/department-exports.ts';
import { generateEntityExports } from '../../src/domains/demo/entity-exports.ts';
import { importEntityRegister } from '../../src/domains/identity/entity-sources.ts';
import { commandLineIdentityActor, createIdentityService } from '../../src/domains/identity/index.ts';
import { commandLineActor, districtPath, runImport } from '../../src/domains/ingest/index.ts';
import {
  bodyText,
  chooseOption,
  PLAIN_ID,
  PLAIN_PHONE,
  poll,
  SHOTS,
  startBrowserHarness,
} from './harness.ts';

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
    // The evidence names each comparison in words (the name comparison's row: 姓名, then its level).
    expect(text).toMatch(/姓名(exact|pinyin)/);
    expect(text).not.toContain('id_number');
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
    // An organisation's name is labelled 名称, not a person's 姓名.
    expect(text).toContain('名称');
    expect(text).not.toContain('姓名');
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
    // The rows say what an organisation's record holds: its credit code is not an ID number.
    expect(text).toContain('统一社会信用代码');
    expect(text).not.toContain('身份证号');
    // Person-only rows are left out; the evidence names its comparisons and levels in words, not setting names.
    expect(text).not.toContain('出生日期');
    expect(text).toContain('名称主干');
    expect(text).toContain('法定代表人');
    expect(text).not.toContain('name_core');
    expect(text).toContain('拆分（不是同一个）');
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

  it('shows an unplaced register record as one record with its reason and the buildings considered, and dismisses it', async () => {
    const { database, cipher } = harness.ctx;
    const { db } = database;
    const scope = await districtPath(db);
    // A room in building 99 of a compound the platform has, which lacks that building.
    const known = await db
      .selectFrom('house')
      .select('address')
      .where('address', 'like', '%单元%室')
      .orderBy('id')
      .executeTakeFirstOrThrow();
    const address = known.address.replace(/\d+(?=(幢|栋|号楼))/, '99');
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'identity-unplaced-')), 'houses.csv');
    writeFileSync(file, `编号,地址\nU1,${address}\n`);
    await importEntityRegister(database, cipher, {
      file,
      entityType: 'house',
      source: 'unplaced_register',
      mapping: { source_key: '编号', address: '地址' },
      scopePath: scope,
    });
    const service = createIdentityService(database, cipher);
    const run = await service.start(commandLineIdentityActor('tester', scope), { entityType: 'house' });
    await service.wait(run.id);

    const page = await harness.signIn('admin');
    await page.getByRole('link', { name: '实体识别' }).first().click();
    await page.getByTestId('identity-entity-type').getByText('房屋').click();
    await page.getByRole('tab', { name: '待核对' }).click();
    const card = page.getByTestId('identity-review').filter({ hasText: address }).first();
    await card.waitFor({ timeout: 30_000 });
    const text = (await card.textContent()) ?? '';
    expect(text).toContain('登记记录无法落位');
    expect(text).toContain('楼栋在平台中不存在');
    // One record: no second side, and the compound's buildings it could go to.
    expect(text).not.toContain('记录乙');
    expect(await card.getByTestId('identity-review-records').locator('thead th').allTextContents()).toEqual([
      '项目',
      '记录',
    ]);
    expect(await card.getByTestId('identity-candidates').textContent()).toContain('同一小区');
    expect(await card.getByTestId('identity-split').count()).toBe(0);
    await page.screenshot({ path: `${SHOTS}/identity-unplaced.png`, fullPage: true });
    await card.getByTestId('identity-reason').fill('该楼栋尚未建成，仅保留登记');
    await card.getByTestId('identity-dismiss').click();
    await poll(
      async () =>
        (
          await db
            .selectFrom('identity_review')
            .select('status')
            .where('kind', '=', 'unplaced')
            .where('problem', 'like', '%楼栋%')
            .where('reason', '=', '该楼栋尚未建成，仅保留登记')
            .executeTakeFirst()
        )?.status,
    ).toBe('dismissed');
    await page.close();
  }, 300_000);

  it('lets a worker pick the head of a household created without one among its candidates', async () => {
    const { database, cipher } = harness.ctx;
    const { db } = database;
    const scope = await districtPath(db);
    const home = await db
      .selectFrom('house')
      .select(['id', 'address', 'grid_id', 'street_code', 'scope_path'])
      .where('address', 'like', '%单元%室')
      // A house no household lives in, so the register's household is created, not matched.
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('household').select('id').whereRef('household.house_id', '=', 'house.id'))),
      )
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    const person = await db
      .insertInto('person')
      .values({
        street_code: home.street_code,
        grid_id: home.grid_id,
        scope_path: home.scope_path,
        house_id: home.id,
        name: '柏选户',
        sex: '1',
        birth_date: '1960-03-03',
        registration_type: 'household',
        source: 'manual',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'identity-head-')), 'households.csv');
    writeFileSync(
      file,
      `编号,户号,住址,人数,成员\nC1,HH-BROWSER-0001,${home.address},1,柏选户(1960-03-03)\n`,
    );
    await importEntityRegister(database, cipher, {
      file,
      entityType: 'household',
      source: 'head_register',
      mapping: {
        source_key: '编号',
        household_no: '户号',
        address: '住址',
        member_count: '人数',
        members: '成员',
      },
      scopePath: scope,
    });
    const service = createIdentityService(database, cipher);
    const run = await service.start(commandLineIdentityActor('tester', scope), { entityType: 'household' });
    await service.wait(run.id);
    const household = await db
      .selectFrom('household')
      .select(['id', 'head_person_id'])
      .where('household_no', '=', 'HH-BROWSER-0001')
      .executeTakeFirstOrThrow();
    expect(household.head_person_id).toBe(null);

    const page = await harness.signIn('admin');
    await page.getByRole('link', { name: '实体识别' }).first().click();
    await page.getByTestId('identity-entity-type').getByText('户', { exact: true }).click();
    await page.getByRole('tab', { name: '待核对' }).click();
    const card = page.getByTestId('identity-review').filter({ hasText: '户主待定' }).first();
    await card.waitFor({ timeout: 30_000 });
    expect(await card.textContent()).toContain('登记未提供户主身份证号');
    expect(await card.textContent()).toContain('户主（或户号）');
    expect(await card.textContent()).not.toContain('姓名');
    expect(await card.getByTestId('identity-candidates').textContent()).toContain('柏*户');
    expect(await bodyText(page)).not.toContain('柏选户');
    await chooseOption(page, card.getByTestId('identity-head'), '柏*户');
    await card.getByTestId('identity-reason').fill('入户核实户主');
    await page.screenshot({ path: `${SHOTS}/identity-household-head.png`, fullPage: true });
    await card.getByTestId('identity-choose').click();
    await poll(
      async () =>
        (
          await db
            .selectFrom('household')
            .select('head_person_id')
            .where('id', '=', household.id)
            .executeTakeFirstOrThrow()
        ).head_person_id,
    ).toBe(person.id);
    await page.close();
  }, 300_000);

  it('keeps the golden-record id in step with the address when the user goes back, and a full-page screenshot does not remount the page', async () => {
    const ids = await harness.ctx.database.db
      .selectFrom('organization')
      .select('id')
      .orderBy('id')
      .limit(2)
      .execute();
    const [first, second] = ids.map((r) => r.id) as [number, number];
    const page = await harness.signIn('admin');
    await page.getByRole('link', { name: '实体识别' }).first().click();
    await page.getByTestId('identity-entity-type').getByText('组织').click();
    await page.getByRole('tab', { name: '黄金记录' }).click();
    const input = page.getByTestId('identity-person-id').locator('xpath=descendant-or-self::input').first();
    for (const id of [first, second]) {
      await input.fill(String(id), { timeout: 30_000 });
      await page.getByTestId('identity-show').click();
      await poll(() => new URL(page.url()).searchParams.get('id')).toBe(String(id));
    }
    await page.goBack();
    await poll(() => new URL(page.url()).searchParams.get('id')).toBe(String(first));
    await poll(() => input.inputValue()).toBe(String(first));
    await page.goForward();
    await poll(() => input.inputValue()).toBe(String(second));

    // The page's DOM survives a full-page screenshot: a remount would replace the node (and, before the view
    // lived in the address, reset the page to 居民 and the runs tab).
    const title = page.getByRole('heading', { name: '实体识别与黄金记录' });
    await title.evaluate((el) => {
      (el as unknown as { probe: boolean }).probe = true;
    });
    await page.screenshot({ path: `${SHOTS}/identity-golden-history.png`, fullPage: true });
    expect(await title.evaluate((el) => (el as unknown as { probe?: boolean }).probe === true)).toBe(true);
    expect(new URL(page.url()).searchParams.get('type')).toBe('organization');
    expect(await input.inputValue()).toBe(String(second));
    await page.close();
  }, 300_000);
});
