// What the profile and eligibility routes answer (docs/profiles.md).
import type { Condition, Label } from './RuleCondition.tsx';

export interface Explanation {
  path: string;
  kind: 'all' | 'any' | 'not' | 'leaf';
  result: 'true' | 'false' | 'unknown';
  misses: number;
  field?: string;
  /** The resident's value (codes as stored); '***' when masked, null when missing. */
  actual?: string | number | boolean | string[] | null;
  near?: boolean;
  text: string;
  children?: Explanation[];
}

export interface CaseSummary {
  id: number;
  personId: number;
  name: string;
  age: number | null;
  gridId: number;
  gridName: string;
  communityName: string;
  policyId: string;
  policyName: string;
  status: string;
  amount: number | null;
  tier: string | null;
  reasons: string[];
  missingData: boolean;
  reviewState: string;
  reviewReason: string | null;
  updatedAt: string;
}

export interface CaseDetail extends CaseSummary {
  legalBasis: string;
  explanation: {
    conditions: Explanation;
    exclusions: Array<{ id: string; label: string; result: Explanation }>;
    tiers: Array<{ label: string; amount: number; result: Explanation }>;
  };
  explanationMasked: boolean;
  reviewedBy: string | null;
  reviewedAt: string | null;
  contactTaskId: number | null;
  appeals: Array<{ id: number; state: string; outcome: string | null }>;
}

export interface Appeal {
  id: number;
  caseId: number;
  personId: number;
  name: string;
  policyId: string;
  reason: string;
  state: string;
  outcome: string | null;
  action: string | null;
  resolutionNote: string | null;
  filedBy: string;
  createdAt: string;
  caseStatus: string;
  caseReviewState: string;
}

export interface FieldSpec {
  type: string;
  label: Label;
  sensitive?: boolean;
}

export interface RuleSet {
  id: number;
  version: string;
  createdBy: string;
  createdAt: string;
  document: {
    version: string;
    tags: Array<{ id: string; version: number; label: Label; description?: string; when: Condition }>;
    policies: Array<{
      id: string;
      version: number;
      name: Label;
      legalBasis: string;
      benefit: string;
      conditions: Condition;
      exclusions: Array<{ id: string; label: Label; when: Condition }>;
      tiers: Array<{ label: Label; amount: number; when: Condition }>;
    }>;
  };
  fields: Record<string, FieldSpec>;
}
