// Where profile and eligibility data leave the server. Names are masked, and the values of sensitive fields
// (recorded tags, profile tags, disability grade, benefits received) in explanations and reasons are masked unless
// the viewer stated a purpose and their role may unmask tags; the reasons are then worded from the masked tree.
import { ageOn } from '../../lib/id-number.ts';
import { maskName } from '../../lib/masking.ts';
import {
  type EligibilityStatus,
  type Explanation,
  maskExplanation,
  type RuleDocument,
  reasonsFor,
} from '../../lib/rules/index.ts';
import { RESIDENT_FIELDS } from './resident-fields.ts';

export interface StoredExplanation {
  conditions: Explanation;
  exclusions: Array<{ id: string; label: string; result: Explanation }>;
  tiers: Array<{ label: string; amount: number; result: Explanation }>;
}

export interface CaseRecord {
  id: number;
  person_id: number;
  name: string;
  birth_date: string | null;
  grid_id: number;
  grid_name: string;
  community_name: string;
  policy_id: string;
  policy_version: number;
  rule_set_id: number;
  status: EligibilityStatus;
  amount: string | null;
  tier: string | null;
  reasons: string[];
  missing_data: boolean;
  explanation: StoredExplanation;
  review_state: string;
  review_reason: string | null;
  reviewed_by: string | null;
  reviewed_at: Date | null;
  updated_at: Date;
}

export function policyName(doc: RuleDocument, id: string): string {
  return doc.policies.find((p) => p.id === id)?.name.zh ?? id;
}

export function maskedExplanation(e: StoredExplanation): StoredExplanation {
  return {
    conditions: maskExplanation(e.conditions, RESIDENT_FIELDS),
    exclusions: e.exclusions.map((x) => ({ ...x, result: maskExplanation(x.result, RESIDENT_FIELDS) })),
    tiers: e.tiers.map((t) => ({ ...t, result: maskExplanation(t.result, RESIDENT_FIELDS) })),
  };
}

function presentReasons(c: CaseRecord, reveal: boolean): string[] {
  // "Already receives" and other stored reasons that are not from the tree are kept as they are.
  if (c.reasons.length === 1 && c.reasons[0] === '已在享受该待遇') return c.reasons;
  const e = reveal ? c.explanation : maskedExplanation(c.explanation);
  return reasonsFor(c.status, e.conditions, e.exclusions);
}

export function presentCaseSummary(c: CaseRecord, doc: RuleDocument, today: string, reveal = false) {
  return {
    id: c.id,
    personId: c.person_id,
    name: maskName(c.name),
    age: c.birth_date ? ageOn(c.birth_date, today) : null,
    gridId: c.grid_id,
    gridName: c.grid_name,
    communityName: c.community_name,
    policyId: c.policy_id,
    policyName: policyName(doc, c.policy_id),
    policyVersion: c.policy_version,
    status: c.status,
    amount: c.amount === null ? null : Number(c.amount),
    tier: c.tier,
    reasons: presentReasons(c, reveal),
    missingData: c.missing_data,
    reviewState: c.review_state,
    reviewReason: c.review_reason,
    updatedAt: new Date(c.updated_at).toISOString(),
  };
}

export function presentCaseDetail(
  c: CaseRecord,
  doc: RuleDocument,
  today: string,
  reveal: boolean,
  extra: {
    contactTaskId: number | null;
    appeals: Array<{ id: number; state: string; outcome: string | null }>;
  },
) {
  return {
    ...presentCaseSummary(c, doc, today, reveal),
    legalBasis: doc.policies.find((p) => p.id === c.policy_id)?.legalBasis ?? '',
    explanation: reveal ? c.explanation : maskedExplanation(c.explanation),
    explanationMasked: !reveal,
    ruleSetId: c.rule_set_id,
    reviewedBy: c.reviewed_by,
    reviewedAt: c.reviewed_at ? new Date(c.reviewed_at).toISOString() : null,
    ...extra,
  };
}
