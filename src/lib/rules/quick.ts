// The same three-valued decisions as evaluate.ts, without building explanation trees: for batch runs over 100k
// residents, where most residents qualify for nothing and a tree per rule per resident would be thrown away. The
// batch run decides quickly first and builds the full explanation only where a decision is kept. The tests check
// that both paths agree.

import type { EligibilityStatus } from './decide.ts';
import { compareLeaf, isNear } from './evaluate.ts';
import type { Condition, Facts, FieldCatalogue, LeafCondition, Policy, RuleDocument } from './rule-types.ts';

interface Quick {
  result: 'true' | 'false' | 'unknown';
  misses: number;
  /** Every leaf that failed (on the cheapest path) failed narrowly. */
  near: boolean;
}

export function quickEvaluate(node: Condition, facts: Facts, fields: FieldCatalogue): Quick {
  if ('all' in node) {
    let result: Quick['result'] = 'true';
    let misses = 0;
    let near = true;
    for (const c of node.all) {
      const q = quickEvaluate(c, facts, fields);
      if (q.result === 'false') result = 'false';
      else if (q.result === 'unknown' && result === 'true') result = 'unknown';
      misses += q.misses;
      if (q.result !== 'true' && !q.near) near = false;
    }
    return { result, misses, near };
  }
  if ('any' in node) {
    let best: Quick | null = null;
    let result: Quick['result'] = 'false';
    for (const c of node.any) {
      const q = quickEvaluate(c, facts, fields);
      if (q.result === 'true') result = 'true';
      else if (q.result === 'unknown' && result === 'false') result = 'unknown';
      if (best === null || q.misses < best.misses) best = q;
    }
    return { result, misses: best!.misses, near: result === 'true' ? true : best!.near };
  }
  if ('not' in node) {
    const q = quickEvaluate(node.not, facts, fields);
    const result = q.result === 'unknown' ? 'unknown' : q.result === 'true' ? 'false' : 'true';
    return { result, misses: result === 'true' ? 0 : 1, near: false };
  }
  const leaf = node as LeafCondition;
  const actual = facts[leaf.field];
  const result = compareLeaf(leaf, actual);
  return {
    result,
    misses: result === 'true' ? 0 : 1,
    near: result === 'true' ? true : isNear(leaf, actual, result, fields),
  };
}

export function quickStatus(policy: Policy, facts: Facts, fields: FieldCatalogue): EligibilityStatus {
  const c = quickEvaluate(policy.conditions, facts, fields);
  const excluded = policy.exclusions.some((x) => quickEvaluate(x.when, facts, fields).result === 'true');
  if (c.result === 'true') return excluded ? 'excluded' : 'eligible';
  return c.misses === 1 && c.near && !excluded ? 'near_miss' : 'not_eligible';
}

/** The fields a condition reads (a tag's evidence is the resident's values of these). */
export function conditionFields(node: Condition, out: string[] = []): string[] {
  if ('all' in node) for (const c of node.all) conditionFields(c, out);
  else if ('any' in node) for (const c of node.any) conditionFields(c, out);
  else if ('not' in node) conditionFields(node.not, out);
  else if (!out.includes((node as LeafCondition).field)) out.push((node as LeafCondition).field);
  return out;
}

export interface QuickTag {
  tag: string;
  version: number;
  evidence: Record<string, unknown>;
}

/** Tags (with the values of the fields their rule reads) and the status of every policy, without trees. */
export function quickDecide(doc: RuleDocument, facts: Facts, fields: FieldCatalogue) {
  const tags: QuickTag[] = [];
  for (const rule of doc.tags) {
    if (quickEvaluate(rule.when, facts, fields).result !== 'true') continue;
    const evidence: Record<string, unknown> = {};
    for (const f of conditionFields(rule.when)) evidence[f] = facts[f] ?? null;
    tags.push({ tag: rule.id, version: rule.version, evidence });
  }
  const withTags: Facts = { ...facts, profile_tags: tags.map((t) => t.tag) };
  return { tags, facts: withTags, statuses: doc.policies.map((p) => quickStatus(p, withTags, fields)) };
}
