// The rule language that policy officers read and write: JSON documents of tag rules and policies whose
// conditions are small trees of `all` / `any` / `not` over leaf comparisons such as { "field": "age", "op": ">=",
// "value": 80 }. Fields are declared in a catalogue handed to the parser, so a rule can only name facts the data
// actually carries, and every value is checked against the field's type.

export type FieldType = 'number' | 'text' | 'text_list' | 'boolean';

export interface FieldSpec {
  type: FieldType;
  label: { zh: string; en: string };
  /** Values of sensitive fields (tags, disability grade) are masked in explanations unless unmasked. */
  sensitive?: boolean;
  /**
   * For numbers: how far from a threshold a value may be and still count as a near-miss (age 78 against
   * "age >= 80" with a margin of 2). Without it a numeric miss is never near unless the value is missing.
   */
  nearMargin?: number;
}

export type FieldCatalogue = Readonly<Record<string, FieldSpec>>;

export const OPERATORS = [
  '==',
  '!=',
  '>',
  '>=',
  '<',
  '<=',
  'in',
  'not_in',
  'has',
  'not_has',
  'has_any',
  'exists',
  'missing',
] as const;
export type Operator = (typeof OPERATORS)[number];

/** Which operators make sense on which field type; anything else is a parse error naming the path. */
export const OPERATORS_BY_TYPE: Record<FieldType, readonly Operator[]> = {
  number: ['==', '!=', '>', '>=', '<', '<=', 'in', 'not_in', 'exists', 'missing'],
  text: ['==', '!=', 'in', 'not_in', 'exists', 'missing'],
  text_list: ['has', 'not_has', 'has_any', 'exists', 'missing'],
  boolean: ['==', '!=', 'exists', 'missing'],
};

export type Scalar = number | string | boolean;

export interface LeafCondition {
  field: string;
  op: Operator;
  value?: Scalar | Scalar[];
  /** Optional wording for officers; the explanation uses it instead of the generated text. */
  label?: string;
}

export type Condition = LeafCondition | { all: Condition[] } | { any: Condition[] } | { not: Condition };

export interface Label {
  zh: string;
  en: string;
}

export interface TagRule {
  id: string;
  version: number;
  label: Label;
  /** Shown to the person who reads the rule: why the tag exists and who maintains it. */
  description?: string;
  when: Condition;
}

export interface PolicyExclusion {
  id: string;
  label: Label;
  when: Condition;
}

export interface PolicyTier {
  label: Label;
  /** Amount per month in yuan; tiers are tried in order and the first that holds applies. */
  amount: number;
  when: Condition;
}

export interface Policy {
  id: string;
  version: number;
  name: Label;
  /** The legal text the policy rests on, quoted for the officer and the resident. */
  legalBasis: string;
  /** The service or benefit type a grant records (benefit_grant.policy_id is the policy id). */
  benefit: 'cash_monthly' | 'service' | 'in_kind';
  conditions: Condition;
  exclusions: PolicyExclusion[];
  tiers: PolicyTier[];
}

export interface RuleDocument {
  version: string;
  tags: TagRule[];
  policies: Policy[];
}

/** One problem of a rule document, at a JSON pointer such as /policies/0/conditions/all/1/op. */
export interface RuleProblem {
  path: string;
  message: string;
  messageEn: string;
}

/** Facts about one resident: field name → value; a missing or null value is "unknown", never false. */
export type Facts = Readonly<Record<string, Scalar | readonly string[] | null | undefined>>;
