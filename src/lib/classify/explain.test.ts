// The words behind a prediction, and training with a time-ordered held-out test.
import { describe, expect, it } from 'vitest';
import { trainTextClassifier } from './classifier.ts';
import { topTermsFor } from './explain.ts';
import { trainWithHoldout } from './holdout.ts';

const EXAMPLES = [
  ...['家里停水了', '小区停水一天了', '水龙头没有水', '突然停水了怎么办', '楼里全部停水'].map((text) => ({
    text,
    label: 'water',
  })),
  ...['暖气不热', '暖气片冰凉', '家里暖气温度低', '暖气一直不热', '供暖温度不够'].map((text) => ({
    text,
    label: 'heat',
  })),
];

describe('topTermsFor', () => {
  it('names the words of the text that push towards the label, heaviest first, only positive ones', () => {
    const model = trainTextClassifier(EXAMPLES, { complementNb: false, minDocumentFrequency: 1 });
    const terms = topTermsFor(model, '我家暖气不热', 'heat', 5);
    expect(terms.length).toBeGreaterThan(0);
    expect(terms.map((t) => t.text).join(' ')).toMatch(/暖气/);
    for (const t of terms) expect(t.weight).toBeGreaterThan(0);
    expect(terms.map((t) => t.weight)).toEqual([...terms.map((t) => t.weight)].sort((a, b) => b - a));
    // The same text explains nothing towards the other label's water words, and an unknown label gives nothing.
    expect(topTermsFor(model, '我家暖气不热', 'water', 5).map((t) => t.text)).not.toContain('暖气');
    expect(topTermsFor(model, '我家暖气不热', 'nope')).toEqual([]);
  });
});

describe('trainWithHoldout', () => {
  it('holds out the latest share, reports accuracy and macro-F1 on it, and lists confusions', () => {
    const examples = Array.from({ length: 4 }, () => EXAMPLES).flat();
    const { report } = trainWithHoldout(examples, {
      holdoutFraction: 0.25,
      train: { complementNb: false, minDocumentFrequency: 1 },
    });
    expect(report.trainExamples).toBe(30);
    expect(report.heldOut).toBe(10);
    expect(report.accuracy).toBeGreaterThan(0.8);
    expect(report.macroF1).toBeGreaterThan(0.8);
    expect(report.confusions.reduce((n, c) => n + c.count, 0)).toBe(Math.round((1 - report.accuracy) * 10));
  });
});
