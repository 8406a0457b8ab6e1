// The staff pages of proactive services (免申即享) in a real browser against the small demo district: the review
// queue of residents who qualify but receive nothing, a case's explanation (masked until a purpose is given),
// approve and reject with a reason, an appeal resolved with a note the resident reads, the rules in words, and a
// resident's tags with evidence. Screenshots go to test-results/screenshots/profiles-*.png.
import { beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.ts';
import type { TestContext } from '../../src/testing/test-context.ts';
import { bodyText, PHONE, password, poll, SHOTS, startBrowserHarness } from './harness.ts';

const RAW_KEY = /\bprofiles[A-Z][A-Za-z_]+\b/;

const harness = startBrowserHarness();
let ctx: TestContext;
let app: App;
let base: string;
beforeAll(() => {
  ({ ctx, app, base } = harness);
});
const signIn = harness.signIn;

describe('proactive services in the console', () => {
  it('a community worker reviews the queue: evidence masked until a purpose is given; approve creates a contact task; reject needs a reason', async () => {
    const page = await signIn('community01');
    await page.getByRole('link', { name: '免申即享核查' }).first().click();
    await page.locator('.ant-table-row').first().waitFor();
    const rows = await page.locator('.ant-table-row').allTextContents();
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row).toContain('符合未享受');
      expect(row).toContain('待审核');
      expect(row).toMatch(/\*/); // names masked
    }
    expect(await bodyText(page)).not.toMatch(RAW_KEY);
    await page.screenshot({ path: `${SHOTS}/profiles-cases.png` });

    await page.locator('.ant-table-row').first().click();
    const detail = page.getByTestId('case-detail');
    await detail.waitFor();
    await poll(() => detail.getByTestId('case-explanation').textContent()).toContain('同时满足以下全部');
    // Coded values are named: the registration type reads as a word, not as its code.
    await poll(() => detail.getByTestId('case-explanation').textContent()).not.toContain('household）');
    expect(await detail.textContent()).toContain('政策依据');
    // Sensitive values are masked until a purpose is stated; the reading is audited with it.
    const before = await ctx.database.db
      .selectFrom('audit_log')
      .select('purpose')
      .where('action', '=', 'eligibility.case.read')
      .where('purpose', 'is not', null)
      .execute();
    await detail.getByTestId('case-purpose').fill('核实待遇资格');
    await detail.getByTestId('case-reveal').click();
    await poll(
      async () =>
        (
          await ctx.database.db
            .selectFrom('audit_log')
            .select('purpose')
            .where('action', '=', 'eligibility.case.read')
            .where('purpose', '=', '核实待遇资格')
            .execute()
        ).length,
    ).toBeGreaterThan(before.filter((b) => b.purpose === '核实待遇资格').length);
    await poll(async () => await detail.getByTestId('case-purpose').count()).toBe(0);
    await page.screenshot({ path: `${SHOTS}/profiles-case-detail.png` });

    await detail.getByTestId('case-approve').click();
    await poll(() => detail.getByTestId('case-review-state').textContent()).toBe('已批准联系');
    await poll(() => detail.textContent()).toContain('已生成联系任务');
    await page.keyboard.press('Escape');

    // The next one: rejecting without a reason is refused on the page; with one it is recorded.
    await poll(async () => (await page.locator('.ant-table-row').allTextContents()).length).toBeGreaterThan(
      0,
    );
    await page.locator('.ant-table-row').first().click();
    const next = page.getByTestId('case-detail');
    await next.getByTestId('case-reject').waitFor();
    await next.getByTestId('case-reject').click();
    await poll(() => next.textContent()).toContain('驳回须写明原因');
    await next.getByTestId('case-review-reason').fill('已电话核实：本人已在外区领取同类补贴');
    await next.getByTestId('case-reject').click();
    await poll(() => next.getByTestId('case-review-state').textContent()).toBe('已驳回');
    const decided = await ctx.database.db
      .selectFrom('eligibility_case')
      .select(['review_state', 'review_reason'])
      .where('review_state', '!=', 'pending')
      .execute();
    expect(decided.map((d) => d.review_state).sort()).toEqual(['approved', 'rejected']);
    expect(decided.find((d) => d.review_state === 'rejected')!.review_reason).toContain('已电话核实');
    expect(await ctx.database.db.selectFrom('contact_task').select('id').execute()).toHaveLength(1);
    await page.close();
  });

  it('an appeal filed by a resident is resolved with a note the resident then reads', async () => {
    const login = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'resident01', password: password('resident01') },
    });
    const residentToken = login.json().token as string;
    const me = await app.inject({
      method: 'GET',
      url: '/api/auth/me',
      headers: { authorization: `Bearer ${residentToken}` },
    });
    const filed = await app.inject({
      method: 'POST',
      url: '/api/eligibility/appeals',
      payload: {
        personId: me.json().personId,
        policyId: 'old_age_allowance',
        reason: '户口本上的出生日期登记错了，实际已满 80 岁',
      },
      headers: { authorization: `Bearer ${residentToken}` },
    });
    expect(filed.statusCode).toBe(201);

    const page = await signIn('community01');
    await page.goto(`${base}/eligibility/appeals`);
    await page.locator('.ant-table-row', { hasText: '户口本上的出生日期' }).waitFor();
    await page.screenshot({ path: `${SHOTS}/profiles-appeals.png` });
    await page
      .locator('.ant-table-row', { hasText: '户口本上的出生日期' })
      .getByTestId('appeal-resolve')
      .click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: /保\s*存/ }).click();
    await poll(() => dialog.textContent()).toContain('请写明处理说明');
    await dialog.getByTestId('appeal-note').fill('已调取户籍档案核实，出生日期无误，暂不符合');
    await dialog.getByRole('button', { name: /保\s*存/ }).click();
    await poll(async () => await page.getByRole('dialog').count()).toBe(0);
    await page.getByTestId('appeal-state').getByText('已处理').click();
    await page.locator('.ant-table-row', { hasText: '户口本上的出生日期' }).waitFor();
    expect(await page.locator('.ant-table-row', { hasText: '户口本上的出生日期' }).textContent()).toContain(
      '维持原判定',
    );

    const own = await app.inject({
      method: 'GET',
      url: '/api/eligibility/my-appeals',
      headers: { authorization: `Bearer ${residentToken}` },
    });
    expect(own.json().items[0]).toMatchObject({
      state: 'resolved',
      outcome: 'upheld',
      resolutionNote: '已调取户籍档案核实，出生日期无误，暂不符合',
    });
    await page.close();
  });

  it('the rules read in words, and a resident’s tags show with their evidence after a stated purpose (phone)', async () => {
    const page = await signIn('community01', PHONE);
    await page.goto(`${base}/eligibility/rules`);
    await page.getByTestId('rule-policy-old_age_allowance').waitFor();
    const policy = (await page.getByTestId('rule-policy-old_age_allowance').textContent())!;
    expect(policy).toContain('年满 80 周岁');
    expect(policy).toContain('100 元/月');
    expect(policy).toContain('老年人权益保障法');
    const poverty = (await page.getByTestId('rule-policy-extreme_poverty_support').textContent())!;
    expect(poverty).toContain('满足以下任一');
    expect(poverty).not.toMatch(/\bdisabled\b/); // tag codes are named, not shown raw
    expect(await bodyText(page)).not.toMatch(RAW_KEY);
    await page.screenshot({ path: `${SHOTS}/profiles-rules-phone.png` });
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(PHONE.width);

    const someone = await ctx.database.db
      .selectFrom('eligibility_case')
      .select('person_id')
      .orderBy('id')
      .executeTakeFirstOrThrow();
    await page.goto(`${base}/profiles/persons/${someone.person_id}`);
    await page.getByTestId('person-tags').waitFor();
    await poll(() => page.getByTestId('person-tags').textContent()).toContain('默认不显示内容');
    await page.getByTestId('tags-purpose').fill('核实高龄津贴资格');
    await page.getByTestId('tags-reveal').click();
    await page.getByTestId('tag-card').first().waitFor();
    expect(await page.getByTestId('tag-card').first().textContent()).toMatch(/年龄：\d+/);
    await page.screenshot({ path: `${SHOTS}/profiles-tags-phone.png` });
    await page.close();
  });
});
