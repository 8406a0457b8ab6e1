import { readFileSync } from 'node:fs';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { generateRequestHistory } from '../../domains/demo/request-history.ts';
import { requestCategoryByName } from '../../domains/requests/categories.ts';
import { csvDir, runCli, runJson } from './engine-cli.testing.ts';

const file = csvDir('cbrain-classify-');
const AREAS = [
  { street: '东湖街道', community: '幸福社区' },
  { street: '西岭街道', community: '桃源社区' },
];

function csvCell(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

// Ten weeks of generated requests; the last two weeks are held out for evaluation.
const history = generateRequestHistory({
  seed: 11,
  start: new Date('2025-01-01'),
  days: 70,
  perDay: 14,
  areas: AREAS,
});
const cut = new Date('2025-02-26').getTime();
function toCsv(rows: typeof history) {
  return `id,channel,text,label\n${rows.map((r, i) => [i, r.channel, csvCell(r.text), r.categoryCode].join(',')).join('\n')}\n`;
}
const TRAIN = file('train.csv', `\uFEFF${toCsv(history.filter((r) => r.receivedAt.getTime() < cut))}`);
const TEST = file('test.csv', toCsv(history.filter((r) => r.receivedAt.getTime() >= cut)));
const MODEL = `${TRAIN}.model.json`;
const TRAIN_ARGS = ['--text', 'text', '--label', 'label', '--buckets', '65536'];

describe('cbrain classify', () => {
  it('trains on a UTF-8 BOM CSV, writes a versioned JSON model and reports the training as JSON', async () => {
    const { json, stderr } = await runJson([
      'classify',
      'train',
      '--data',
      TRAIN,
      ...TRAIN_ARGS,
      '--out',
      MODEL,
    ]);
    expect(json.examples).toBeGreaterThan(600);
    expect(json.unlabelledRows).toBe(0);
    expect(json.training.classes).toBe(json.labels.length);
    expect(json.training.validationExamples).toBeGreaterThan(0);
    expect(json.modelBytes).toBe(readFileSync(MODEL).length);
    const model = JSON.parse(readFileSync(MODEL, 'utf8'));
    expect(model).toMatchObject({ format: 'cbrain-text-classifier', version: 1 });
    expect(stderr).toContain('epoch 1');
  }, 120_000);

  it('evaluates on the held-out weeks: accuracy and macro-F1 well above chance, per-class figures', async () => {
    const { json } = await runJson([
      'classify',
      'eval',
      '--model',
      MODEL,
      '--data',
      TEST,
      '--text',
      'text',
      '--label',
      'label',
    ]);
    expect(json.examples).toBeGreaterThan(100);
    // 89 leaf classes: chance is about 1–3 %. Ten weeks of data is little, so the bar is modest.
    expect(json.accuracy).toBeGreaterThan(0.5);
    expect(json.macroF1).toBeGreaterThan(0.3);
    const row = json.perClass[0];
    expect(Object.keys(row).sort()).toEqual(['f1', 'label', 'precision', 'predicted', 'recall', 'support']);
    expect(json.perClass.reduce((s: number, c: { support: number }) => s + c.support, 0)).toBe(json.examples);
  }, 120_000);

  it('predicts a gas leak with its department and 2-hour deadline, with top-k alternatives', async () => {
    const { json } = await runJson([
      'classify',
      'predict',
      '--model',
      MODEL,
      '--text',
      '楼道里闻到很重的煤气味，不敢开火，请马上派人来',
      '--top',
      '4',
    ]);
    expect(json.label).toBe(requestCategoryByName('燃气泄漏')!.code);
    expect(json.department.zh).toBe('燃气公司');
    expect(json.deadline).toEqual({ tier: 'emergency', unit: 'hours', value: 2 });
    expect(json.alternatives).toHaveLength(4);
    expect(json.confidence).toBe(json.alternatives[0].probability);
    expect(json.confidence).toBeGreaterThan(json.alternatives[1].probability);
    // The words that weighed most towards the label, read back from the text.
    expect(json.keywords.length).toBeGreaterThan(0);
    expect(json.keywords.map((k: { text: string }) => k.text).join(' ')).toMatch(/煤气|气味|开火/);
  }, 60_000);

  it('reads GBK-encoded CSV with title and body columns and counts an unseen label as wrong', async () => {
    const text =
      '标题,内容,类别\n' +
      '暖气不热,家里暖气片冰凉的，屋里才十几度,05X\n' +
      '燃气味,楼道里有很重的煤气味,新类别\n';
    const gbk = file('gbk.csv', '');
    await import('node:fs').then((fs) => fs.writeFileSync(gbk, iconv.encode(text, 'gbk')));
    const { json } = await runJson([
      'classify',
      'eval',
      '--model',
      MODEL,
      '--data',
      gbk,
      '--text',
      '标题,内容',
      '--label',
      '类别',
    ]);
    expect(json.examples).toBe(2);
    expect(json.accuracy).toBe(0);
    expect(json.unseenLabels).toEqual(['05X', '新类别']);
  }, 60_000);

  it('reads the first worksheet of an XLSX workbook', async () => {
    const { default: ExcelJS } = await import('exceljs');
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('留言');
    sheet.addRow(['留言主题', '留言详情', '一级分类']);
    sheet.addRow(['暖气问题', '家里暖气片冰凉的，屋里才十几度', requestCategoryByName('暖气不热')!.code]);
    sheet.addRow(['燃气', '楼道里有很重的煤气味，不敢开火', requestCategoryByName('燃气泄漏')!.code]);
    const xlsx = file('messages.xlsx', '');
    await workbook.xlsx.writeFile(xlsx);
    const { json } = await runJson([
      'classify',
      'eval',
      '--model',
      MODEL,
      '--data',
      xlsx,
      '--text',
      '留言主题,留言详情',
      '--label',
      '一级分类',
    ]);
    expect(json.examples).toBe(2);
    expect(json.accuracy).toBe(1);
  }, 60_000);

  it('exits 2 naming the columns for a missing text column, printing nothing on stdout', async () => {
    const r = await runCli([
      'classify',
      'train',
      '--data',
      TRAIN,
      '--text',
      'body',
      '--label',
      'label',
      '--out',
      `${MODEL}.x`,
    ]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('no column "body" (given by --text); columns are: id, channel, text, label');
  }, 60_000);

  it('exits 1 for an empty file, a header-only file, a single label and malformed CSV', async () => {
    const cases: Array<[string, string]> = [
      [file('empty.csv', ''), 'the file is empty (no header row)'],
      [file('header.csv', 'text,label\n'), 'the file has a header but no rows'],
      [
        file('one.csv', 'text,label\n停水了,a\n又停水了,a\n'),
        'training needs at least 2 distinct labels, got 1 (a)',
      ],
      [file('bad.csv', 'text,label\n"停水了,a\n'), 'malformed CSV'],
      [file('ragged.csv', 'text,label\n停水了,a,extra\n'), 'malformed CSV'],
    ];
    const runs = await Promise.all(
      cases.map(([path]) =>
        runCli([
          'classify',
          'train',
          '--data',
          path,
          '--text',
          'text',
          '--label',
          'label',
          '--out',
          `${path}.m`,
        ]),
      ),
    );
    runs.forEach((r, i) => {
      expect(r.code, cases[i]![0]).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(cases[i]![1]);
    });
  }, 180_000);

  it('exits 1 for a model file that is not a classifier model', async () => {
    const notModel = file('not-model.json', '{"format":"something-else"}');
    const r = await runCli(['classify', 'predict', '--model', notModel, '--text', '停水']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('not a cbrain-text-classifier model file');
  }, 60_000);
});
