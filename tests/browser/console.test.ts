// The console in a real browser (Debian's Chromium driven by playwright-core): two roles sign in, the map opens,
// a resident is searched, masked values are all a page shows, scope holds, unmasking needs a purpose and the
// auditor sees it. Screenshots go to test-results/screenshots/ for a person to look at.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, buildApp } from '../../src/app.ts';
import { buildWebConsole, webBuildIsStale } from '../../src/cli/web-build.ts';
import { DEMO_ACCOUNTS, loadDemo } from '../../src/domains/demo/index.ts';
import { createTestDatabase, type TestContext } from '../../src/testing/test-context.ts';

const SHOTS = path.resolve('test-results/screenshots');
const WEB_ROOT = path.resolve('web');
const WEB_DIST = path.resolve('web/dist');

let ctx: TestContext;
let app: App;
let base: string;
let browser: Browser;

const password = (username: string) => DEMO_ACCOUNTS.find((a) => a.username === username)!.password;

async function signIn(page: Page, username: string) {
  await page.goto(base);
  await page.getByLabel(/用户名/).fill(username);
  await page.getByLabel(/密码/).fill(password(username));
  await page.getByRole('button', { name: /登\s*录/ }).click();
  await page.getByTestId('who').waitFor();
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  if (webBuildIsStale(WEB_ROOT, WEB_DIST)) await buildWebConsole(WEB_ROOT);
  ctx = await createTestDatabase('pglite');
  await loadDemo(ctx.database, ctx.cipher, { size: 'small', seed: 20261123 });
  app = await buildApp({
    config: { ...ctx.config, webDist: WEB_DIST },
    database: ctx.database,
    cipher: ctx.cipher,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  browser = await chromium.launch({
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--use-angle=swiftshader',
      '--enable-unsafe-swiftshader',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await ctx?.close();
});

describe('the web console', () => {
  it('rejects a wrong password with a Chinese message', async () => {
    const page = await browser.newPage();
    await page.goto(base);
    await page.getByLabel(/用户名/).fill('community01');
    await page.getByLabel(/密码/).fill('wrong-password-1');
    await page.getByRole('button', { name: /登\s*录/ }).click();
    await expect.poll(() => page.getByTestId('login-error').textContent()).toContain('用户名或密码错误');
    await page.screenshot({ path: `${SHOTS}/login-error.png` });
    await page.close();
  });

  it('a community worker sees the overview, searches residents masked, and unmasks one with a purpose', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 860 } });
    await signIn(page, 'community01');
    await page.getByTestId('overview').waitFor();
    expect(await page.getByTestId('who').textContent()).toContain('社区工作者');
    await page.screenshot({ path: `${SHOTS}/home-community-worker.png` });

    await page.getByRole('link', { name: '居民查询' }).click();
    await page.locator('.ant-table-row').first().waitFor();
    const body = (await page.locator('body').textContent()) ?? '';
    // Masked forms only: no 18-digit ID number or 11-digit phone appears in clear.
    expect(body).toMatch(/330\d{3}\*{8}[\dX]{4}/);
    expect(body).not.toMatch(/\d{17}[\dX]/);
    expect(body).not.toMatch(/(?<!\d)1[3-9]\d{9}(?!\d)/);
    await page.screenshot({ path: `${SHOTS}/residents-masked.png` });

    await page.getByRole('button', { name: '查看完整信息' }).first().click();
    await page.getByTestId('purpose').fill('入户走访核实信息');
    await page.getByRole('dialog').getByRole('button', { name: '查看完整信息' }).click();
    await page.getByTestId('unmasked').waitFor();
    expect(await page.getByTestId('unmasked').textContent()).toContain('已记入审计日志');
    await page.screenshot({ path: `${SHOTS}/unmasked.png` });
    await page.close();
  });

  it('keeps a community worker inside their community: another community’s resident is not found', async () => {
    const other = await ctx.database.db
      .selectFrom('person')
      .select(['id', 'name'])
      .where('scope_path', 'like', '/330192/330192001/330192001002/%')
      .orderBy('id')
      .executeTakeFirstOrThrow();
    const page = await browser.newPage();
    await signIn(page, 'community01');
    await page.getByRole('link', { name: '居民查询' }).click();
    await page.locator('.ant-table-row').first().waitFor();
    const search = page.waitForResponse((r) => r.url().includes('/api/persons?') && r.url().includes('q='));
    await page.getByTestId('person-search').locator('input').fill(other.name);
    await page.getByTestId('person-search').locator('input').press('Enter');
    await search;
    await page.waitForTimeout(300);
    // Whatever the search shows lies in community01's own community (幸福社区), never in the other one.
    for (const grid of await page.locator('.ant-table-row td:nth-child(7)').allTextContents()) {
      expect(grid).toContain('幸福社区');
    }
    const status = await page.evaluate(async (id) => {
      const res = await fetch(`/api/persons/${id}`, {
        headers: { authorization: `Bearer ${sessionStorage.getItem('cbrain.token')}` },
      });
      return res.status;
    }, other.id);
    expect(status).toBe(404);
    await page.close();
  });

  it('a street officer opens the map and drills down from streets to communities', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 860 } });
    await signIn(page, 'street01');
    await page.getByRole('link', { name: '地图' }).click();
    await page.getByTestId('map').locator('canvas').waitFor();
    await page.waitForTimeout(1500);
    await page.screenshot({ path: `${SHOTS}/map-street-officer.png` });
    const box = (await page.getByTestId('map').boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await expect.poll(async () => page.locator('.ant-breadcrumb li').count()).toBeGreaterThan(1);
    await page.waitForTimeout(800);
    await page.screenshot({ path: `${SHOTS}/map-drilldown.png` });
    await page.close();
  });

  it('the auditor sees the unmasking in the audit log and an intact chain', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 860 } });
    await signIn(page, 'auditor');
    await page.getByRole('link', { name: '审计日志' }).click();
    await page.locator('.ant-table-row').first().waitFor();
    expect(await page.locator('.ant-table').textContent()).toContain('入户走访核实信息');
    await page.getByRole('button', { name: '校验审计链' }).click();
    await expect.poll(() => page.getByTestId('verdict').textContent()).toContain('审计链完整');
    await page.screenshot({ path: `${SHOTS}/audit.png` });
    await page.close();
  });

  it('works on a phone-sized screen', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
    await signIn(page, 'grid01');
    await page.getByTestId('overview').waitFor();
    await page.screenshot({ path: `${SHOTS}/phone-home.png`, fullPage: true });
    await page.close();
  });
});
