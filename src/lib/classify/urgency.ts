// Urgency of a request: keyword rules that an operator would recognise (risk to life, gas, fire, people trapped,
// water pouring out, someone elderly alone and unreachable), optionally combined with a classifier trained on
// urgent/normal labels (`trainTextClassifier` with labels "urgent" and "normal"). Rules give the reasons an
// operator can read; the model catches phrasings the rules miss.
import { classifyText, type TextClassifier } from './classifier.ts';
import { normalizeText } from './normalize.ts';

export interface UrgencyResult {
  urgent: boolean;
  /** 0…1: the rule score, or with a model the noisy-OR 1 − (1 − rules)(1 − model probability). */
  score: number;
  /** The cues found in the text (Chinese, as written). */
  reasons: string[];
}

/** [cue pattern, weight]. Weight ≥ 1 alone makes a request urgent. */
const CUES: ReadonlyArray<readonly [RegExp, number]> = [
  [/煤气味|燃气味|漏气|燃气泄漏|天然气.{0,4}(味|漏)/, 1],
  [/着火|起火|冒烟|火灾|烧起来/, 1],
  [/困在电梯|被困|关在电梯/, 1],
  [/人命|生命危险|晕倒|昏迷|摔倒.{0,4}起不来|受伤|流血/, 1],
  [/爆管|水管爆|管道破裂|哗哗.{0,4}冒|淹了/, 0.8],
  [/塌陷|坍塌|要塌|倒塌|掉下来|砸到|砸伤|脱落/, 0.8],
  [/井盖.{0,6}(不见|丢|没了|碎)|大洞/, 0.8],
  [/(独居|孤寡|空巢).{0,12}(没出门|打不通|没人应|没有回应|摔倒)/, 1],
  [/紧急|十万火急|马上派人|立即|火速|等不了|危险|隐患/, 0.5],
  [/老人|婴儿|孕妇|残疾|病人/, 0.2],
  [/半夜|凌晨|深夜/, 0.1],
];

/** Cues that an apparently urgent word is not (asking about a policy, thanking). */
const DAMPERS: ReadonlyArray<RegExp> = [/咨询|请问|想问|想了解|怎么申请|感谢|表扬|点赞/];

export function urgencyByRules(text: string): UrgencyResult {
  const s = normalizeText(text);
  let score = 0;
  const reasons: string[] = [];
  for (const [cue, weight] of CUES) {
    const m = s.match(cue);
    if (m) {
      score += weight;
      reasons.push(m[0]);
    }
  }
  if (DAMPERS.some((d) => d.test(s))) score *= 0.5;
  const clipped = Math.min(1, score);
  return { urgent: clipped >= 0.75, score: clipped, reasons };
}

/**
 * Rules, or rules and a model: with a model whose labels include `urgentLabel`, either signal can raise the
 * score (noisy-OR of the rule score and the model's probability of that label); urgent at ≥ 0.5.
 */
export function detectUrgency(
  text: string,
  options: { model?: TextClassifier; urgentLabel?: string } = {},
): UrgencyResult {
  const rules = urgencyByRules(text);
  const label = options.urgentLabel ?? 'urgent';
  const model = options.model;
  if (!model?.labels.includes(label)) return rules;
  const p = classifyText(model, text, model.labels.length);
  const probability = p.alternatives.find((a) => a.label === label)?.probability ?? 0;
  const score = 1 - (1 - rules.score) * (1 - probability);
  return { urgent: score >= 0.5, score, reasons: rules.reasons };
}
