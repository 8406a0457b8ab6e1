// Precise supply in a real browser against the small demo district (with its street network and supply history):
// life-circle coverage on the MapLibre map measured by walking, a siting run drawn on the map, and care hours
// allocated with an equity floor next to the efficiency–equity curve and the communities' DEA; the provider
// registry with qualification expiry, a procurement project from its form to its explained ranking and an
// overridden award whose reason lands in the audit trail, and a service request matched to providers.
// Screenshots go to test-results/screenshots/supply-*.png.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bodyText, chooseOption, poll, SHOTS, startBrowserHarness } from './harness.ts';

// Solver runs (siting, the allocation curve) take a while on a busy machine.
const SOLVER_WAIT = { timeout: 120_000 };

const RAW_KEY = /\bsupply[A-Z][A-Za-z_]+\b/;

const harness = startBrowserHarness();

/** Three elderly-care providers at one spot of the district: a sound one, one whose licence ends in 20 days, one expired. */
async function seedProviders() {
  const token = await harness.tokenOf('admin');
  const at = await harness.ctx.database.db
    .selectFrom('building')
    .select(['lng', 'lat'])
    .orderBy('id')
    .limit(1)
    .executeTakeFirstOrThrow();
  const call = async (url: string, payload: object) => {
    const res = await harness.app.inject({
      method: 'POST',
      url,
      payload,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as number;
  };
  const day = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
  const ids: number[] = [];
  for (const [name, price, rating, until] of [
    ['云溪颐养居家服务中心', 50, 4.6, '2099-12-31'],
    ['云溪颐养护理有限公司', 45, 4.0, day(20)],
    ['云溪颐养互助社', 30, 4.2, '2025-06-30'],
  ] as const) {
    const id = await call('/api/supply/providers', {
      name,
      kind: 'social_org',
      categories: ['elderly_care'],
      capacityPerMonth: 300,
      pricePerHour: price,
      rating,
      lng: at.lng,
      lat: at.lat,
      serviceRadiusM: 5000,
    });
    await call(`/api/supply/providers/${id}/qualifications`, {
      kind: '养老服务机构备案',
      number: `YL-${id}`,
      categories: ['elderly_care'],
      validFrom: '2024-01-01',
      validUntil: until,
    });
    ids.push(id);
  }
  return { ids, token };
}

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
    await page.locator('[data-testid="supply-indicators"] canvas').waitFor();
    await page.screenshot({ path: `${SHOTS}/supply-evaluation.png`, fullPage: true });
    // The community report downloads as XLSX (a zip) and as PDF.
    for (const [kind, magic] of [
      ['xlsx', 'PK'],
      ['pdf', '%PDF'],
    ] as const) {
      const [file] = await Promise.all([
        page.waitForEvent('download'),
        page.getByTestId(`supply-export-${kind}`).click(),
      ]);
      expect(file.suggestedFilename()).toMatch(new RegExp(`^community-report-\\d{4}\\.${kind}$`));
      const bytes = readFileSync((await file.path())!);
      expect(bytes.subarray(0, magic.length).toString('latin1')).toBe(magic);
    }
    await page.getByTestId('supply-budget').fill('10');
    await page.getByTestId('supply-min-share').fill('0.9');
    await page.getByTestId('supply-run-allocation').click();
    await poll(() => page.getByTestId('supply-allocation-error').textContent()).toContain('预算约束');
    expect(await bodyText(page)).not.toMatch(RAW_KEY);
  });

  it('the registry shows qualification expiry; a project is created, bid on, ranked with every component and awarded with an override reason that is audited', async () => {
    const { ids, token } = await seedProviders();
    const page = await harness.signIn('admin');
    await page.getByRole('link', { name: '服务商名录' }).first().click();
    await poll(() => bodyText(page)).toMatch(/共 \d+ 家/);
    // The demo registry has more providers than one page holds.
    expect(await page.locator('[data-testid="supply-providers"] .ant-table-row').count()).toBe(10);
    await page.getByTestId('supply-provider-search').locator('input').fill('颐养');
    await page.getByTestId('supply-provider-search').locator('input').press('Enter');
    await poll(() => page.locator('[data-testid="supply-providers"] .ant-table-row').count()).toBe(3);
    const registry = (await page.getByTestId('supply-providers').textContent()) ?? '';
    expect(registry).toContain('有效至 2099-12-31');
    expect(registry).toMatch(/养老服务机构备案：(19|20) 天后到期/);
    expect(registry).toContain('已于 2025-06-30 过期');
    expect(registry).toContain('养老照护');
    expect(
      await page.locator('[data-testid="supply-providers"] [data-testid="supply-qual-orange"]').count(),
    ).toBe(1);
    expect(
      await page.locator('[data-testid="supply-providers"] [data-testid="supply-qual-red"]').count(),
    ).toBe(1);
    await page.screenshot({ path: `${SHOTS}/supply-providers.png`, fullPage: true });

    await page.getByRole('link', { name: '采购与匹配' }).first().click();
    await page.getByTestId('supply-new-project').click();
    await page.getByTestId('supply-project-title').fill('云溪街道居家养老上门服务采购');
    await page.getByTestId('supply-project-budget').fill('200000');
    await page
      .getByRole('button', { name: '创 建' })
      .or(page.getByRole('button', { name: '创建' }))
      .first()
      .click();
    await poll(() => page.getByTestId('supply-project-name').textContent()).toBe(
      '云溪街道居家养老上门服务采购',
    );
    const projectId = Number(page.url().split('/').pop());
    // One bid through the form, the other two through the API.
    await page.getByTestId('supply-bid-provider').click();
    await page.getByTestId('supply-bid-provider').locator('input').fill('颐养护理');
    await page.locator('.ant-select-item-option', { hasText: '云溪颐养护理有限公司' }).click();
    await page.getByTestId('supply-bid-price').fill('90000');
    await page.getByTestId('supply-place-bid').click();
    await poll(() => page.locator('[data-testid="supply-bids"] .ant-table-row').count()).toBe(1);
    for (const [providerId, price] of [
      [ids[0]!, 120000],
      [ids[2]!, 60000],
    ]) {
      const res = await harness.app.inject({
        method: 'POST',
        url: `/api/supply/projects/${projectId}/bids`,
        payload: { providerId, price, capacity: 300 },
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.statusCode).toBe(201);
    }
    await page.reload();
    // Before any row is expanded, the rows are the three bidders.
    await poll(() => page.locator('[data-testid="supply-ranking"] .ant-table-row').count()).toBe(3);
    await page.locator('[data-testid="supply-score-chart"] canvas').waitFor();
    const ranking = (await page.getByTestId('supply-ranking').textContent()) ?? '';
    for (const label of ['资质', '类别匹配', '距离', '能力余量', '价格', '评级', '履约表现', '总分'])
      expect(ranking).toContain(label);
    // The expired provider ranks last, with its blocker named.
    expect(ranking).toContain('资质已于 2025-06-30 过期');
    // Expand the first row: seven components, each with weight, score and reason.
    await page.locator('[data-testid="supply-ranking"] .ant-table-row-expand-icon').first().click();
    const firstId = await page.evaluate(() =>
      document.querySelector('[data-testid^="supply-components-"]')?.getAttribute('data-testid'),
    );
    expect(firstId).toBeTruthy();
    await poll(() => page.locator(`[data-testid="${firstId}"] .ant-table-row`).count()).toBe(7);
    await page.screenshot({ path: `${SHOTS}/supply-project-ranking.png`, fullPage: true });

    // Award to the provider ranked second: an override, which asks for a reason first.
    const second = await harness.app.inject({
      method: 'GET',
      url: `/api/supply/projects/${projectId}/ranking`,
      headers: { authorization: `Bearer ${token}` },
    });
    const [top, runnerUp] = second.json().ranking as { providerId: number; name: string }[];
    await page.getByTestId(`supply-choose-${runnerUp!.providerId}`).click();
    await poll(() => bodyText(page)).toContain(`排名第一的是「${top!.name}」`);
    expect(await page.getByTestId('supply-override-ok').isDisabled()).toBe(true);
    const reason = '该机构有夜间照护人员，更适合失能老人';
    await page.getByTestId('supply-override-reason').fill(reason);
    await poll(() => page.getByTestId('supply-override-ok').isEnabled()).toBe(true);
    await page.screenshot({ path: `${SHOTS}/supply-project-override.png` });
    await page.getByTestId('supply-override-ok').click();
    await poll(() => page.getByTestId('supply-award').textContent()).toContain(reason);
    expect(await page.getByTestId('supply-award').textContent()).toContain(`已定标：${runnerUp!.name}`);
    expect(await page.getByTestId('supply-award').textContent()).toContain('改选');
    expect(await page.locator('[data-testid^="supply-choose-"]').count()).toBe(0);
    expect(await page.locator('[data-testid="supply-bids"]').textContent()).toMatch(
      /云溪颐养护理有限公司¥90,000300/,
    );
    await page.locator('.ant-modal-mask').waitFor({ state: 'detached' });
    const audit = await harness.ctx.database.db
      .selectFrom('audit_log')
      .select(['purpose', 'details'])
      .where('action', '=', 'provider.choose')
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    expect(audit.purpose).toBe(reason);
    expect(audit.details).toMatchObject({
      override: true,
      chosenProviderId: runnerUp!.providerId,
      topProviderId: top!.providerId,
    });
    expect(await bodyText(page)).not.toMatch(RAW_KEY);
    await page.screenshot({ path: `${SHOTS}/supply-project-awarded.png`, fullPage: true });
  });

  it('matches a service request to the available providers and records the top choice against its number', async () => {
    const page = await harness.signIn('admin');
    await page.getByRole('link', { name: '采购与匹配' }).first().click();
    await page.getByTestId('supply-request-ref').fill('GD-20261201-0001');
    // The default place comes from the registry after the page shows; it must not wipe the number typed meanwhile.
    await poll(() => page.getByTestId('supply-match-lng').inputValue()).not.toBe('');
    expect(await page.getByTestId('supply-request-ref').inputValue()).toBe('GD-20261201-0001');
    await page.getByTestId('supply-run-match').click();
    await poll(
      async () => await page.locator('[data-testid="supply-match"] [data-testid^="supply-choose-"]').count(),
    ).toBeGreaterThan(2);
    const text = (await page.getByTestId('supply-match').textContent()) ?? '';
    expect(text).toContain('履约表现');
    // Providers without a valid elderly-care licence rank after the eligible ones and say why.
    expect(text).toContain('无「养老照护」类有效资质');
    await page.locator('[data-testid="supply-match"] [data-testid^="supply-choose-"]').first().click();
    await poll(() => page.getByTestId('supply-match-chosen').textContent()).toMatch(
      /诉求 GD-20261201-0001 已选定「[^」]+」：综合得分第一/,
    );
    await page.screenshot({ path: `${SHOTS}/supply-match.png`, fullPage: true });
    expect(await bodyText(page)).not.toMatch(RAW_KEY);
  });

  it('the street officer traces the home-care subsidy policy to its services and what they cost', async () => {
    const page = await harness.signIn('street01');
    await page.getByRole('link', { name: '服务记录' }).first().click();
    await poll(
      async () => await page.locator('[data-testid="supply-deliveries"] .ant-table-row').count(),
    ).toBeGreaterThan(0);
    const all = Number(
      ((await page.getByTestId('supply-delivery-totals').textContent()) ?? '')
        .match(/服务次数([\d,]+)/)![1]!
        .replace(/,/g, ''),
    );
    await chooseOption(page, page.getByTestId('supply-source-kind'), '政策');
    await page.getByTestId('supply-source-id').locator('input').fill('HOME_CARE_SUBSIDY');
    await page.getByTestId('supply-source-id').locator('input').press('Enter');
    await poll(async () => {
      const rows = await page.locator('[data-testid="supply-deliveries"] .ant-table-row').allTextContents();
      return rows.length > 0 && rows.every((r) => r.includes('政策 HOME_CARE_SUBSIDY'));
    }).toBe(true);
    const totals = (await page.getByTestId('supply-delivery-totals').textContent()) ?? '';
    const policy = Number(totals.match(/服务次数([\d,]+)/)![1]!.replace(/,/g, ''));
    expect(policy).toBeGreaterThan(0);
    expect(policy).toBeLessThan(all);
    expect(totals).toMatch(/费用（元）¥[\d,.]+/);
    // Names are masked for staff.
    expect(await page.getByTestId('supply-deliveries').textContent()).toContain('*');
    await page.screenshot({ path: `${SHOTS}/supply-deliveries.png`, fullPage: true });
    expect(await bodyText(page)).not.toMatch(RAW_KEY);
  });
});
