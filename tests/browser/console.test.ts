// The console in a real browser (Debian's Chromium driven by playwright-core) against the platform with the demo
// district loaded: sign-in and lockout, masked search, scope, purpose-bound unmasking, the map down to a
// building's residents, the audit page, account management, session expiry, English, and a phone screen.
// Screenshots go to test-results/screenshots/ for a person to look at. The tests run in order: the auditor looks
// for the unmasking done before, the administrator unlocks the account locked before.
import { sql } from 'kysely';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestContext } from '../../src/testing/test-context.ts';
import {
  bodyText,
  chooseOption,
  chooseTreeNode,
  fillSignIn,
  PHONE,
  PLAIN_ID,
  PLAIN_PHONE,
  password,
  poll,
  SHOTS,
  startBrowserHarness,
} from './harness.ts';

const harness = startBrowserHarness();
let ctx: TestContext;
let base: string;
beforeAll(() => {
  ({ ctx, base } = harness);
});
const openPage = harness.openPage;

async function scopeOf(username: string) {
  const account = await ctx.database.db
    .selectFrom('account')
    .select('scope_path')
    .where('username', '=', username)
    .executeTakeFirstOrThrow();
  const division = await ctx.database.db
    .selectFrom('admin_division')
    .select('name')
    .where('path', '=', account.scope_path)
    .executeTakeFirst();
  return { path: account.scope_path, name: division?.name ?? '' };
}

async function signIn(page: Page, username: string) {
  await page.goto(base);
  await fillSignIn(page, username, password(username));
  // On a phone the name sits in the folded menu, which opens from the menu button.
  await page.getByTestId('who').or(page.getByTestId('menu-button')).first().waitFor();
}

describe('the web console', () => {
  it('says “wrong username or password” for a wrong password and an unknown user, and says so when five failures lock the account', async () => {
    const page = await openPage();
    await page.goto(base);
    await fillSignIn(page, 'provider01', 'wrong-password-1');
    await poll(() => page.getByTestId('login-error').textContent()).toContain('用户名或密码错误');
    await fillSignIn(page, 'nobody-here', 'wrong-password-1');
    await page.getByTestId('login-error').waitFor();
    await poll(() => page.getByTestId('login-error').textContent()).toContain('用户名或密码错误');
    await page.screenshot({ path: `${SHOTS}/login-error.png` });
    for (let i = 2; i <= 5; i++) await fillSignIn(page, 'provider01', `wrong-password-${i}`);
    await poll(() => page.getByTestId('login-error').textContent()).toContain('锁定');
    // Locked means locked: the right password is refused too, still with the lockout message.
    await fillSignIn(page, 'provider01', password('provider01'));
    await poll(() => page.getByTestId('login-error').textContent()).toContain('锁定');
    expect(await page.getByTestId('who').count()).toBe(0);
    await page.screenshot({ path: `${SHOTS}/login-locked.png` });
    await page.close();
  });

  it('a community worker sees their overview, finds residents masked, filters by group, and unmasks one record for a stated purpose', async () => {
    const scope = await scopeOf('community01');
    const page = await openPage();
    await signIn(page, 'community01');
    await page.getByTestId('overview').waitFor();
    await page.getByTestId('age-chart').locator('canvas').waitFor();
    expect(await page.getByTestId('who').textContent()).toContain('社区工作者');
    expect(await page.getByTestId('home-title').textContent()).toBe(`${scope.name} 概况`);
    expect(await page.getByTestId('quick-links').textContent()).toContain('查询本辖区居民');
    await page.screenshot({ path: `${SHOTS}/home-community-worker.png`, fullPage: true });

    await page.getByRole('link', { name: '居民查询' }).first().click();
    await page.locator('.ant-table-row').first().waitFor();
    const listed = await bodyText(page);
    expect(listed).toMatch(/\d{6}\*{8}[\dX*]{4}/);
    expect(listed).not.toMatch(PLAIN_ID);
    expect(listed).not.toMatch(PLAIN_PHONE);
    for (const row of await page.locator('.ant-table-row').allTextContents())
      expect(row).toContain(scope.name);

    // The group filter: the total shown is the number of such residents in the community.
    const expected = await ctx.database.db
      .selectFrom('person')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('scope_path', 'like', `${scope.path}%`)
      .where(sql<boolean>`tags @> array['elderly_alone']`)
      .executeTakeFirstOrThrow();
    const filtered = page.waitForResponse((r) => r.url().includes('tag=elderly_alone'));
    await chooseOption(page, page.getByTestId('tag-filter'), '独居老人');
    await filtered;
    await poll(() => bodyText(page)).toContain(`共 ${expected.n} 条`);
    await page.waitForTimeout(300); // the option list fades out
    await page.screenshot({ path: `${SHOTS}/residents-masked.png` });

    await page.locator('.ant-table-row').first().click();
    const drawer = page.locator('.cb-person-drawer');
    await drawer.getByTestId('person-detail').waitFor();
    const personId = Number(
      (await drawer.getByRole('link', { name: '在新页面打开' }).getAttribute('href'))!.split('/').pop(),
    );
    const row = await ctx.database.db
      .selectFrom('person')
      .select(['id_number_cipher', 'phone_cipher'])
      .where('id', '=', personId)
      .executeTakeFirstOrThrow();
    expect(await drawer.textContent()).not.toMatch(PLAIN_ID);

    await drawer.getByRole('button', { name: '查看完整信息' }).click();
    const dialog = page.getByRole('dialog').filter({ has: page.getByTestId('unmask-form') });
    const confirm = dialog.getByRole('button', { name: '查看完整信息' });
    await dialog.getByLabel('身份证号').check();
    await dialog.getByLabel('电话').check();
    await dialog.getByTestId('purpose').fill('入户');
    expect(await confirm.isDisabled()).toBe(true);
    expect(await dialog.textContent()).toContain('至少 4 个字');
    await dialog.getByText('入户走访', { exact: true }).click();
    expect(await dialog.getByTestId('purpose').inputValue()).toBe('入户走访');
    expect(await confirm.isDisabled()).toBe(false);
    await page.screenshot({ path: `${SHOTS}/unmask-dialog.png` });
    await confirm.click();

    await drawer.getByTestId('revealed-idNumber').waitFor();
    expect(await drawer.getByTestId('revealed-idNumber').textContent()).toBe(
      ctx.cipher.open(row.id_number_cipher!),
    );
    if (row.phone_cipher)
      expect(await drawer.getByTestId('revealed-phone').textContent()).toBe(
        ctx.cipher.open(row.phone_cipher),
      );
    expect(await drawer.getByTestId('audit-notice').textContent()).toContain('已记入审计日志');
    await page.screenshot({ path: `${SHOTS}/unmasked.png` });

    // The values belong to that one visit: closed and reopened, the record is masked again.
    await page.getByRole('button', { name: 'Close' }).or(page.locator('.ant-drawer-close')).first().click();
    await page.locator('.ant-table-row').first().click();
    await drawer.getByTestId('person-detail').waitFor();
    expect(await drawer.textContent()).not.toMatch(PLAIN_ID);
    expect(await drawer.getByTestId('revealed-idNumber').count()).toBe(0);
    await page.close();
  });

  it('keeps a community worker inside their community: another community’s resident is neither found nor shown', async () => {
    const own = await scopeOf('community01');
    const other = await scopeOf('community02');
    const stranger = await ctx.database.db
      .selectFrom('person')
      .select(['id', 'name', 'id_number_cipher'])
      .where('scope_path', 'like', `${other.path}%`)
      .where('id_number_cipher', 'is not', null)
      .orderBy('id')
      .executeTakeFirstOrThrow();
    const page = await openPage();
    await signIn(page, 'community01');
    await page.getByRole('link', { name: '居民查询' }).first().click();
    await page.locator('.ant-table-row').first().waitFor();

    for (const q of [stranger.name, ctx.cipher.open(stranger.id_number_cipher!)]) {
      const searched = page.waitForResponse(
        (r) => r.url().includes('/api/persons?') && r.url().includes('q='),
      );
      await page.getByTestId('person-search').locator('input').fill(q);
      await page.getByTestId('person-search').locator('input').press('Enter');
      expect((await searched).status()).toBe(200);
      await page.waitForTimeout(200);
      for (const row of await page.locator('.ant-table-row').allTextContents()) {
        expect(row).toContain(own.name);
        expect(row).not.toContain(other.name);
      }
    }
    // The last search was the stranger's full ID number: nothing in this community has it.
    await poll(() => page.locator('.ant-table-row').count()).toBe(0);
    expect(await bodyText(page)).toContain('没有符合条件的居民');
    await page.screenshot({ path: `${SHOTS}/scope-search.png` });

    await page.goto(`${base}/persons/${stranger.id}`);
    await page.getByTestId('person-not-found').waitFor();
    expect(await page.getByTestId('person-not-found').textContent()).toContain('未找到该居民');
    expect(await bodyText(page)).not.toContain(stranger.name.slice(1));
    await page.screenshot({ path: `${SHOTS}/scope-not-found.png` });
    await page.close();
  });

  it('a street officer drills down the density map to a grid, opens a building and reaches a resident', async () => {
    const page = await openPage();
    await signIn(page, 'street01');
    await page.getByRole('link', { name: '地图' }).first().click();
    const labels = page.locator('.cb-map-label');
    await labels.first().waitFor();
    await page.getByTestId('map-legend').waitFor();
    expect(await page.getByTestId('map-legend').textContent()).toContain('人口密度');
    await page.waitForTimeout(600);
    await page.screenshot({ path: `${SHOTS}/map-street-officer.png` });

    const trail = page.getByTestId('map-trail').locator('li:not(.ant-breadcrumb-separator)');
    for (const depth of [2, 3]) {
      const before = await labels.allTextContents();
      const target = labels.first();
      const name = await target.textContent();
      const box = (await target.boundingBox())!;
      await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
      await poll(() => trail.count()).toBe(depth);
      await poll(() => trail.last().textContent()).toBe(name);
      await poll(async () => (await labels.allTextContents()).join()).not.toBe(before.join());
      await page.waitForTimeout(400);
    }
    await page.getByTestId('building-picker').waitFor();
    await page.screenshot({ path: `${SHOTS}/map-grid-buildings.png` });

    await chooseOption(page, page.getByTestId('building-picker'), /./);
    const drawer = page.locator('.cb-building-drawer');
    await drawer.getByTestId('houses').waitFor();
    await drawer
      .locator('.ant-collapse-header', { hasText: /\d+ 户 \d+ 人/ })
      .first()
      .click();
    const member = drawer.getByTestId('house-member').first();
    await member.waitFor();
    await page.waitForTimeout(400); // the home unfolds
    expect(await drawer.textContent()).not.toMatch(PLAIN_ID);
    expect(await drawer.textContent()).not.toMatch(PLAIN_PHONE);
    await page.screenshot({ path: `${SHOTS}/map-building-drawer.png` });

    await member.click();
    await page.waitForURL(/\/persons\/\d+$/);
    await page.getByTestId('person-detail').waitFor();
    expect(await bodyText(page)).not.toMatch(PLAIN_ID);
    await page.screenshot({ path: `${SHOTS}/person-page.png` });

    // Back up the breadcrumb to the top.
    await page.goBack();
    await page.getByTestId('map-trail').waitFor();
    await page.close();
  });

  it('the auditor sees the verification status on the home page and the unmasking with its purpose in the audit log', async () => {
    const page = await openPage();
    await signIn(page, 'auditor');
    await poll(() => page.getByTestId('verdict').textContent()).toContain('审计链完整');
    await page.getByRole('link', { name: '审计日志' }).first().click();
    await page.locator('.ant-table-row').first().waitFor();

    const filtered = page.waitForResponse((r) => r.url().includes('action=person.unmask'));
    await chooseOption(page, page.getByTestId('action-filter'), '查看完整个人信息', '完整个人信息');
    await page.getByRole('button', { name: /查\s*询/ }).click();
    await filtered;
    await poll(() => page.locator('.ant-table-row').count()).toBe(1);
    const entry = await page.locator('.ant-table-row').first().textContent();
    expect(entry).toContain('community01');
    expect(entry).toContain('入户走访');
    expect(entry).toContain('查看完整个人信息');

    // By target type instead: every entry listed concerns a resident.
    await page.getByRole('button', { name: /重\s*置/ }).click();
    await chooseOption(page, page.getByTestId('entity-filter'), '居民');
    const byEntity = page.waitForResponse((r) => r.url().includes('entityType=person'));
    await page.getByRole('button', { name: /查\s*询/ }).click();
    expect((await byEntity).status()).toBe(200);
    await poll(async () => {
      const rows = await page.locator('.ant-table-row').allTextContents();
      return rows.length > 0 && rows.every((row) => row.includes('居民'));
    }).toBe(true);

    await page.getByRole('button', { name: '校验审计链' }).click();
    await poll(() => page.getByTestId('verdict').textContent()).toMatch(/审计链完整：已校验 \d+ 条记录/);
    await page.screenshot({ path: `${SHOTS}/audit.png` });
    await page.close();
  });

  it('the district administrator unlocks the locked account and creates one, told why a weak password is refused', async () => {
    const page = await openPage();
    await signIn(page, 'admin');
    expect(await page.getByRole('link', { name: '账号管理' }).count()).toBeGreaterThan(0);
    expect(await page.getByRole('link', { name: '审计日志' }).count()).toBe(0);
    await page.getByRole('link', { name: '账号管理' }).first().click();
    const locked = page.locator('.ant-table-row', { hasText: 'provider01' });
    await locked.waitFor();
    expect(await locked.textContent()).toContain('已锁定');
    await locked.getByRole('button', { name: /解\s*锁/ }).click();
    await poll(() => locked.textContent()).not.toContain('已锁定');

    await page.getByRole('button', { name: '新建账号' }).click();
    const form = page.getByTestId('account-form');
    await form.getByLabel('用户名').fill('worker77');
    await form.getByLabel('姓名（显示名）').fill('社工 测试');
    await form.getByLabel('密码').fill('short');
    await chooseOption(page, form.getByLabel('角色'), '社区工作者');
    const community = await scopeOf('community02');
    await chooseTreeNode(page, form.getByTestId('area-picker'), community.name);
    await page.getByRole('button', { name: /保\s*存/ }).click();
    await poll(async () => (await form.textContent()) ?? '').toContain('密码至少 8 位');
    await page.screenshot({ path: `${SHOTS}/accounts-create-error.png` });
    await form.getByLabel('密码').fill('Kq7-mild-2026');
    await page.getByRole('button', { name: /保\s*存/ }).click();
    const created = page.locator('.ant-table-row', { hasText: 'worker77' });
    await created.waitFor();
    expect(await created.textContent()).toContain(community.name);
    await page.screenshot({ path: `${SHOTS}/accounts.png` });

    // Disabled, the new account is refused at sign-in with the reason.
    await created.getByRole('button', { name: /停\s*用/ }).click();
    await page
      .locator('.ant-popconfirm')
      .getByRole('button', { name: /停\s*用/ })
      .click();
    await poll(() => created.textContent()).toContain('已停用');
    await page.close();
    const disabled = await openPage();
    await disabled.goto(base);
    await fillSignIn(disabled, 'worker77', 'Kq7-mild-2026');
    await poll(() => disabled.getByTestId('login-error').textContent()).toContain('账号已停用');
    await disabled.close();

    // The unlocked account signs in again.
    const provider = await openPage();
    await signIn(provider, 'provider01');
    expect(await provider.getByTestId('who').first().textContent()).toContain('服务商');
    await provider.close();
  });

  it('returns to sign-in with a message when the session has expired', async () => {
    const page = await openPage();
    await signIn(page, 'community02');
    // The home page has loaded what it needs: the next request to meet the expired session is the user's click.
    await page.getByTestId('overview').waitFor();
    await ctx.database.db
      .updateTable('login_session')
      .set({ expires_at: new Date(Date.now() - 60_000) })
      .where('account_id', '=', (eb) =>
        eb.selectFrom('account').select('id').where('username', '=', 'community02').limit(1),
      )
      .execute();
    await page.getByRole('link', { name: '居民查询' }).first().click();
    await page.getByLabel('用户名').waitFor();
    expect(await bodyText(page)).toContain('登录已过期');
    await page.close();
  });

  it('speaks English when asked, down to the role label and the menu', async () => {
    const page = await openPage();
    await page.goto(base);
    await page.getByText('English', { exact: true }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await fillSignIn(page, 'hotline', password('hotline'));
    await page.getByTestId('overview').waitFor();
    expect(await page.getByTestId('who').first().textContent()).toContain('Hotline operator');
    const menu = (await page.locator('.ant-menu').first().textContent()) ?? '';
    expect(menu).toContain('Residents');
    expect(menu).not.toMatch(/[\u4e00-\u9fff]/);
    expect(await page.getByTestId('home-title').textContent()).toMatch(/^Overview of /);
    await page.screenshot({ path: `${SHOTS}/english-home.png` });

    // Coded values come from the code tables in both languages: no Chinese sex or registration labels.
    await page.getByRole('link', { name: 'Residents' }).first().click();
    await page.locator('.ant-table-row').first().waitFor();
    await poll(() => page.locator('.ant-table-row').first().textContent()).toMatch(/Male|Female/);
    const header = (await page.locator('.ant-table-thead').textContent()) ?? '';
    expect(header).not.toMatch(/[\u4e00-\u9fff]/);
    expect(header).toContain('ID number');
    await page.screenshot({ path: `${SHOTS}/english-residents.png` });
    await page.close();
  });

  it('a resident sees their own record at home and none of the residents’ pages', async () => {
    const page = await openPage(PHONE);
    await signIn(page, 'resident01');
    await page.getByTestId('own-record').waitFor();
    expect(await page.getByTestId('home-title').textContent()).toContain('欢迎');
    await page.getByTestId('menu-button').click();
    await page.waitForTimeout(400);
    const menu = (await page.locator('.ant-menu').first().textContent()) ?? '';
    expect(menu).not.toContain('居民查询');
    expect(menu).not.toContain('审计日志');
    await page.screenshot({ path: `${SHOTS}/phone-resident-menu.png` });
    await page.goto(`${base}/persons`);
    await page.getByTestId('forbidden').waitFor();
    expect(await bodyText(page)).toContain('您的角色没有此功能');
    expect(await page.getByTestId('person-results').count()).toBe(0);
    await page.goto(base);
    await page.getByTestId('own-record').waitFor();
    await page.screenshot({ path: `${SHOTS}/phone-resident-home.png`, fullPage: true });
    await page.close();
  });

  it('works at 390×844: the menu folds into a drawer, residents become cards, the map fills the screen', async () => {
    const page = await openPage(PHONE);
    await signIn(page, 'grid01');
    await page.getByTestId('overview').waitFor();
    await page.getByTestId('age-chart').locator('canvas').waitFor();
    expect(await page.locator('.ant-layout-sider').count()).toBe(0);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `${SHOTS}/phone-home.png`, fullPage: true });

    await page.getByTestId('menu-button').click();
    await page.waitForTimeout(400); // the drawer slides in
    await page.screenshot({ path: `${SHOTS}/phone-menu.png` });
    await page.getByRole('link', { name: '居民查询' }).click();
    await page.getByTestId('person-card').first().waitFor();
    const cards = await bodyText(page);
    expect(cards).not.toMatch(PLAIN_ID);
    expect(cards).not.toMatch(PLAIN_PHONE);
    await page.screenshot({ path: `${SHOTS}/phone-residents.png` });
    await page.getByTestId('person-card').first().click();
    await page.getByTestId('person-detail').waitFor();
    await page.screenshot({ path: `${SHOTS}/phone-resident-detail.png` });
    await page.locator('.cb-person-drawer .ant-drawer-close').click();

    await page.getByTestId('menu-button').click();
    await page.getByRole('link', { name: '地图' }).click();
    await page.getByTestId('building-picker').waitFor();
    const map = (await page.getByTestId('map-page').boundingBox())!;
    expect(map.width).toBe(PHONE.width);
    expect(map.height).toBeGreaterThan(PHONE.height - 64);
    await page.waitForTimeout(600);
    await page.screenshot({ path: `${SHOTS}/phone-map.png` });
    await chooseOption(page, page.getByTestId('building-picker'), /./);
    await page.getByTestId('houses').waitFor();
    await page.screenshot({ path: `${SHOTS}/phone-building.png` });
    await page.close();
  });
});
