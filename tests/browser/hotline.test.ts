// The 12345 hotline desk and the classifier's versions in a real browser against the small demo district with a
// year of request history: the suggestion follows the operator's typing (category, department, the words that
// decided it), the caller is looked up masked, the order is created with the confirmed category and keeps the
// suggestion; the district administrator trains a new version, watches its progress and rolls back.
// Screenshots go to test-results/screenshots/hotline-*.png.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRequestDemo, QUICK_TRAINING, requestCategoryCatalog } from '../../src/domains/requests/index.ts';
import { bodyText, PLAIN_PHONE, poll, SHOTS, startBrowserHarness } from './harness.ts';

const RAW_KEY = /\bhotline[A-Z][A-Za-z_]+\b/;

const harness = startBrowserHarness();

beforeAll(async () => {
  const { ctx, app } = harness;
  await loadRequestDemo(ctx.database, ctx.cipher, requestCategoryCatalog(), {
    seed: 20261123,
    perDay: 6,
    days: 365,
  });
  const first = await app.requestClassifier.ensureInitialModel(QUICK_TRAINING);
  await first;
}, 300_000);

describe('the hotline desk and the classifier versions', () => {
  it('an operator types the caller’s words, sees the category and department live, looks up the caller and creates the order', async () => {
    // A vague call taken earlier: its suggestion is uncertain, so it waits in the desk's queue.
    const vague = await harness.app.inject({
      method: 'POST',
      url: '/api/requests/hotline',
      headers: { authorization: `Bearer ${await harness.tokenOf('hotline')}` },
      payload: { description: '喂喂喂，嗯嗯，那个那个……', anonymous: true },
    });
    expect(vague.statusCode).toBe(201);
    const page = await harness.signIn('hotline');
    await page.getByRole('link', { name: '热线受理台' }).first().click();
    const words = page.getByTestId('caller-words');
    await words.waitFor();
    await words.pressSequentially('楼下的暖气片一点都不热，家里只有十几度，老人孩子都冻感冒了', {
      delay: 15,
    });
    const suggestion = page.getByTestId('suggestion');
    await poll(() => suggestion.textContent()).toContain('供热');
    await poll(() => suggestion.textContent()).toContain('承办部门');
    expect(await suggestion.textContent()).toMatch(/模型 v1/);
    expect(await suggestion.locator('.ant-tag').count()).toBeGreaterThan(0);

    // The caller by phone: resident records and earlier requests, masked.
    const phone = await harness.ctx.database.db
      .selectFrom('person')
      .select(['phone_cipher'])
      .where('phone_cipher', 'is not', null)
      .limit(1)
      .executeTakeFirstOrThrow();
    const plainPhone = harness.ctx.cipher.open(phone.phone_cipher!);
    await page.getByTestId('caller-phone').fill(plainPhone);
    await page.getByRole('button', { name: '查找来电人' }).click();
    const callerBox = page.getByTestId('caller-result');
    await callerBox.waitFor();
    await poll(() => callerBox.textContent()).toContain('居民档案');
    expect(await callerBox.textContent()).not.toMatch(PLAIN_PHONE);
    expect(await bodyText(page)).not.toMatch(RAW_KEY);
    await page.screenshot({ path: `${SHOTS}/hotline-desk.png` });

    // The operator confirms the first suggestion and creates the order.
    await page
      .getByTestId('alternative-0')
      .getByRole('button', { name: /选\s*用/ })
      .click();
    await poll(() => page.getByTestId('alternative-0').textContent()).toContain('已选');
    await page.getByTestId('create-order').click();
    const created = page.getByTestId('created');
    await created.waitFor();
    const text = (await created.textContent()) ?? '';
    const number = /(\d{16})/.exec(text)?.[1];
    expect(number).toBeTruthy();
    const stored = await harness.ctx.database.db
      .selectFrom('order_classification as oc')
      .innerJoin('work_order as wo', 'wo.id', 'oc.order_id')
      .select(['oc.model_version', 'oc.suggested_category', 'oc.final_category', 'wo.category_code'])
      .where('wo.number', '=', number!)
      .executeTakeFirstOrThrow();
    expect(stored.model_version).toBe(1);
    expect(stored.final_category).toBe(stored.suggested_category);
    expect(stored.category_code).toBe(stored.final_category);
    await page.screenshot({ path: `${SHOTS}/hotline-created.png` });

    // The uncertain order is confirmed from the queue with one of its suggested categories.
    const queue = page.getByTestId('review-queue');
    await poll(() => queue.textContent()).toContain(vague.json().order.number);
    await queue
      .locator('.plain-list-item')
      .filter({ hasText: vague.json().order.number })
      .getByRole('button')
      .first()
      .click();
    await poll(async () => {
      const row = await harness.ctx.database.db
        .selectFrom('order_classification as oc')
        .innerJoin('work_order as wo', 'wo.id', 'oc.order_id')
        .select(['oc.final_category', 'oc.needs_review'])
        .where('wo.number', '=', vague.json().order.number)
        .executeTakeFirstOrThrow();
      return row.needs_review && row.final_category !== null;
    }).toBe(true);
    await poll(() => queue.textContent()).not.toContain(vague.json().order.number);

    // The order's page shows what the classifier suggested at intake and that the operator confirmed it.
    const vagueOrder = await harness.ctx.database.db
      .selectFrom('work_order')
      .select('id')
      .where('number', '=', vague.json().order.number)
      .executeTakeFirstOrThrow();
    await page.goto(`${harness.base}/orders/${vagueOrder.id}`);
    const shown = page.getByTestId('order-suggestion');
    await shown.waitFor();
    expect(await shown.textContent()).toMatch(/置信度 \d+%，模型 v1/);
    await poll(() => page.getByTestId('order-detail').textContent()).toContain('话务员已');
    await page.close();
  });

  it('the district administrator trains a new version with progress, activates it and rolls back', async () => {
    const page = await harness.signIn('admin');
    await page.goto(`${harness.base}/hotline/models`);
    await page.locator('.ant-table-row').first().waitFor();
    await poll(() => page.locator('.ant-table-row').first().textContent()).toContain('当前启用');
    await poll(() => page.getByTestId('details-1').textContent()).toContain('最常混淆');
    await page.getByTestId('train-now').click();
    await page.getByTestId('training-progress').waitFor();
    await page.screenshot({ path: `${SHOTS}/hotline-training.png` });
    await expect
      .poll(() => page.getByTestId('activate-2').count(), { timeout: 240_000, interval: 1000 })
      .toBe(1);
    await page.getByTestId('activate-2').click();
    await page.getByRole('button', { name: /确\s*定|OK/ }).click();
    await poll(() => page.locator('.ant-table-row').first().textContent()).toContain('当前启用');
    expect(await page.locator('.ant-table-row').first().textContent()).toContain('v2');
    await page.screenshot({ path: `${SHOTS}/hotline-models.png` });
    await page.getByTestId('rollback').click();
    await page.getByRole('button', { name: /确\s*定|OK/ }).click();
    await poll(async () => {
      const rows = await page.locator('.ant-table-row').allTextContents();
      return rows.find((r) => r.includes('当前启用'))?.match(/^v\d+/)?.[0];
    }).toBe('v1');
    const active = await harness.ctx.database.db
      .selectFrom('classifier_model')
      .select('version')
      .where('active', '=', true)
      .executeTakeFirstOrThrow();
    expect(active.version).toBe(1);
    expect(await bodyText(page)).not.toMatch(RAW_KEY);
    await page.close();
  }, 300_000);

  it('the hotline operator sees the versions but cannot train or activate', async () => {
    const page = await harness.signIn('hotline');
    await page.goto(`${harness.base}/hotline/models`);
    await page.locator('.ant-table-row').first().waitFor();
    expect(await page.getByTestId('train-now').count()).toBe(0);
    expect(await page.getByTestId('rollback').count()).toBe(0);
    await page.close();
  });
});
