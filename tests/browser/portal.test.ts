// The resident portal (/portal) in a real browser at phone size (390 × 844) against the small demo district:
// report a problem without an account (photos compressed on the phone, a pin on the map, a double tap that sends
// once), keep the number and code, follow the request by number with its unit, handler and steps, rate it and ask
// to reopen it with the code; a signed-in resident's own requests, notices, the policies in words and an appeal.
// Screenshots go to test-results/screenshots/portal-*.png for a person to look at.
import centroid from '@turf/centroid';
import type { MultiPolygon, Polygon } from 'geojson';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.ts';
import { requestCategoryCatalog } from '../../src/domains/requests/index.ts';
import type { TestContext } from '../../src/testing/test-context.ts';
import { bodyText, chooseOption, PHONE, password, poll, SHOTS, startBrowserHarness } from './harness.ts';

/** A message key shown instead of its text: a string missing from the catalogue. */
const RAW_KEY = /\b(portal|profiles)[A-Z][A-Za-z]+\b/;

const harness = startBrowserHarness();
let ctx: TestContext;
let app: App;
let base: string;
beforeAll(() => {
  ({ ctx, app, base } = harness);
});
const openPhone = () => harness.openPage(PHONE);
const tokenOf = harness.tokenOf;

/** Nothing wider than the phone: no sideways scrolling. */
async function expectNoSidewaysScroll(page: Page) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(PHONE.width);
}

/** A point inside the first grid of community01's community, and that community's name. */
async function pointInCommunity01() {
  const account = await ctx.database.db
    .selectFrom('account')
    .select('scope_path')
    .where('username', '=', 'community01')
    .executeTakeFirstOrThrow();
  const grid = await ctx.database.db
    .selectFrom('grid')
    .select(['boundary'])
    .where('path', 'like', `${account.scope_path}%`)
    .orderBy('id')
    .executeTakeFirstOrThrow();
  const boundary = (typeof grid.boundary === 'string' ? JSON.parse(grid.boundary) : grid.boundary) as
    | Polygon
    | MultiPolygon;
  const [lng, lat] = centroid(boundary).geometry.coordinates as [number, number];
  return { lng, lat };
}

describe('the resident portal', () => {
  it('opens without any sign-in, in large type, and the server hands /portal/… routes the portal page', async () => {
    const page = await openPhone();
    const res = await page.goto(`${base}/portal/lookup/123`);
    expect(res?.status()).toBe(200);
    expect(res?.headers()['content-security-policy']).toContain("worker-src 'self' blob:");
    await page.getByTestId('lookup-number').waitFor();
    await page.goto(`${base}/portal`);
    await page.getByTestId('tile-submit').waitFor();
    const text = await bodyText(page);
    expect(text).toContain('我要反映问题');
    expect(text).toContain('查询办理进度');
    expect(text).not.toMatch(RAW_KEY);
    expect(await page.getByText('用户名').count()).toBe(0);
    const size = await page
      .getByTestId('tile-submit')
      .locator('.portal-tile-title')
      .evaluate((el) => Number.parseFloat(getComputedStyle(el).fontSize));
    expect(size).toBeGreaterThanOrEqual(24);
    await expectNoSidewaysScroll(page);
    await page.screenshot({ path: `${SHOTS}/portal-home.png`, fullPage: true });
    // English on request: every string switches, none is left as a key.
    await page.getByText('English').click();
    await poll(() => bodyText(page)).toContain('Report a problem');
    expect(await bodyText(page)).not.toMatch(RAW_KEY);
    expect(await bodyText(page)).not.toContain('我要反映问题');
    await page.screenshot({ path: `${SHOTS}/portal-home-en.png`, fullPage: true });
    await page.getByText('中文').click();
    await poll(() => bodyText(page)).toContain('我要反映问题');
    await page.close();
  });

  it('a resident without an account reports a problem with a photo and a pin; a double tap sends it once; the number and code are shown to keep', async () => {
    const page = await openPhone();
    const areasLoaded = page.waitForResponse((r) => r.url().includes('/api/public/map/areas.geojson'));
    await page.goto(`${base}/portal/submit`);
    const description = `门口的路灯坏了好几天，晚上很黑 ${Date.now()}`;

    // Too short, no place: the form says what is missing, in Chinese, and sends nothing.
    await page.getByTestId('description').fill('灯');
    await page.getByTestId('send').click();
    await poll(() => bodyText(page)).toContain('请写下问题（至少 5 个字）');

    await page.getByTestId('description').fill(description);
    // A file that is not a picture is refused on the phone.
    await page.getByTestId('photo-input').setInputFiles({
      name: 'note.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('not a picture'),
    });
    await poll(() => page.getByTestId('photo-error').textContent()).toContain('不是图片');
    // A camera-sized picture (4000 × 3000 of noise, far over 2 MB as PNG) is shrunk before it is sent.
    const bigPng = await page.evaluate(async () => {
      const c = document.createElement('canvas');
      c.width = 4000;
      c.height = 3000;
      const g = c.getContext('2d')!;
      const img = g.createImageData(c.width, c.height);
      for (let i = 0; i < img.data.length; i++) img.data[i] = (i * 2654435761) % 251;
      g.putImageData(img, 0, 0);
      const blob: Blob = await new Promise((r) => c.toBlob((b) => r(b!), 'image/png'));
      const bytes = new Uint8Array(await blob.arrayBuffer());
      let s = '';
      for (let i = 0; i < bytes.length; i += 0x8000)
        s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      return btoa(s);
    });
    const pngBytes = Buffer.from(bigPng, 'base64');
    expect(pngBytes.length).toBeGreaterThan(2 * 1024 * 1024);
    await page
      .getByTestId('photo-input')
      .setInputFiles({ name: 'camera.png', mimeType: 'image/png', buffer: pngBytes });
    await page.getByTestId('photo-preview').waitFor({ timeout: 30_000 });

    // The map: tap inside the district; the community is named under the map.
    const map = page.getByTestId('place-map');
    await map.locator('canvas').waitFor();
    await areasLoaded;
    await page.waitForTimeout(500); // the map fits the district's outline
    const box = (await map.boundingBox())!;
    let placed = false;
    for (const [fx, fy] of [
      [0.5, 0.5],
      [0.4, 0.45],
      [0.6, 0.55],
      [0.3, 0.6],
      [0.7, 0.4],
    ] as const) {
      await page.mouse.click(box.x + box.width * fx, box.y + box.height * fy);
      await page.getByTestId('place-picked').waitFor();
      if ((await page.getByTestId('place-picked').textContent())!.includes('已标出位置')) {
        placed = true;
        break;
      }
    }
    expect(placed).toBe(true);

    await page.getByTestId('who-identified').click();
    await page.getByTestId('name').fill('李秀英');
    await page.getByTestId('phone').fill('138001');
    await page.getByTestId('send').click();
    await poll(() => bodyText(page)).toContain('请填写 11 位手机号');
    await page.getByTestId('phone').fill('13800138000');
    await page.screenshot({ path: `${SHOTS}/portal-submit-form.png`, fullPage: true });
    await expectNoSidewaysScroll(page);

    const sent = page.waitForResponse(
      (r) => r.url().endsWith('/api/requests') && r.request().method() === 'POST',
    );
    await page.getByTestId('send').dblclick();
    const response = await sent;
    expect(response.request().headers()['idempotency-key']).toMatch(/^portal-[0-9a-f]{32}$/);
    await page.getByTestId('done-number').waitFor();
    const number = (await page.getByTestId('done-number').textContent())!.trim();
    const code = (await page.getByTestId('done-code').textContent())!.trim();
    expect(code).toMatch(/^\d{6}$/);
    expect(await page.getByTestId('keep-code').textContent()).toContain('请记下或截图保存');
    await page.screenshot({ path: `${SHOTS}/portal-done.png`, fullPage: true });

    // One order, however often tapped, with its place and the compressed photo.
    const rows = await ctx.database.db
      .selectFrom('order_requester')
      .innerJoin('work_order', 'work_order.id', 'order_requester.order_id')
      .select([
        'work_order.id',
        'work_order.number',
        'work_order.lng',
        'work_order.lat',
        'order_requester.anonymous',
      ])
      .where('order_requester.description', '=', description)
      .execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.number).toBe(number);
    expect(rows[0]!.lng).not.toBeNull();
    expect(rows[0]!.anonymous).toBe(false);
    const photos = await ctx.database.db
      .selectFrom('order_attachment')
      .select(['content_type', 'byte_size'])
      .where('order_id', '=', rows[0]!.id)
      .execute();
    expect(photos).toHaveLength(1);
    expect(photos[0]!.content_type).toBe('image/jpeg');
    expect(photos[0]!.byte_size).toBeLessThan(2 * 1024 * 1024);

    // The progress page by number, and the device remembers the request on the home page.
    await page.getByTestId('see-progress').click();
    await page.getByTestId('order-card').waitFor();
    expect(await page.getByTestId('order-steps').textContent()).toContain('受理');
    await page.goto(`${base}/portal`);
    await poll(() => page.getByTestId('saved-requests').textContent()).toContain(number);
    await page.close();
  });

  it('anyone follows a request by number: unit, handler and every step with its time; the requester rates it and asks to reopen it with the code', async () => {
    const noise = requestCategoryCatalog()
      .leaves()
      .find((c) => c.nameZh === '邻居噪音')!.code;
    const place = await pointInCommunity01();
    const submitted = await app.inject({
      method: 'POST',
      url: '/api/requests',
      payload: {
        description: '楼上邻居每天半夜装修，吵得睡不着',
        categoryCode: noise,
        ...place,
        anonymous: true,
      },
      remoteAddress: '10.9.9.9',
    });
    expect(submitted.statusCode).toBe(201);
    const { order, accessCode } = submitted.json() as { order: { number: string }; accessCode: string };
    const worker = await tokenOf('community01');
    const id = Number(
      (
        await ctx.database.db
          .selectFrom('work_order')
          .select('id')
          .where('number', '=', order.number)
          .executeTakeFirstOrThrow()
      ).id,
    );
    for (const [step, body] of [
      ['accept', {}],
      ['start', {}],
      ['resolve', { note: '已上门协调，约定晚十点后不施工' }],
    ] as const) {
      const res = await app.inject({
        method: 'POST',
        url: `/api/requests/${id}/${step}`,
        payload: body,
        headers: { authorization: `Bearer ${worker}` },
      });
      expect(res.statusCode, `${step}: ${res.body}`).toBe(200);
    }

    const page = await openPhone();
    await page.goto(`${base}/portal/lookup`);
    await page.getByTestId('lookup-number').fill('12ab');
    await page.getByTestId('lookup-go').click();
    await poll(() => bodyText(page)).toContain('编号是 8 到 20 位数字');
    await page.getByTestId('lookup-number').fill(order.number);
    await page.getByTestId('lookup-go').click();
    await page.getByTestId('order-card').waitFor();
    expect(await page.getByTestId('order-status').textContent()).toBe('已办结待回访');
    expect(await page.getByTestId('order-unit').textContent()).toContain('社区');
    expect(await page.getByTestId('order-handler').textContent()).toContain('*');
    const steps = (await page.getByTestId('order-steps').textContent())!;
    for (const label of ['受理', '派单', '签收', '办结']) expect(steps).toContain(label);
    expect(steps).toMatch(/\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}/);
    expect(await bodyText(page)).not.toContain('半夜装修');
    await page.screenshot({ path: `${SHOTS}/portal-lookup.png`, fullPage: true });
    await expectNoSidewaysScroll(page);

    // Not solved, two stars, no reason: the form asks for one. A wrong code: the server's message.
    const rate = page.getByTestId('rate-form');
    await rate.getByText('没解决').click();
    await rate.locator('.ant-rate-star').nth(1).click();
    await rate.locator('input[id="accessCode"]').fill('000000');
    await page.getByTestId('send-rating').click();
    await poll(() => rate.textContent()).toContain('不满意或没解决时请说明原因');
    await page.getByTestId('rating-reason').fill('晚上还是很吵，问题没有解决');
    await page.getByTestId('send-rating').click();
    await page.getByTestId('rate-error').waitFor();
    expect(await page.getByTestId('rate-error').textContent()).toMatch(/[\u4e00-\u9fff]/);
    await rate.locator('input[id="accessCode"]').fill(accessCode);
    await page.getByTestId('send-rating').click();
    await page.getByTestId('rated').waitFor();
    await poll(() => page.getByTestId('order-status').textContent()).toBe('已回访');
    await page.screenshot({ path: `${SHOTS}/portal-rated.png`, fullPage: true });

    const reopen = page.getByTestId('reopen-form');
    await page.getByTestId('reopen-reason').fill('协调后第二天又开始半夜施工');
    await reopen.locator('input[id="accessCode"]').fill(accessCode);
    await page.getByTestId('send-reopen').click();
    await page.getByTestId('reopened').waitFor();
    await poll(() => page.getByTestId('order-status').textContent()).toBe('已派单');
    const row = await ctx.database.db
      .selectFrom('work_order')
      .select(['status', 'reopen_count'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'dispatched', reopen_count: 1 });
    await page.close();
  });

  it('a signed-in resident sees their own requests and notices; staff cannot sign in here', async () => {
    const page = await openPhone();
    await page.goto(`${base}/portal/mine`);
    const signIn = page.getByTestId('resident-sign-in');
    await signIn.getByLabel('用户名').fill('community01');
    await signIn.getByLabel('密码').fill(password('community01'));
    await signIn.getByRole('button', { name: /登\s*录/ }).click();
    await poll(() => page.getByTestId('sign-in-error').textContent()).toContain('仅供居民账号');

    await signIn.getByLabel('用户名').fill('resident01');
    await signIn.getByLabel('密码').fill(password('resident01'));
    await signIn.getByRole('button', { name: /登\s*录/ }).click();
    await page.getByRole('tab').first().waitFor();

    // A request sent while signed in, with an address only, is kept under the account.
    await page.goto(`${base}/portal/submit`);
    await page.getByTestId('description').fill('小区健身器材坏了，有安全隐患');
    await page.getByTestId('address').fill('幸福小区 3 号楼旁边');
    expect(await bodyText(page)).toContain('您已登录');
    await page.getByTestId('send').click();
    await page.getByTestId('done-number').waitFor();
    const number = (await page.getByTestId('done-number').textContent())!.trim();

    await page.goto(`${base}/portal/mine`);
    await page.getByTestId('my-requests').waitFor();
    const mine = (await page.getByTestId('my-requests').textContent())!;
    expect(mine).toContain(number);
    expect(mine).toContain('小区健身器材坏了');
    await page.screenshot({ path: `${SHOTS}/portal-mine.png`, fullPage: true });
    await page.getByRole('tab', { name: '通知' }).click();
    await poll(() => page.getByTestId('my-notifications').textContent()).toContain(number);
    await page.screenshot({ path: `${SHOTS}/portal-notices.png`, fullPage: true });
    await page.close();
  });

  it('the policies read in words; a signed-in resident appeals and sees it being checked', async () => {
    const page = await openPhone();
    await page.goto(`${base}/portal/appeal`);
    await page.getByTestId('policies').waitFor();
    await page.getByText('高龄津贴').click();
    await poll(() => page.getByTestId('policies').textContent()).toContain('年满 80 周岁');
    expect(await page.getByTestId('policies').textContent()).toContain('老年人权益保障法');
    expect(await bodyText(page)).not.toMatch(RAW_KEY);
    await page.screenshot({ path: `${SHOTS}/portal-policies.png`, fullPage: true });

    const signIn = page.getByTestId('resident-sign-in');
    await signIn.getByLabel('用户名').fill('resident01');
    await signIn.getByLabel('密码').fill(password('resident01'));
    await signIn.getByRole('button', { name: /登\s*录/ }).click();
    const form = page.getByTestId('appeal-form');
    await form.waitFor();
    await chooseOption(page, page.getByTestId('appeal-policy'), '高龄津贴');
    await page.getByTestId('appeal-reason').fill('短');
    await page.getByTestId('appeal-send').click();
    await poll(() => form.textContent()).toContain('请写明理由');
    await page.getByTestId('appeal-reason').fill('我母亲户口在本区，今年已满 80 岁，还没有收到高龄津贴');
    await page.getByTestId('appeal-send').click();
    await page.getByTestId('appeal-sent').waitFor();
    await poll(() => page.getByTestId('my-appeals').textContent()).toContain('核实中');
    await expectNoSidewaysScroll(page);
    await page.screenshot({ path: `${SHOTS}/portal-appeal.png`, fullPage: true });
    const appeals = await ctx.database.db
      .selectFrom('eligibility_appeal')
      .select(['state', 'policy_id'])
      .where('reason', 'like', '我母亲户口在本区%')
      .execute();
    expect(appeals).toEqual([{ state: 'open', policy_id: 'old_age_allowance' }]);
    await page.close();
  });
});
