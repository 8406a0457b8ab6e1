// The staff pages of work orders in a real browser against the small demo district with a few months of request
// history: a handling unit's worker finds an order in the list, opens it, sees the steps with who and when and the
// requester masked, takes the steps the role allows (a refusal from the server shown in Chinese); a grid worker
// reports a problem from a phone with a photo and the phone's location; a street officer reads the evaluation
// dashboard and drills down to the orders behind a figure. Screenshots go to test-results/screenshots/orders-*.png.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRequestDemo, requestCategoryCatalog } from '../../src/domains/requests/index.ts';
import {
  bodyText,
  fillSignIn,
  PHONE,
  PLAIN_PHONE,
  password,
  poll,
  SHOTS,
  startBrowserHarness,
} from './harness.ts';

const RAW_KEY = /\borders[A-Z][A-Za-z_]+\b/;
const harness = startBrowserHarness();
let gridCentre: { lng: number; lat: number };
let orderNumber = '';
let orderId = 0;

beforeAll(async () => {
  const { ctx, app } = harness;
  await loadRequestDemo(ctx.database, ctx.cipher, requestCategoryCatalog(), {
    seed: 7,
    perDay: 6,
    days: 120,
  });
  const grid = await ctx.database.db
    .selectFrom('grid')
    .select(['center_lng', 'center_lat'])
    .orderBy('id')
    .executeTakeFirstOrThrow();
  gridCentre = { lng: grid.center_lng, lat: grid.center_lat };
  const token = await harness.tokenOf('hotline');
  const res = await app.inject({
    method: 'POST',
    url: '/api/requests/hotline',
    headers: { authorization: `Bearer ${token}` },
    payload: {
      description: '晚上十点后小区北门一直有人露天烧烤，油烟呛人，电话13912345678',
      categoryCode: '0104',
      ...gridCentre,
      callerName: '冯宝宝',
      callerPhone: '13912345678',
    },
  });
  expect(res.statusCode).toBe(201);
  orderNumber = res.json().order.number;
  const row = await ctx.database.db
    .selectFrom('work_order')
    .select('id')
    .where('number', '=', orderNumber)
    .executeTakeFirstOrThrow();
  orderId = Number(row.id);
}, 300_000);

describe('work orders in the console', () => {
  it('a unit worker finds the order, sees its steps and masked requester, accepts it (a stale step gets the Chinese 409) and resolves it', async () => {
    const page = await harness.signIn('unit01');
    await page.getByRole('link', { name: '工单办理' }).first().click();
    await page.locator('.ant-table-row').first().waitFor();
    // Rows carry the deadline in colour; the unit sees only what was dispatched to it.
    expect(await page.locator('[data-testid^="deadline-"]').count()).toBeGreaterThan(0);
    expect(await bodyText(page)).not.toMatch(RAW_KEY);
    await page.screenshot({ path: `${SHOTS}/orders-list.png` });

    await page.getByTestId('orders-search').locator('input').fill('露天烧烤');
    await page.getByTestId('orders-search').locator('input').press('Enter');
    await poll(async () => (await page.locator('.ant-table-row').allTextContents()).join('|')).toContain(
      orderNumber,
    );
    await page.locator('.ant-table-row', { hasText: orderNumber }).click();
    const detail = page.getByTestId('order-detail');
    await detail.waitFor();
    await poll(() => detail.getByTestId('order-timeline').textContent()).toContain('受理');
    expect(await detail.getByTestId('order-timeline').textContent()).toContain('派单');
    expect(await detail.getByTestId('order-requesters').textContent()).toContain('冯*宝');
    expect(await detail.getByTestId('order-requesters').textContent()).toContain('139****5678');
    expect(await detail.getByTestId('order-requesters').textContent()).not.toMatch(PLAIN_PHONE);
    // Only the lead unit's steps are offered: no dispatch, no close, no supervision.
    await detail.getByTestId('action-accept').waitFor();
    expect(await detail.getByTestId('action-return').count()).toBe(1);
    expect(await detail.getByTestId('action-dispatch').count()).toBe(0);
    expect(await detail.getByTestId('action-close').count()).toBe(0);
    expect(await detail.getByTestId('action-supervise').count()).toBe(0);
    await page.getByTestId('order-map').locator('canvas').waitFor();
    await page.screenshot({ path: `${SHOTS}/orders-detail.png`, fullPage: true });

    // 退单 without a reason is stopped on the page.
    await detail.getByTestId('action-return').click();
    await page.getByTestId('action-submit').click();
    await poll(() => page.getByTestId('action-form-return').textContent()).toContain('请填写理由');
    await page.getByRole('button', { name: /取\s*消/ }).click();

    // A colleague accepts it meanwhile; this page still offers 签收 and the server refuses it in Chinese.
    const colleague = await harness.app.inject({
      method: 'POST',
      url: `/api/requests/${orderId}/accept`,
      headers: { authorization: `Bearer ${await harness.tokenOf('unit01')}` },
      payload: {},
    });
    expect(colleague.statusCode).toBe(200);
    await detail.getByTestId('action-accept').click();
    await page.getByTestId('action-submit').click();
    await poll(() => page.getByTestId('action-error').textContent()).toBe(
      '工单当前状态为「已签收」，不能签收',
    );
    await page.screenshot({ path: `${SHOTS}/orders-refused.png` });
    await page.getByRole('button', { name: /取\s*消/ }).click();

    // The page fetched the order again: it offers what the state allows now, resolve with a note.
    await detail.getByTestId('action-resolve').waitFor();
    expect(await detail.getByTestId('action-accept').count()).toBe(0);
    await detail.getByTestId('action-resolve').click();
    await page.getByTestId('action-field-note').fill('已联系城管中队现场劝离，烧烤摊已撤');
    await page.getByTestId('action-submit').click();
    await poll(() => detail.getByTestId('order-status').textContent()).toBe('已办结待回访');
    await poll(() => detail.getByTestId('order-timeline').textContent()).toContain('已联系城管中队现场劝离');
    expect(await detail.getByTestId('order-timeline').textContent()).toContain('刘洋');
    await page.close();
  });

  it('a grid worker reports a problem on a phone: class, words, a photo and the phone’s location', async () => {
    const context = await harness.browser.newContext({
      viewport: PHONE,
      deviceScaleFactor: 2,
      hasTouch: true,
      geolocation: { longitude: gridCentre.lng, latitude: gridCentre.lat },
      permissions: ['geolocation'],
    });
    const page = await context.newPage();
    await page.goto(harness.base);
    await fillSignIn(page, 'grid01', password('grid01'));
    await page.getByTestId('menu-button').waitFor();
    await page.goto(`${harness.base}/patrol`);
    await page.getByTestId('patrol-form').waitFor();
    // The location comes from the phone without a tap.
    await poll(() => page.getByTestId('place-picked').textContent()).toContain('已标出位置');
    await page.getByTestId('patrol-class').click();
    await page.keyboard.type('暴露垃圾');
    await page.keyboard.press('Enter');
    await page.getByTestId('patrol-description').fill('花坛边堆了一堆装修垃圾，挡住了盲道');
    const png = await page.evaluate(() => {
      const c = document.createElement('canvas');
      c.width = 64;
      c.height = 48;
      const g = c.getContext('2d')!;
      g.fillStyle = '#8a6d3b';
      g.fillRect(0, 0, 64, 48);
      return c.toDataURL('image/png').split(',')[1]!;
    });
    await page.getByTestId('patrol-photo-input').setInputFiles({
      name: 'site.png',
      mimeType: 'image/png',
      buffer: Buffer.from(png, 'base64'),
    });
    await page.locator('img.patrol-photo').waitFor();
    await page.screenshot({ path: `${SHOTS}/orders-patrol-phone.png`, fullPage: true });
    await page.getByTestId('patrol-submit').click();
    await poll(() => page.getByTestId('patrol-done').textContent()).toMatch(/已上报，工单编号 \d+/);
    await page.screenshot({ path: `${SHOTS}/orders-patrol-done.png` });
    const row = await harness.ctx.database.db
      .selectFrom('work_order')
      .innerJoin('order_attachment', 'order_attachment.order_id', 'work_order.id')
      .select(['work_order.channel', 'work_order.event_code', 'order_attachment.content_type'])
      .where('work_order.description', '=', '花坛边堆了一堆装修垃圾，挡住了盲道')
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ channel: 'patrol', event_code: 'E0102', content_type: 'image/jpeg' });
    await context.close();
  });

  it('a street officer reads the rates per unit with trend, 每月一题 and hot spots, and drills down to the orders', async () => {
    const page = await harness.signIn('street01');
    await page.getByRole('link', { name: '考评分析' }).first().click();
    const table = page.getByTestId('evaluation-table');
    await table.locator('.ant-table-row').first().waitFor();
    const first = await table.locator('.ant-table-row').first().textContent();
    expect(first).toMatch(/\d+(\.\d)?%/);
    await page.getByTestId('evaluation-trend').locator('canvas').waitFor();
    await poll(async () =>
      page.getByTestId('evaluation-top-problems').locator('.ant-table-row').count(),
    ).toBeGreaterThan(0);
    await page.getByTestId('evaluation-hotspots').locator('canvas').waitFor();
    expect(await bodyText(page)).not.toMatch(RAW_KEY);
    await page.waitForTimeout(1500); // let the map draw its circles before the picture
    await page.screenshot({ path: `${SHOTS}/orders-evaluation.png`, fullPage: true });

    // By community; the received count of a row opens the order list filtered to it.
    await page.getByTestId('evaluation-dimension').getByText('社区').click();
    await poll(() => table.locator('.ant-table-row').first().textContent()).toContain('社区');
    const received = table.locator('.ant-table-row').first().locator('a').first();
    const count = Number((await received.textContent())!.replace(/\D/g, ''));
    await received.click();
    await page.getByTestId('orders-table').locator('.ant-table-row').first().waitFor();
    expect(page.url()).toContain('/orders?communityCode=');
    // The figures count the roll-up (merged duplicates once); the list also shows merged orders and today's arrivals.
    await poll(async () =>
      Number((await bodyText(page)).match(/共 (\d+) 件/)?.[1] ?? 0),
    ).toBeGreaterThanOrEqual(count);
    expect(count).toBeGreaterThan(0);
    await page.close();
  });

  it('the district administrator sets the score weights (saving waits for 100 %); the street officer sees them beside the score', async () => {
    const admin = await harness.signIn('admin');
    await admin.getByRole('link', { name: '考评分析' }).first().click();
    await poll(() => admin.getByTestId('evaluation-weights').textContent()).toContain('10 / 45 / 45（默认）');
    await admin.getByTestId('evaluation-weights-edit').click();
    // (antd spaces two-character labels: 「保 存」)
    const save = admin.locator('.ant-modal-footer .ant-btn-primary');
    await admin.getByRole('spinbutton', { name: '响应率' }).fill('20');
    // 20 + 45 + 45 = 110: the sum is shown in red and saving is disabled.
    await poll(() => admin.getByTestId('weights-sum').textContent()).toContain('110');
    expect(await save.isDisabled()).toBe(true);
    await admin.getByRole('spinbutton', { name: '解决率' }).fill('35');
    await poll(() => admin.getByTestId('weights-sum').textContent()).toContain('合计 100%');
    await admin.screenshot({ path: `${SHOTS}/orders-evaluation-weights.png` });
    await save.click();
    await poll(() => admin.getByTestId('evaluation-weights').textContent()).toContain(
      '20 / 35 / 45（本区设定）',
    );
    expect(await admin.getByTestId('evaluation-table').locator('thead').textContent()).toContain(
      '20 / 35 / 45',
    );
    await admin.close();

    const officer = await harness.signIn('street01');
    await officer.getByRole('link', { name: '考评分析' }).first().click();
    await poll(() => officer.getByTestId('evaluation-weights').textContent()).toContain('20 / 35 / 45');
    expect(await officer.getByTestId('evaluation-weights-edit').count()).toBe(0);
    await officer.close();
  });
});
