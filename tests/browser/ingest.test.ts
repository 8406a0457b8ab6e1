// Department data import in a real browser against the small demo district: upload a GBK-free UTF-8 CSV, check
// the masked preview and the suggested mapping, import in the background to the report (read = accepted +
// quarantined); fix a quarantined row inline and re-import it; the quality grid with its trend and drill-down;
// the quality rules edited and validated. Screenshots go to test-results/screenshots/ingest-*.png.
import { beforeAll, describe, expect, it } from 'vitest';
import { makeIdNumber } from '../../src/lib/id-number.ts';
import type { TestContext } from '../../src/testing/test-context.ts';
import { bodyText, PLAIN_ID, PLAIN_PHONE, poll, SHOTS, startBrowserHarness } from './harness.ts';

const RAW_KEY = /\bingest[A-Z][A-Za-z_]+\b/;
const harness = startBrowserHarness();
let ctx: TestContext;
beforeAll(() => {
  ({ ctx } = harness);
});

// The sequence number's parity is the sex (odd: male), so each agrees with the row.
const good = [makeIdNumber('330102', '1958-03-14', 32), makeIdNumber('330102', '1990-11-02', 41)];
const fixedId = makeIdNumber('330102', '1971-07-20', 52);
const CSV = [
  '人员编号,姓名,性别,出生日期,公民身份号码,联系电话,登记日期',
  `MZ1,陈美华,女,1958年3月14日,${good[0]},138 0013 8001,2025-06-01`,
  `MZ2,刘志强,男,1990/11/2,${good[1]},13900139002,20250701`,
  `MZ3,赵丽,女,1971-07-20,${fixedId.slice(0, 17)}${fixedId.endsWith('0') ? '1' : '0'},13700137003,2025-07-02`,
].join('\n');

describe('data import in the console', () => {
  it('an administrator uploads, maps, imports in the background and reads the report; a quarantined row is fixed inline and re-imported', async () => {
    const page = await harness.signIn('admin');
    await page.getByRole('link', { name: '数据导入' }).first().click();
    await page.getByTestId('ingest-import').waitFor();
    await page.getByTestId('ingest-source').locator('input').fill('civil');
    await page.locator('input[type=file]').setInputFiles({
      name: '民政低保.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(CSV),
    });
    const preview = page.getByTestId('ingest-preview');
    await preview.waitFor();
    const shown = (await preview.textContent()) ?? '';
    expect(shown).toContain('陈*华'); // names masked in the preview
    expect(shown).not.toMatch(PLAIN_ID);
    expect(shown).not.toMatch(PLAIN_PHONE);
    // The suggestion maps the columns from their names and values, the key column included.
    await poll(() => page.getByTestId('ingest-map-name').textContent()).toContain('姓名');
    await poll(() => page.getByTestId('ingest-map-id_number').textContent()).toContain('公民身份号码');
    await poll(() => page.getByTestId('ingest-map-source_key').textContent()).toContain('人员编号');
    expect(await bodyText(page)).not.toMatch(RAW_KEY);
    await page.screenshot({ path: `${SHOTS}/ingest-mapping.png`, fullPage: true });

    await page.getByTestId('ingest-start').click();
    await poll(() => page.getByTestId('ingest-equation').textContent()).toContain(
      '读取 3 行 = 接收 2 行 + 隔离 1 行',
    );
    await page.screenshot({ path: `${SHOTS}/ingest-report.png`, fullPage: true });
    const source = await ctx.database.db
      .selectFrom('ingest_source')
      .select('mapping')
      .where('name', '=', 'civil')
      .executeTakeFirstOrThrow();
    expect(source.mapping).toMatchObject({ source_key: '人员编号', name: '姓名' });

    await page.getByTestId('ingest-to-quarantine').click();
    const table = page.getByTestId('ingest-quarantine-table');
    await poll(() => table.textContent()).toContain('身份证号');
    expect(await table.textContent()).not.toMatch(PLAIN_ID);
    await table.locator('.ant-table-row-expand-icon').first().click();
    await page.getByRole('textbox', { name: '公民身份号码' }).fill(fixedId);
    await page.getByTestId('ingest-save-fix').click();
    await poll(() => table.textContent()).toContain('已修正，待重新导入');
    await page.screenshot({ path: `${SHOTS}/ingest-quarantine.png`, fullPage: true });
    await page.getByTestId('ingest-reimport').click();
    await poll(() => bodyText(page)).toContain('导入 1 行');
    const row = await ctx.database.db
      .selectFrom('source_person')
      .select(['name', 'birth_date'])
      .where('source', '=', 'civil')
      .where('source_key', '=', 'MZ3')
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ name: '赵丽', birth_date: '1971-07-20' });
    await page.close();
  });

  it('the quality page shows rates against thresholds with the trend, and drills down to the offending records', async () => {
    const page = await harness.signIn('admin');
    await page.goto(`${harness.base}/ingest/quality?source=civil`);
    const grid = page.getByTestId('ingest-quality-grid');
    await grid.waitFor();
    expect(await grid.textContent()).toContain('完整性');
    await page.getByTestId('ingest-trend').waitFor();
    // Address completeness: nobody in the file has an address.
    await page.getByTestId('ingest-figure-address-completeness').click();
    const offenders = page.getByTestId('ingest-offenders');
    await poll(() => offenders.textContent()).toContain('MZ1');
    // The figure counts the re-imported row too, like the records listed below it.
    expect(await offenders.textContent()).toContain('0 / 3 条');
    expect(await offenders.textContent()).not.toMatch(PLAIN_ID);
    expect(await bodyText(page)).not.toMatch(RAW_KEY);
    await page.screenshot({ path: `${SHOTS}/ingest-quality.png`, fullPage: true });
    await page.close();
  });

  it('quality rules: a duplicate rule is refused with the reason; a changed threshold is saved', async () => {
    const page = await harness.signIn('admin');
    await page.goto(`${harness.base}/ingest/rules`);
    await page.getByTestId('ingest-rules').waitFor();
    const input = page
      .getByTestId('ingest-threshold-all-phone-completeness')
      .locator('xpath=descendant-or-self::input');
    await input.waitFor();
    // The added rule (all sources, phone, completeness) repeats an existing one.
    await page.getByTestId('ingest-add-rule').click();
    await page.getByTestId('ingest-save-rules').click();
    await poll(() => page.getByTestId('ingest-rules-error').textContent()).toContain('规则重复');
    await page.screenshot({ path: `${SHOTS}/ingest-rules.png`, fullPage: true });
    await page.locator('.ant-table-row').last().getByRole('button', { name: '删除' }).click();
    await input.fill('55');
    await input.blur();
    await page.getByTestId('ingest-save-rules').click();
    await poll(async () => {
      const r = await ctx.database.db
        .selectFrom('ingest_quality_rule')
        .select('threshold')
        .where('source', 'is', null)
        .where('field', '=', 'phone')
        .where('dimension', '=', 'completeness')
        .executeTakeFirst();
      return r?.threshold;
    }).toBe(0.55);
    await page.close();
  });
});
