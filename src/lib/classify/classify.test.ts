import { describe, expect, it } from 'vitest';
import {
  ClassifyDataError,
  classificationReport,
  classifyText,
  DuplicateIndex,
  detectUrgency,
  evaluateTextClassifier,
  ModelFormatError,
  normalizeText,
  parseClassifier,
  sentimentOf,
  serializeClassifier,
  textSimilarity,
  trainTextClassifier,
  urgencyByRules,
} from './index.ts';

// A small corpus with three labels whose words overlap a little (水 in both water and heating texts).
const WATER = [
  '家里停水了',
  '整栋楼没有水',
  '水压太低洗不了澡',
  '自来水发黄有锈味',
  '水龙头一滴水都没有',
  '停水一整天了',
];
const HEAT = [
  '暖气不热',
  '暖气片冰凉',
  '屋里才十几度暖气不行',
  '暖气漏水泡了地板',
  '供暖温度不达标',
  '暖气只有一半热',
];
const NOISE = [
  '楼上半夜蹦跶很吵',
  '工地夜间施工噪音大',
  '广场舞音乐太响',
  '酒吧开到凌晨很吵',
  '邻居装修电钻声',
  '音响放得震天响',
];
function corpus(copies: number) {
  const out: { text: string; label: string }[] = [];
  for (let c = 0; c < copies; c++) {
    const tail = ['', '，请尽快处理', '，谢谢', '！！', '，麻烦了'][c % 5];
    for (const t of WATER) out.push({ text: t + tail, label: 'water' });
    for (const t of HEAT) out.push({ text: t + tail, label: 'heating' });
    for (const t of NOISE) out.push({ text: t + tail, label: 'noise' });
  }
  return out;
}
const TRAIN = corpus(5);
const OPTIONS = { seed: 3, features: { buckets: 1 << 14 } };

describe('text classifier', () => {
  const model = trainTextClassifier(TRAIN, OPTIONS);

  it('learns the three labels and generalises to new wordings', () => {
    expect(model.labels).toEqual(['heating', 'noise', 'water']);
    expect(classifyText(model, '我家暖气一点都不热，冻死了').label).toBe('heating');
    expect(classifyText(model, '今天早上突然停水，也没通知').label).toBe('water');
    expect(classifyText(model, '隔壁酒吧太吵了').label).toBe('noise');
  });

  it('treats full-width letters and digits like half-width ones', () => {
    expect(normalizeText('ＫＴＶ１２３号 Ａbc')).toBe('ktv0号 abc');
    const a = classifyText(model, '隔壁ＫＴＶ太吵');
    const b = classifyText(model, '隔壁KTV太吵');
    expect(a.alternatives).toEqual(b.alternatives);
  });

  it('answers empty, symbol-only, English and very long texts with probabilities summing to 1', () => {
    const long = '暖气不热'.repeat(5000);
    for (const text of ['', '   ', '？？！！', 'hello world 123', long]) {
      const p = classifyText(model, text, 3);
      expect(p.alternatives).toHaveLength(3);
      const sum = p.alternatives.reduce((s, a) => s + a.probability, 0);
      expect(sum).toBeCloseTo(1, 6);
      expect(p.confidence).toBeGreaterThan(0);
    }
    expect(classifyText(model, long).label).toBe('heating');
  });

  it('is deterministic for a seed and round-trips through its JSON format with the same predictions', () => {
    const again = trainTextClassifier(TRAIN, OPTIONS);
    expect(serializeClassifier(again)).toBe(serializeClassifier(model));
    const loaded = parseClassifier(serializeClassifier(model));
    for (const text of ['暖气不热', '停水了', '太吵了', '']) {
      const a = classifyText(model, text);
      const b = classifyText(loaded, text);
      expect(b.label).toBe(a.label);
      expect(b.confidence).toBeCloseTo(a.confidence, 2);
    }
  });

  it('counts a label never seen in training as wrong in evaluation', () => {
    const report = evaluateTextClassifier(model, [
      { text: '暖气不热', label: 'heating' },
      { text: '燃气泄漏了', label: 'gas' },
    ]);
    expect(report.accuracy).toBe(0.5);
    const gas = report.perClass.find((c) => c.label === 'gas')!;
    expect(gas).toMatchObject({ support: 1, recall: 0, f1: 0 });
  });

  it('rejects training data with no examples or a single label', () => {
    expect(() => trainTextClassifier([])).toThrow(ClassifyDataError);
    expect(() =>
      trainTextClassifier([
        { text: 'a', label: 'x' },
        { text: 'b', label: 'x' },
      ]),
    ).toThrow('at least 2 distinct labels');
    expect(() => trainTextClassifier(TRAIN, { features: { buckets: 3 } })).toThrow('buckets');
  });

  it('rejects another format, another version and damaged arrays', () => {
    const json = JSON.parse(serializeClassifier(model));
    expect(() => parseClassifier('not json')).toThrow(ModelFormatError);
    expect(() => parseClassifier(JSON.stringify({ ...json, format: 'x' }))).toThrow(
      'not a cbrain-text-classifier',
    );
    expect(() => parseClassifier(JSON.stringify({ ...json, version: 9 }))).toThrow(
      'version 9 is not supported',
    );
    expect(() => parseClassifier(JSON.stringify({ ...json, idf: 'AAAA' }))).toThrow(ModelFormatError);
    expect(() => parseClassifier(JSON.stringify({ ...json, lr: { ...json.lr, weights: 'AA' } }))).toThrow(
      ModelFormatError,
    );
  });

  it('handles unbalanced classes: a rare label is still recognised', () => {
    const rare = [
      ...corpus(6).filter((e) => e.label !== 'water'),
      ...corpus(1).filter((e) => e.label === 'water'),
    ];
    const m = trainTextClassifier(rare, OPTIONS);
    expect(classifyText(m, '家里停水了好几天').label).toBe('water');
  });
});

describe('classification report', () => {
  it('computes accuracy, per-class precision/recall/F1 and macro-F1 over the true labels', () => {
    const r = classificationReport(['a', 'a', 'b', 'b'], ['a', 'b', 'b', 'c']);
    expect(r.accuracy).toBe(0.5);
    const a = r.perClass.find((c) => c.label === 'a')!;
    expect(a).toMatchObject({ precision: 1, recall: 0.5, support: 2, predicted: 1 });
    expect(a.f1).toBeCloseTo(2 / 3, 12);
    const c = r.perClass.find((x) => x.label === 'c')!;
    expect(c).toMatchObject({ support: 0, predicted: 1, f1: 0 });
    // Macro over a and b (c never occurs in the truth): (2/3 + 1/2) / 2.
    expect(r.macroF1).toBeCloseTo((2 / 3 + 0.5) / 2, 12);
  });
});

describe('urgency, sentiment and duplicates', () => {
  it('flags gas smell, people trapped and lone elderly as urgent with readable reasons, not a policy question', () => {
    expect(urgencyByRules('楼道里有很重的煤气味')).toMatchObject({ urgent: true, reasons: ['煤气味'] });
    expect(urgencyByRules('有人被困在电梯里了').urgent).toBe(true);
    expect(urgencyByRules('隔壁独居老人好几天没出门了').urgent).toBe(true);
    expect(urgencyByRules('想咨询一下公租房的申请条件').urgent).toBe(false);
    expect(urgencyByRules('').score).toBe(0);
  });

  it('combines the rules with a model trained on urgent/normal labels', () => {
    const data = [
      ...['燃气漏气了', '路面塌陷了', '有人晕倒了', '电梯困人', '水管爆了淹了'].map((t) => ({
        text: t,
        label: 'urgent',
      })),
      ...['想问低保政策', '物业费太贵', '公交班次少', '路灯不亮', '垃圾分类'].map((t) => ({
        text: t,
        label: 'normal',
      })),
    ];
    const model = trainTextClassifier([...data, ...data, ...data], { seed: 1, features: { buckets: 4096 } });
    const r = detectUrgency('电梯困人了快来', { model });
    expect(r.urgent).toBe(true);
    expect(detectUrgency('物业费太贵了', { model }).urgent).toBe(false);
  });

  it('scores anger negative, thanks positive, negated praise negative', () => {
    expect(sentimentOf('打了好几次电话都没人管，真是太气人了！！').label).toBe('negative');
    expect(sentimentOf('感谢网格员，问题解决得很及时，点赞').label).toBe('positive');
    expect(sentimentOf('今天停水了').label).toBe('neutral');
    const s = sentimentOf('对处理结果不满意');
    expect(s.score).toBeLessThan(0);
    expect(s.hits.map((h) => h.word)).toEqual(['不满意']);
    const negated = sentimentOf('工作人员一点也不热情');
    expect(negated.hits).toEqual([{ word: '热情', weight: -1.5 }]);
  });

  it('finds the same problem told twice as similar and different problems as not', () => {
    const a = '幸福社区3号楼停水了，一整天都没水';
    const b = '幸福社区3号楼一整天没水，停水了！';
    expect(textSimilarity(a, b)).toBeGreaterThan(0.7);
    expect(textSimilarity(a, '楼下饭店油烟太大')).toBeLessThan(0.2);
    expect(textSimilarity('', a)).toBe(0);
    const index = new DuplicateIndex<number>();
    index.add(1, a);
    index.add(2, '楼下饭店油烟太大');
    index.add(3, '幸福社区停水一整天了');
    const hits = index.similar(b, 0.4);
    expect(hits.map((h) => h.id)).toEqual([1, 3]);
    index.remove(1);
    expect(index.similar(b, 0.4).map((h) => h.id)).toEqual([3]);
    expect(index.size).toBe(2);
  });
});
