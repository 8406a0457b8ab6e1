// Precise supply in a real browser against the small demo district (with its street network and supply history):
// life-circle coverage on the MapLibre map measured by walking, a siting run drawn on the map, and care hours
// allocated with an equity floor next to the efficiency–equity curve and the communities' DEA.
// Screenshots go to test-results/screenshots/supply-*.png.
import { describe, expect, it } from 'vitest';
import { bodyText, poll, SHOTS, startBrowserHarness } from './harness.ts';

// Solver runs (siting, the allocation curve) take a while on a busy machine.
const SOLVER_WAIT = { timeout: 120_000 };

const RAW_KEY = /\bsupply[A-Z][A-Za-z_]+\b/;

const harness = startBrowserHarness();

describe('precise supply in the console', () => {
  it('the district admin sees elderly day-care coverage by walking, uncovered buildings and chosen sites on the map', async () => {
    const page = await harness.signIn('admin');
    await page.getByRole('link', { name: '设施规划' }).first().click();
    await poll(() => page.getByTestId('supply-method').textContent()).toBe('按步行路网计算');
    await page.locator('[data-testid="supply-map"] canvas').waitFor();
    expect(await bodyText(page)).toContain('60 岁及以上');
    await page.getByTestId('supply-run-siting').click();
    await page
      .getByTestId('supply-siting-result')
      .or(page.locator('.ant-alert-error'))
      .first()
      .waitFor(SOLVER_WAIT);
    await page.screenshot({ path: `${SHOTS}/supply-planning.png` });
    await poll(() => page.getByTestId('supply-siting-result').textContent()).toMatch(
      /选址前 .*% → 选址后 .*%/,
    );
    expect(await bodyText(page)).not.toMatch(RAW_KEY);
    await page.screenshot({ path: `${SHOTS}/supply-planning.png` });
  });

  it('allocates care hours with a floor, draws the trade-off curve, shows DEA; an impossible floor names the budget', async () => {
    const page = await harness.signIn('admin');
    await page.getByRole('link', { name: '分配与评价' }).first().click();
    await page.getByTestId('supply-run-allocation').click();
    await page
      .locator('[data-testid="supply-curve"] canvas')
      .or(page.getByTestId('supply-allocation-error'))
      .first()
      .waitFor(SOLVER_WAIT);
    await page.screenshot({ path: `${SHOTS}/supply-evaluation.png`, fullPage: true });
    expect(await page.getByTestId('supply-allocation-error').count()).toBe(0);
    expect(await bodyText(page)).toContain('最低社区满足率');
    await poll(
      async () => await page.locator('[data-testid="supply-dea"] .ant-table-row').count(),
    ).toBeGreaterThan(1);
    expect(await page.locator('[data-testid="supply-dea"]').textContent()).toContain('有效');
    await page.screenshot({ path: `${SHOTS}/supply-evaluation.png`, fullPage: true });
    await page.getByTestId('supply-budget').fill('10');
    await page.getByTestId('supply-min-share').fill('0.9');
    await page.getByTestId('supply-run-allocation').click();
    await poll(() => page.getByTestId('supply-allocation-error').textContent()).toContain('预算约束');
    expect(await bodyText(page)).not.toMatch(RAW_KEY);
  });
});
