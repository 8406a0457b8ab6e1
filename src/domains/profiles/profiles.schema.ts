// One TypeBox schema per route input and output of profiles and eligibility. Rule documents arrive as free JSON
// and are checked by the rule parser, which names each problem's path (a schema error would say less).
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { PageQuery, pageOf } from '../../platform/http/pagination.ts';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const IsoDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'yyyy-mm-dd' });
const Purpose = Type.String({
  minLength: 1,
  maxLength: 200,
  description: '查看敏感信息的用途（至少 4 个字）',
});

export { IdParams } from '../../platform/http/params.ts';

export const RulesBody = Type.Object({
  rules: Type.Unknown({ description: '规则文件（JSON）：{ version, tags: [...], policies: [...] }' }),
  reason: Type.String({ minLength: 2, maxLength: 500, description: '修改原因' }),
});
export type RulesBody = Static<typeof RulesBody>;

export const ValidateBody = Type.Object({ rules: Type.Unknown() });
export type ValidateBody = Static<typeof ValidateBody>;

export const RuleSetOut = Type.Object({
  id: Type.Integer(),
  version: Type.String(),
  createdBy: Type.String(),
  createdAt: Type.String(),
  document: Type.Unknown(),
  fields: Type.Unknown({ description: '规则可用的字段及类型' }),
});

export const RunBody = Type.Object({
  asOf: Type.Optional(IsoDate),
  mode: Type.Optional(Type.Union([Type.Literal('full'), Type.Literal('changed')], { default: 'full' })),
});
export type RunBody = Static<typeof RunBody>;

export const RunOut = Type.Object({
  runId: Type.Integer(),
  persons: Type.Integer(),
  seconds: Type.Number(),
  personsPerSecond: Type.Number(),
  casesWritten: Type.Integer(),
  tagCounts: Type.Record(Type.String(), Type.Integer()),
  policyCounts: Type.Record(
    Type.String(),
    Type.Object({
      eligibleUnserved: Type.Integer(),
      served: Type.Integer(),
      nearMiss: Type.Integer(),
      excluded: Type.Integer(),
    }),
  ),
});

export const ProfileOut = Type.Object({
  personId: Type.Integer(),
  name: Type.String(),
  gridName: Type.String(),
  tagCount: Type.Integer(),
  tags: Nullable(
    Type.Array(
      Type.Object({
        tag: Type.String(),
        label: Type.String(),
        ruleSetId: Type.Integer(),
        ruleVersion: Type.Integer(),
        evidence: Type.Record(Type.String(), Type.Unknown()),
        evaluatedAt: Type.String(),
      }),
    ),
  ),
  tagsMasked: Type.Boolean(),
});

export const UnmaskBody = Type.Object({ purpose: Purpose });
export type UnmaskBody = Static<typeof UnmaskBody>;

export const CaseQuery = Type.Intersect([
  PageQuery,
  Type.Object({
    policyId: Type.Optional(Type.String({ pattern: '^[a-z][a-z0-9_]{1,63}$' })),
    status: Type.Optional(
      Type.Union([
        Type.Literal('eligible'),
        Type.Literal('near_miss'),
        Type.Literal('excluded'),
        Type.Literal('not_eligible'),
      ]),
    ),
    reviewState: Type.Optional(
      Type.Union([Type.Literal('pending'), Type.Literal('approved'), Type.Literal('rejected')]),
    ),
    gridId: Type.Optional(Type.Integer({ minimum: 1 })),
  }),
]);
export type CaseQuery = Static<typeof CaseQuery>;

export const CaseSummaryOut = Type.Object({
  id: Type.Integer(),
  personId: Type.Integer(),
  name: Type.String(),
  age: Nullable(Type.Integer()),
  gridId: Type.Integer(),
  gridName: Type.String(),
  communityName: Type.String(),
  policyId: Type.String(),
  policyName: Type.String(),
  policyVersion: Type.Integer(),
  status: Type.String(),
  amount: Nullable(Type.Number()),
  tier: Nullable(Type.String()),
  reasons: Type.Array(Type.String()),
  missingData: Type.Boolean(),
  reviewState: Type.String(),
  reviewReason: Nullable(Type.String()),
  updatedAt: Type.String(),
});
export const CasePageOut = pageOf(CaseSummaryOut);

export const CaseDetailOut = Type.Intersect([
  CaseSummaryOut,
  Type.Object({
    legalBasis: Type.String(),
    explanation: Type.Unknown({ description: '条件、排除、档次的判定树（敏感值默认脱敏）' }),
    explanationMasked: Type.Boolean(),
    ruleSetId: Type.Integer(),
    reviewedBy: Nullable(Type.String()),
    reviewedAt: Nullable(Type.String()),
    contactTaskId: Nullable(Type.Integer()),
    appeals: Type.Array(
      Type.Object({ id: Type.Integer(), state: Type.String(), outcome: Nullable(Type.String()) }),
    ),
  }),
]);

export const CaseReadQuery = Type.Object({ purpose: Type.Optional(Purpose) });
export type CaseReadQuery = Static<typeof CaseReadQuery>;

export const ReviewBody = Type.Object({
  decision: Type.Union([Type.Literal('approve'), Type.Literal('reject')]),
  reason: Type.Optional(Type.String({ maxLength: 1000 })),
});
export type ReviewBody = Static<typeof ReviewBody>;

export const AppealBody = Type.Object({
  personId: Type.Integer({ minimum: 1 }),
  policyId: Type.String({ pattern: '^[a-z][a-z0-9_]{1,63}$' }),
  reason: Type.String({ minLength: 1, maxLength: 2000 }),
});
export type AppealBody = Static<typeof AppealBody>;

export const ResolveBody = Type.Object({
  outcome: Type.Union([Type.Literal('upheld'), Type.Literal('overturned')], {
    description: 'upheld：维持原判定；overturned：改判为符合',
  }),
  action: Type.Union([Type.Literal('none'), Type.Literal('data_corrected'), Type.Literal('rule_changed')]),
  note: Type.String({ minLength: 1, maxLength: 2000 }),
  correction: Type.Optional(
    Type.Object({
      field: Type.Literal('disability_grade'),
      value: Type.Integer({ minimum: 1, maximum: 4 }),
    }),
  ),
});
export type ResolveBody = Static<typeof ResolveBody>;

export const AppealOut = Type.Object({
  id: Type.Integer(),
  caseId: Type.Integer(),
  personId: Type.Integer(),
  name: Type.String(),
  policyId: Type.String(),
  reason: Type.String(),
  state: Type.String(),
  outcome: Nullable(Type.String()),
  action: Nullable(Type.String()),
  resolutionNote: Nullable(Type.String()),
  filedBy: Type.String(),
  createdAt: Type.String(),
  caseStatus: Type.String(),
  caseReviewState: Type.String(),
});
export const AppealPageOut = pageOf(AppealOut);
export const AppealQuery = Type.Intersect([
  PageQuery,
  Type.Object({ state: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('resolved')])) }),
]);
export type AppealQuery = Static<typeof AppealQuery>;

export const DemandQuery = Type.Object({
  by: Type.Union(
    [Type.Literal('grid'), Type.Literal('community'), Type.Literal('street'), Type.Literal('age_group')],
    { default: 'community' },
  ),
});
export type DemandQuery = Static<typeof DemandQuery>;

const LabelOut = Type.Object({ zh: Type.String(), en: Type.String() });
export const PublicPoliciesOut = Type.Object({
  version: Type.String(),
  policies: Type.Array(
    Type.Object({
      id: Type.String(),
      name: LabelOut,
      legalBasis: Type.String(),
      benefit: Type.String(),
      conditions: Type.Unknown({ description: '条件树（all / any / not / 比较），每条可带中文说明 label' }),
      exclusions: Type.Array(Type.Object({ id: Type.String(), label: LabelOut })),
      tiers: Type.Array(Type.Object({ label: LabelOut, amount: Type.Number() })),
    }),
  ),
  fields: Type.Record(Type.String(), LabelOut, { description: '条件中字段的名称' }),
  valueLabels: Type.Record(Type.String(), Type.Record(Type.String(), LabelOut), {
    description: '字段取值的名称：tags（人群标签）、profile_tags（画像标签）、receives（政策）',
  }),
});

export const OwnAppealsOut = Type.Object({
  items: Type.Array(
    Type.Object({
      id: Type.Integer(),
      policyId: Type.String(),
      policyName: Type.String(),
      policyNameEn: Type.String(),
      reason: Type.String(),
      state: Type.String(),
      outcome: Nullable(Type.String()),
      resolutionNote: Nullable(Type.String()),
      createdAt: Type.String(),
      resolvedAt: Nullable(Type.String()),
      caseReviewState: Type.String(),
    }),
  ),
});
