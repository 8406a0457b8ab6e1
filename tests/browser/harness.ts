// What every browser test file shares: the console built if stale, the small demo district on PGlite, the
// platform listening on port 0, Debian's Chromium, and signing in as a demo account. A file calls
// `startBrowserHarness()` at its top; the hooks it registers start all of this before the file's tests and stop it
// after. Each file gets a district of its own, so files never see each other's changes.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { type App, buildApp } from '../../src/app.ts';
import { buildWebConsole, webBuildIsStale } from '../../src/cli/web-build.ts';
import { DEMO_ACCOUNTS, loadDemo } from '../../src/domains/demo/index.ts';
import { createTestDatabase, type TestContext } from '../../src/testing/test-context.ts';

export const SHOTS = path.resolve('test-results/screenshots');
const WEB_ROOT = path.resolve('web');
const WEB_DIST = path.resolve('web/dist');
export const DESK = { width: 1366, height: 860 };
export const PHONE = { width: 390, height: 844 };

/** An ID number or a mobile number in clear: what no page may show unless the user unmasked it. */
export const PLAIN_ID = /(?<![\dX])\d{17}[\dX](?![\dX])/;
export const PLAIN_PHONE = /(?<!\d)1[3-9]\d{9}(?!\d)/;

/**
 * The machine running these tests is often busy: a request and a re-render may well take more than the one second
 * expect.poll waits by default.
 */
export const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000, interval: 100 });

export const password = (username: string) => DEMO_ACCOUNTS.find((a) => a.username === username)!.password;

export async function bodyText(page: Page): Promise<string> {
  return (await page.locator('body').textContent()) ?? '';
}

/** Types a username and password into the sign-in form and waits for the server's answer. */
export async function fillSignIn(page: Page, username: string, secret: string): Promise<void> {
  await page.getByLabel(/用户名|Username/).fill(username);
  await page.getByLabel(/密码|Password/).fill(secret);
  // One attempt at a time: while an attempt is under way the button is busy and ignores clicks.
  const answered = page.waitForResponse((r) => r.url().endsWith('/api/auth/login'));
  await page.getByRole('button', { name: /登\s*录|Sign in/ }).click();
  await answered;
}

/**
 * Picks an option of a single-choice Ant Design select and waits until its list has closed. On a busy machine a click that lands
 * while the list is still opening can be lost, and a list left open covers the fields below it; so the pick is
 * retried until the list is gone. `typed` narrows a searchable select first.
 */
export async function chooseOption(
  page: Page,
  trigger: Locator,
  option: string | RegExp,
  typed?: string,
): Promise<void> {
  const openLists = page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)');
  for (let attempt = 0; ; attempt++) {
    if ((await openLists.count()) === 0) {
      await trigger.click();
      if (typed) await page.keyboard.type(typed);
    }
    await openLists.locator('.ant-select-item-option', { hasText: option }).first().click();
    try {
      await expect.poll(() => openLists.count(), { timeout: 5_000, interval: 100 }).toBe(0);
      return;
    } catch (error) {
      if (attempt >= 2) throw error;
    }
  }
}

/**
 * Picks a node of an Ant Design tree select by its title: the title is typed into the select's own search box (so
 * no keystroke can go to the field focused before), the node clicked, and the pick retried until the select shows
 * it, since a click landing while the tree still filters or unfolds can miss.
 */
export async function chooseTreeNode(page: Page, picker: Locator, title: string): Promise<void> {
  const openLists = page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)');
  for (let attempt = 0; ; attempt++) {
    if ((await openLists.count()) === 0) await picker.click();
    await picker.locator('input').fill(title);
    await openLists.locator('.ant-select-tree-title', { hasText: title }).first().click();
    try {
      await expect.poll(() => picker.textContent(), { timeout: 5_000, interval: 100 }).toContain(title);
      await expect.poll(() => openLists.count(), { timeout: 5_000, interval: 100 }).toBe(0);
      return;
    } catch (error) {
      if (attempt >= 2) throw error;
    }
  }
}

export interface BrowserHarness {
  readonly ctx: TestContext;
  readonly app: App;
  /** http://127.0.0.1:PORT of the running platform. */
  readonly base: string;
  readonly browser: Browser;
  /** A new page at desk size, or at the size given (a phone gets a 2× screen and touch). */
  openPage(viewport?: { width: number; height: number }): Promise<Page>;
  /** A new page signed in as a demo account, on the console's first page. */
  signIn(username: string, viewport?: { width: number; height: number }): Promise<Page>;
  /** A bearer token for a demo account, for setting up data through the API. */
  tokenOf(username: string): Promise<string>;
}

export interface HarnessOptions {
  /** Demo seed; the default is the one every browser test has used. */
  readonly seed?: number;
}

/** Registers beforeAll/afterAll hooks; the returned object's fields can be used inside tests and later hooks. */
export function startBrowserHarness(options: HarnessOptions = {}): BrowserHarness {
  let ctx: TestContext | undefined;
  let app: App | undefined;
  let browser: Browser | undefined;
  let base = '';
  const need = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`browser harness: ${what} is used before beforeAll ran`);
    return value;
  };

  const harness: BrowserHarness = {
    get ctx() {
      return need(ctx, 'ctx');
    },
    get app() {
      return need(app, 'app');
    },
    get base() {
      return base;
    },
    get browser() {
      return need(browser, 'browser');
    },
    async openPage(viewport = DESK) {
      const phone = viewport.width < 600;
      const page = await need(browser, 'browser').newPage({
        viewport,
        deviceScaleFactor: phone ? 2 : 1,
        hasTouch: phone,
      });
      // What the page threw or logged as an error goes to the test's output, so a failure shows its cause.
      page.on('pageerror', (error) =>
        process.stderr.write(`[page error] ${page.url()}: ${error.stack ?? error}\n`),
      );
      page.on('console', (message) => {
        if (message.type() === 'error')
          process.stderr.write(`[console error] ${page.url()}: ${message.text()}\n`);
      });
      return page;
    },
    async signIn(username, viewport = DESK) {
      const page = await harness.openPage(viewport);
      await page.goto(base);
      await fillSignIn(page, username, password(username));
      // On a phone the name sits in the folded menu, which opens from the menu button.
      await page.getByTestId('who').or(page.getByTestId('menu-button')).first().waitFor();
      return page;
    },
    async tokenOf(username) {
      const res = await need(app, 'app').inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username, password: password(username) },
      });
      return res.json().token as string;
    },
  };

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    if (webBuildIsStale(WEB_ROOT, WEB_DIST)) await buildWebConsole(WEB_ROOT);
    ctx = await createTestDatabase('pglite');
    await loadDemo(ctx.database, ctx.cipher, { size: 'small', seed: options.seed ?? 20261123 });
    app = await buildApp({
      config: { ...ctx.config, webDist: WEB_DIST },
      database: ctx.database,
      cipher: ctx.cipher,
      logger: false,
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    browser = await chromium.launch({
      executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        // MapLibre needs WebGL; without a GPU Chromium draws it in software.
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

  return harness;
}
