// Decisions over one resident: which tags apply (with their evidence) and, for each policy, whether the resident
// qualifies, nearly qualifies, is excluded or does not qualify, with the explanation that produced it. No decision
// is made without an explanation, and near-misses (one condition short and narrowly: a missing value, a differing
// registration type, an age within the field's margin) are reported rather than dropped, so a worker can look.
import { type Explanation, evaluateCondition, failedLeaves, fieldsRead } from './evaluate.ts';
import type { Facts, FieldCatalogue, Policy, RuleDocument, TagRule } from './rule-types.ts';

export interface TagDecision {
  tag: string;
  version: number;
  /** The fields the rule read and their values (the evidence kept with the tag). */
  evidence: Record<string, unknown>;
  explanation: Explanation;
}

export type EligibilityStatus = 'eligible' | 'near_miss' | 'excluded' | 'not_eligible';

export interface PolicyDecision {
  policy: string;
  version: number;
  status: EligibilityStatus;
  /** Monthly amount of the first tier that holds (null without tiers or when not eligible). */
  amount: number | null;
  tier: string | null;
  /** One line per failed condition or applying exclusion, in Chinese. */
  reasons: string[];
  /** True when at least one failed condition failed only for lack of data. */
  missingData: boolean;
  explanation: {
    conditions: Explanation;
    exclusions: Array<{ id: string; label: string; result: Explanation }>;
    tiers: Array<{ label: string; amount: number; result: Explanation }>;
  };
}

export function decideTag(rule: TagRule, facts: Facts, fields: FieldCatalogue): TagDecision | null {
  const explanation = evaluateCondition(rule.when, facts, fields, '/when');
  if (explanation.result !== 'true') return null;
  const evidence: Record<string, unknown> = {};
  for (const f of fieldsRead(explanation)) evidence[f] = facts[f] ?? null;
  return { tag: rule.id, version: rule.version, evidence, explanation };
}

export function decidePolicy(policy: Policy, facts: Facts, fields: FieldCatalogue): PolicyDecision {
  const conditions = evaluateCondition(policy.conditions, facts, fields, '/conditions');
  const exclusions = policy.exclusions.map((x, i) => ({
    id: x.id,
    label: x.label.zh,
    result: evaluateCondition(x.when, facts, fields, `/exclusions/${i}/when`),
  }));
  const applying = exclusions.filter((x) => x.result.result === 'true');
  let status: EligibilityStatus;
  if (conditions.result === 'true') status = applying.length === 0 ? 'eligible' : 'excluded';
  else {
    const narrow = conditions.misses === 1 && failedLeaves(conditions).every((l) => l.near === true);
    status = narrow && applying.length === 0 ? 'near_miss' : 'not_eligible';
  }
  const missingData =
    conditions.result !== 'true' && failedLeaves(conditions).some((f) => f.result === 'unknown');
  const reasons = reasonsFor(status, conditions, exclusions);
  const tiers = policy.tiers.map((t, i) => ({
    label: t.label.zh,
    amount: t.amount,
    result: evaluateCondition(t.when, facts, fields, `/tiers/${i}/when`),
  }));
  const tier = status === 'eligible' ? tiers.find((t) => t.result.result === 'true') : undefined;
  return {
    policy: policy.id,
    version: policy.version,
    status,
    amount: tier?.amount ?? null,
    tier: tier?.label ?? null,
    reasons,
    missingData,
    explanation: { conditions, exclusions, tiers },
  };
}

/**
 * One line per failed condition or applying exclusion, in Chinese. Kept separate from the decision so that a
 * presenter can word the reasons from a masked explanation.
 */
export function reasonsFor(
  status: EligibilityStatus,
  conditions: Explanation,
  exclusions: ReadonlyArray<{ label: string; result: Explanation }>,
): string[] {
  if (status === 'eligible') return [];
  if (status === 'excluded')
    return exclusions.filter((x) => x.result.result === 'true').map((x) => `排除：${x.label}`);
  return failedLeaves(conditions).map((f) =>
    f.result === 'unknown' ? `缺少数据：${f.text}` : `不满足：${f.text}`,
  );
}

export interface ResidentDecisions {
  tags: TagDecision[];
  policies: PolicyDecision[];
}

/**
 * Tags first, then policies over the facts extended with `profile_tags` (the tags just derived), so a policy can
 * say "profile_tags has elderly_80_alone".
 */
export function decideResident(doc: RuleDocument, facts: Facts, fields: FieldCatalogue): ResidentDecisions {
  const tags: TagDecision[] = [];
  for (const rule of doc.tags) {
    const d = decideTag(rule, facts, fields);
    if (d) tags.push(d);
  }
  const withTags: Facts = { ...facts, profile_tags: tags.map((t) => t.tag) };
  return { tags, policies: doc.policies.map((p) => decidePolicy(p, withTags, fields)) };
}
