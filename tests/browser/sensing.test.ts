// The sensing console in a real browser against the small demo district: a smoke alarm sent through ingestion
// reaches the open alert wall live (no reload) with its responder line-up; the community worker acknowledges it
// and the wall moves on; device health lists every device, also one that never reported and one fallen silent, and
// draws a meter's readings; the demand forecast draws
// history and forecast with the backtest error in words. Screenshots go to test-results/screenshots/sensing-*.png.
import { beforeAll, describe, expect, it } from 'vitest';
import { bodyText, chooseOption, poll, SHOTS, startBrowserHarness } from './harness.ts';

const RAW_KEY = /\bsensing[A-Z][A-Za-z_]+\b/;
const DAY = 86_400_000;
const HOUR = 3_600_000;

const harness = startBrowserHarness();
let smokeTopic = '';
let categoryName = '';

async function post(path: string, token: string, payload: unknown) {
  const res = await harness.app.inject({
    method: 'POST',
    url: path,
    headers: { authorization: `Bearer ${token}` },
    payload: payload as Record<string, unknown>,
  });
  if (res.statusCode >= 300) throw new Error(`${path}: ${res.statusCode} ${res.body}`);
  return res.json();
}

/** Sends one device message through the ingestion pipeline (what the MQTT broker hands over) and stores it. */
async function send(topic: string, msgId: string, values: Record<string, unknown>, ts = Date.now()) {
  const rejected = harness.app.sensing.ingestor.accept(topic, JSON.stringify({ msgId, ts, values }));
  expect(rejected).toBeNull();
  await harness.app.sensing.ingestor.flush();
  // What the running service's one-second timer does: last-seen times and health counters reach the database.
  await harness.app.sensing.ingestor.persistHealth();
}

beforeAll(async () => {
  const db = harness.ctx.database.db;
  const account = await db
    .selectFrom('account')
    .select('scope_path')
    .where('username', '=', 'community01')
    .executeTakeFirstOrThrow();
  const house = await db
    .selectFrom('house as h')
    .innerJoin('building as b', 'b.id', 'h.building_id')
    .select(['h.id', 'h.scope_path', 'b.lng', 'b.lat'])
    .where('h.scope_path', 'like', `${account.scope_path}%`)
    .orderBy('h.id')
    .executeTakeFirstOrThrow();
  const token = await harness.tokenOf('community01');
  const smoke = await post('/api/sensing/devices', token, {
    deviceUid: 'SD-WALL-0001',
    kind: 'smoke_detector',
    houseId: house.id,
  });
  smokeTopic = smoke.topic;
  const water = await post('/api/sensing/devices', token, {
    deviceUid: 'WM-WALL-0001',
    kind: 'water_meter',
    houseId: house.id,
  });
  // A door sensor that reported two days ago and then fell silent (a day is its limit), and a gas detector
  // installed but never heard from: the device list shows both.
  const door = await post('/api/sensing/devices', token, {
    deviceUid: 'DS-WALL-0001',
    kind: 'door_sensor',
    houseId: house.id,
  });
  await send(door.topic, 'door-1', { open: { vb: false } }, Date.now() - 2 * DAY);
  await post('/api/sensing/devices', token, {
    deviceUid: 'GD-WALL-0001',
    kind: 'gas_detector',
    houseId: house.id,
  });
  await post('/api/sensing/responders', token, {
    kind: 'micro_fire_station',
    name: '幸福微型消防站',
    phone: '13900001111',
    scopePath: house.scope_path,
    lng: house.lng + 0.003,
    lat: house.lat,
  });
  await post('/api/sensing/responders', token, {
    kind: 'community_police',
    name: '社区民警老陈',
    phone: '13900002222',
    scopePath: house.scope_path,
    lng: house.lng + 0.01,
    lat: house.lat + 0.01,
  });
  // A day of hourly water use from the meter, battery running low.
  const start = Date.now() - 23 * HOUR - 60_000;
  for (let h = 0; h < 24; h++)
    await send(
      water.topic,
      `wm-${h}`,
      { usage: { v: 5 + (h % 6) * 3, u: 'L' }, battery: { v: 30 - h / 2, u: '%' } },
      start + h * HOUR,
    );
  // 16 weeks of requests in the community under the catalogue's first category, with a weekly rhythm.
  const reference = await harness.app.inject({
    method: 'GET',
    url: '/api/requests/reference',
    headers: { authorization: `Bearer ${token}` },
  });
  const category = reference.json().categories[0] as { code: string; name: string };
  categoryName = category.name;
  const rows = [];
  for (let d = 0; d < 16 * 7; d++) {
    const at = new Date(Date.now() - (16 * 7 - d) * DAY);
    const n = [6, 5, 5, 4, 5, 2, 1][(at.getUTCDay() + 6) % 7]!;
    for (let k = 0; k < n; k++)
      rows.push({
        number: `SENS-${d}-${k}`,
        scope_path: house.scope_path,
        channel: 'hotline' as const,
        status: 'closed',
        description: '测试诉求',
        category_code: category.code,
        received_at: at,
      });
  }
  await db.insertInto('work_order').values(rows).execute();
});

describe('sensing console', () => {
  it('a smoke alarm reaches the open wall live; the worker acknowledges it and gives feedback', async () => {
    const page = await harness.signIn('community01');
    await page.getByRole('link', { name: '告警墙' }).first().click();
    await poll(() => page.getByTestId('alert-live').textContent()).toContain('实时连接中');
    expect(await bodyText(page)).toContain('没有符合条件的告警');

    await send(smokeTopic, 'smoke-1', { alarm: { vb: true } });
    // No reload: the live feed brings the alert onto the wall.
    const row = page.locator('.ant-table-row').filter({ hasText: 'SD-WALL-0001' });
    await poll(() => row.count()).toBe(1);
    await poll(() => row.textContent()).toContain('已通知');
    const text = (await row.textContent()) ?? '';
    expect(text).toContain('烟感报警');
    expect(text).toContain('紧急');
    expect(text).toContain('待处置');
    expect(text).toContain('第 1 级');
    expect(text).toMatch(/秒前|分钟前/);
    // Nearest first: the fire station a few hundred metres away, then the police further off, still waiting.
    expect(text).toMatch(
      /微型消防站 幸福微型消防站 · \d+ 米 已通知.*社区民警 社区民警老陈 · [\d.]+ (米|公里) 待通知/,
    );
    expect(await bodyText(page)).not.toMatch(RAW_KEY);
    await page.screenshot({ path: `${SHOTS}/sensing-alert-wall.png` });

    await row.getByTestId('alert-ack').click();
    // Acknowledged, the alert leaves the open list; under "acknowledged" it shows who stood down.
    await poll(() => row.count()).toBe(0);
    const alert = await harness.ctx.database.db
      .selectFrom('sensing_alert')
      .select(['id', 'status'])
      .where('rule_code', '=', 'smoke_alarm')
      .executeTakeFirstOrThrow();
    expect(alert.status).toBe('acknowledged');
    await page.getByTestId('alert-status-filter').click();
    await page.getByTitle('已接警').click();
    await poll(() => row.textContent()).toContain('已确认');
    expect(await row.textContent()).toContain('已撤销');
    await row.getByTestId('alert-false').click();
    await poll(() => row.count()).toBe(0);
    await poll(
      async () =>
        (
          await harness.ctx.database.db
            .selectFrom('sensing_alert')
            .select('feedback')
            .where('id', '=', alert.id)
            .executeTakeFirstOrThrow()
        ).feedback,
    ).toBe('false_alarm');
    await page.getByTestId('alert-status-filter').click();
    await page.getByTitle('已关闭').click();
    await poll(() => row.textContent()).toContain('反馈：误报');
    await page.close();
  });

  it('device health lists the devices with their state; a meter opens its readings as a chart', async () => {
    const page = await harness.signIn('community01');
    await page.getByRole('link', { name: '设备状态' }).first().click();
    const meter = page.locator('.ant-table-row').filter({ hasText: 'WM-WALL-0001' });
    await poll(() => meter.textContent()).toContain('在线');
    expect(await meter.textContent()).toContain('智能水表');
    // The meter's battery ran down to 18.5 % over the day: flagged in the list.
    expect(await meter.textContent()).toContain('电量低 18.5%');
    await poll(() => page.locator('.ant-table-row').count()).toBe(4);
    const silent = page.locator('.ant-table-row').filter({ hasText: 'DS-WALL-0001' });
    expect(await silent.textContent()).toContain('离线');
    expect(await silent.textContent()).toContain('门磁');
    const never = page.locator('.ant-table-row').filter({ hasText: 'GD-WALL-0001' });
    expect(await never.textContent()).toContain('从未上报');
    expect(await page.getByTestId('device-state-counts').textContent()).toBe(
      '在线 2 台 · 离线 1 台 · 从未上报 1 台',
    );
    // Search narrows the list on the server.
    await page.getByTestId('device-search').locator('input').fill('sd-wall');
    await page.getByTestId('device-search').locator('input').press('Enter');
    await poll(() => page.locator('.ant-table-row').count()).toBe(1);
    await poll(() => page.locator('.ant-table-row').first().textContent()).toContain('烟感');
    await page.getByTestId('device-search').locator('input').fill('');
    await page.getByTestId('device-search').locator('input').press('Enter');
    await poll(() => meter.count()).toBe(1);
    await page.screenshot({ path: `${SHOTS}/sensing-device-list.png` });
    await meter.click();
    const drawer = page.getByTestId('device-readings');
    await drawer.getByTestId('readings-chart').locator('canvas').first().waitFor();
    await poll(() => drawer.textContent()).toContain('电量低');
    expect(await bodyText(page)).not.toMatch(RAW_KEY);
    await page.screenshot({ path: `${SHOTS}/sensing-devices.png` });
    // The state filter asks the server for the silent devices only.
    await page.keyboard.press('Escape');
    await poll(() => drawer.isVisible()).toBe(false);
    await chooseOption(page, page.getByTestId('device-state-filter'), '离线');
    await poll(() => page.locator('.ant-table-row').count()).toBe(1);
    expect(await page.locator('.ant-table-row').first().textContent()).toContain('DS-WALL-0001');
    await page.screenshot({ path: `${SHOTS}/sensing-device-silent.png` });
    await page.close();
  });

  it('the demand forecast draws history and forecast, with the backtest error in words', async () => {
    const page = await harness.signIn('community01');
    await page.getByRole('link', { name: '需求预测' }).first().click();
    const card = page.getByTestId('forecast-card');
    await card.getByTestId('forecast-chart').locator('canvas').first().waitFor();
    await poll(() => card.getByTestId('forecast-backtest').textContent()).toMatch(
      /次回测中，平均每期误差约 [\d.]+ 件/,
    );
    expect(await card.textContent()).toMatch(/两年内共 \d+ 件/);
    expect(await card.textContent()).toContain(categoryName);
    expect(await bodyText(page)).not.toMatch(RAW_KEY);
    await page.screenshot({ path: `${SHOTS}/sensing-forecast.png` });
    // Weekly, sixteen weeks are less than a year's season: the page says it cannot forecast rather than guess.
    await page.getByTestId('forecast-freq').getByText('按周').click();
    await poll(() => card.textContent()).toContain('无法预测');
    await page.close();
  });
});
