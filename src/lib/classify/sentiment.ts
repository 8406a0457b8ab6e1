// Sentiment of a request from a small hand-made lexicon of hotline language (anger, repeated complaints,
// despair; thanks and praise), with negation ("不满意" vs "满意") and intensifiers ("太", "非常", "!!").
// Lexicon-based on purpose: it is transparent (the matched words are returned), needs no training data, and the
// requests domain uses it only to flag angry callers and repeat complaints for supervision (督办), not to decide.
import { normalizeText } from './normalize.ts';

export interface SentimentResult {
  /** −1 (very negative) … 1 (very positive). */
  score: number;
  label: 'negative' | 'neutral' | 'positive';
  /** The lexicon words found, with their signed weights after negation and intensity. */
  hits: { word: string; weight: number }[];
}

const NEGATIVE: Record<string, number> = {
  气人: 2,
  忍无可忍: 3,
  受不了: 2,
  没人管: 2,
  不管: 1,
  推脱: 1.5,
  敷衍: 2,
  恶劣: 2,
  投诉: 1,
  太差: 2,
  差劲: 2,
  不像话: 2,
  愤怒: 3,
  气愤: 3,
  失望: 2,
  绝望: 3,
  崩溃: 3,
  烦死: 2,
  吵死: 2,
  臭气熏天: 2,
  不满: 2,
  不满意: 2.5,
  无人处理: 2,
  石沉大海: 2.5,
  踢皮球: 2.5,
  第三次: 1.5,
  好几次: 1,
  多次: 1,
  一直没: 1,
  没有回应: 1.5,
  乱收: 1.5,
  欺诈: 2,
  骗: 1.5,
  危险: 1,
  害怕: 1.5,
  担心: 1,
  不敢: 1,
  睡不着: 1.5,
  拖欠: 1.5,
  跑路: 2,
  强烈要求: 2,
  曝光: 2.5,
  媒体: 1.5,
  上访: 2.5,
  意见很大: 2,
};
const POSITIVE: Record<string, number> = {
  感谢: 2,
  谢谢: 1,
  表扬: 2.5,
  点赞: 2.5,
  满意: 2,
  及时: 1,
  负责: 1.5,
  热情: 1.5,
  辛苦: 1,
  解决了: 2,
  很快: 1,
  好同志: 2,
  称赞: 2,
  感激: 2.5,
  耐心: 1.5,
};
const NEGATIONS = ['不', '没', '没有', '未', '别', '无'];
const INTENSIFIERS = ['太', '非常', '特别', '实在', '真是', '极其', '十分'];

const LEXICON: Array<[string, number]> = [
  ...Object.entries(NEGATIVE).map(([w, v]) => [w, -v] as [string, number]),
  ...Object.entries(POSITIVE),
].sort((a, b) => b[0].length - a[0].length);

export function sentimentOf(text: string): SentimentResult {
  const s = normalizeText(text);
  const hits: { word: string; weight: number }[] = [];
  const used = new Uint8Array(s.length);
  for (const [word, base] of LEXICON) {
    let from = 0;
    for (;;) {
      const at = s.indexOf(word, from);
      if (at < 0) break;
      from = at + word.length;
      // A longer lexicon word already covers these characters ("不满意" is not also "满意").
      if (used.subarray(at, at + word.length).some((u) => u === 1)) continue;
      used.fill(1, at, at + word.length);
      const before = s.slice(Math.max(0, at - 3), at);
      let weight = base;
      if (base > 0 && NEGATIONS.some((n) => before.endsWith(n))) weight = -base;
      if (INTENSIFIERS.some((i) => before.includes(i))) weight *= 1.5;
      hits.push({ word, weight });
    }
  }
  const exclamations = (s.match(/!/g) ?? []).length;
  let raw = hits.reduce((sum, h) => sum + h.weight, 0);
  if (raw < 0 && exclamations > 1) raw -= Math.min(2, exclamations * 0.5);
  // Squash to −1…1: three strong words saturate.
  const score = Math.tanh(raw / 4);
  return { score, label: score <= -0.2 ? 'negative' : score >= 0.2 ? 'positive' : 'neutral', hits };
}
