// One TypeBox schema per route: validation, TypeScript types and the OpenAPI document.
import { type Static, Type } from '@sinclair/typebox';

export const EntityTypeSchema = Type.Union(
  [Type.Literal('person'), Type.Literal('house'), Type.Literal('household'), Type.Literal('organization')],
  { description: '识别对象：居民、房屋、户、组织' },
);
export const ResolvedEntityTypeSchema = Type.Union([
  Type.Literal('house'),
  Type.Literal('household'),
  Type.Literal('organization'),
]);

export const RunBody = Type.Object(
  {
    entityType: Type.Optional(EntityTypeSchema),
    apply: Type.Optional(Type.Boolean({ description: '链接后把黄金记录写入居民表（默认是）' })),
    settings: Type.Optional(
      Type.Object({}, { additionalProperties: true, description: '覆盖默认匹配参数（见 docs/linkage.md）' }),
    ),
  },
  { additionalProperties: false },
);
export type RunBody = Static<typeof RunBody>;

export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
export type IdParams = Static<typeof IdParams>;

export const PageQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 20 }),
  offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }),
});
export type PageQuery = Static<typeof PageQuery>;

export const PairQuery = Type.Intersect([
  PageQuery,
  Type.Object({
    decision: Type.Optional(
      Type.Union([
        Type.Literal('match'),
        Type.Literal('review'),
        Type.Literal('confirmed'),
        Type.Literal('split'),
      ]),
    ),
  }),
]);
export type PairQuery = Static<typeof PairQuery>;

export const ReviewQuery = Type.Intersect([
  PageQuery,
  Type.Object({
    status: Type.Union(
      [
        Type.Literal('open'),
        Type.Literal('confirmed'),
        Type.Literal('split'),
        Type.Literal('dismissed'),
        Type.Literal('obsolete'),
      ],
      { default: 'open' },
    ),
    entityType: Type.Optional(EntityTypeSchema),
  }),
]);
export type ReviewQuery = Static<typeof ReviewQuery>;

export const DecisionBody = Type.Object(
  {
    /**
     * confirm / split a pair (confirm merges a conflict); dismiss a single-record item (an unplaced record kept
     * as a source record only, a household confirmed to have no head in the platform); choose a household's
     * head (`personId`).
     */
    decision: Type.Union([
      Type.Literal('confirm'),
      Type.Literal('split'),
      Type.Literal('dismiss'),
      Type.Literal('choose'),
    ]),
    reason: Type.String({ minLength: 2, maxLength: 500, description: '核对依据' }),
    personId: Type.Optional(Type.Integer({ minimum: 1, description: '选定的户主（decision: choose）' })),
  },
  { additionalProperties: false },
);
export type DecisionBody = Static<typeof DecisionBody>;

export const UndoBody = Type.Object(
  { reason: Type.String({ minLength: 2, maxLength: 500, description: '撤销原因' }) },
  { additionalProperties: false },
);
export type UndoBody = Static<typeof UndoBody>;

export const RuleParams = Type.Object({ field: Type.String({ maxLength: 32 }) });
export type RuleParams = Static<typeof RuleParams>;

const RuleKind = Type.Union([
  Type.Literal('source_priority'),
  Type.Literal('most_recent'),
  Type.Literal('most_frequent'),
]);

export const RuleBody = Type.Object(
  {
    rule: RuleKind,
    sourcePriority: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 50 }),
  },
  { additionalProperties: false },
);
export type RuleBody = Static<typeof RuleBody>;

export const RuleOut = Type.Object({
  field: Type.String(),
  rule: RuleKind,
  sourcePriority: Type.Array(Type.String()),
});

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const NStr = Nullable(Type.String());
const NInt = Type.Union([Type.Integer(), Type.Null()]);

export const RunOut = Type.Object({
  id: Type.Integer(),
  entityType: Type.String(),
  status: Type.String(),
  stage: Type.String(),
  scopePath: Type.String(),
  records: Type.Integer(),
  pairsTotal: Type.Integer(),
  pairsCompared: Type.Integer(),
  matches: Type.Integer(),
  reviews: Type.Integer(),
  decisions: Type.Integer(),
  clusters: Type.Integer(),
  personsCreated: Type.Integer(),
  personsUpdated: Type.Integer(),
  conflicts: Type.Integer(),
  unplaced: Type.Integer(),
  applyGolden: Type.Boolean(),
  model: Type.Object({}, { additionalProperties: true }),
  error: Type.Union([Type.Object({ code: Type.String(), message: Type.String() }), Type.Null()]),
  startedBy: Type.String(),
  startedAt: Type.String(),
  finishedAt: NStr,
});

const Evidence = Type.Array(
  Type.Object({ comparison: Type.String(), level: Type.String(), weight: Type.Number() }),
);

export const PairOut = Type.Object({
  leftRef: Type.String(),
  rightRef: Type.String(),
  matchProbability: Type.Number(),
  matchWeight: Type.Number(),
  decision: Type.String(),
  evidence: Evidence,
});

const RecordView = Type.Object({
  ref: Type.String(),
  kind: Type.String(),
  source: Type.String(),
  sourceLabel: Type.String(),
  sourceKey: NStr,
  sourceRow: NInt,
  importRunId: NInt,
  personId: NInt,
  name: NStr,
  sex: NStr,
  birthDate: NStr,
  idNumber: NStr,
  phone: NStr,
  address: NStr,
  recordDate: NStr,
});

export const ReviewOut = Type.Object({
  id: Type.Integer(),
  /**
   * pair: an uncertain pair; conflict: two platform rows of one entity; unplaced: register records not placed;
   * household_head: a household an identity run created whose head could not be linked.
   */
  kind: Type.Union([
    Type.Literal('pair'),
    Type.Literal('conflict'),
    Type.Literal('unplaced'),
    Type.Literal('household_head'),
  ]),
  /** Why a conflict, unplaced or household_head item is in the queue. */
  problem: NStr,
  /** The item is about one record (`left`); there is no second side (`right` is null). */
  single: Type.Boolean(),
  /**
   * What a single-record item offers: the platform buildings (`b:`) or houses (`h:`) an unplaced record's
   * address comes near, the persons (`p:`, names masked) who could head a household, with why each is listed.
   */
  candidates: Type.Array(Type.Object({ ref: Type.String(), label: Type.String(), why: Type.String() })),
  /** The head a reviewer chose (household_head). */
  chosenPersonId: NInt,
  /** The merge a confirmed conflict made (undo it like any merge). */
  mergeId: Type.Optional(Type.Integer()),
  status: Type.String(),
  runId: Type.Integer(),
  matchProbability: Type.Number(),
  matchWeight: Type.Number(),
  evidence: Evidence,
  reason: NStr,
  decidedBy: NStr,
  decidedAt: NStr,
  left: Type.Union([RecordView, Type.Null()]),
  right: Type.Union([RecordView, Type.Null()]),
});

export const ReviewPageOut = Type.Object({ total: Type.Integer(), items: Type.Array(ReviewOut) });

export const GoldenOut = Type.Object({
  personId: Type.Integer(),
  name: NStr,
  fields: Type.Array(
    Type.Object({
      field: Type.String(),
      value: NStr,
      source: Type.String(),
      sourcePersonId: NInt,
      sourceRow: NInt,
      importRunId: NInt,
      rule: Type.String(),
      observedAt: NStr,
      mergeId: Type.Integer(),
    }),
  ),
  sources: Type.Array(RecordView),
  merges: Type.Array(
    Type.Object({
      id: Type.Integer(),
      runId: Type.Integer(),
      createdPerson: Type.Boolean(),
      members: Type.Array(Type.String()),
      changedFields: Type.Array(Type.String()),
      status: Type.String(),
      appliedAt: Type.String(),
      undoneAt: NStr,
      undoneBy: NStr,
      undoReason: NStr,
      undoable: Type.Boolean(),
    }),
  ),
});

export const UndoOut = Type.Object({
  mergeId: Type.Integer(),
  personId: Type.Integer(),
  status: Type.String(),
  personRemoved: Type.Boolean(),
});

export const PrefillOut = Type.Object({
  personId: Type.Integer(),
  masked: Type.Boolean(),
  fields: Type.Array(
    Type.Object({
      field: Type.String(),
      value: NStr,
      source: Type.String(),
      sourceLabel: Type.String(),
      date: NStr,
      rule: NStr,
    }),
  ),
});

export const EntityParams = Type.Object({ type: ResolvedEntityTypeSchema, id: Type.Integer({ minimum: 1 }) });
export type EntityParams = Static<typeof EntityParams>;

export const EntityTypeParams = Type.Object({ type: ResolvedEntityTypeSchema });
export type EntityTypeParams = Static<typeof EntityTypeParams>;

export const EntityRuleParams = Type.Object({
  type: ResolvedEntityTypeSchema,
  field: Type.String({ maxLength: 32 }),
});
export type EntityRuleParams = Static<typeof EntityRuleParams>;

const EntityMerge = Type.Object({
  id: Type.Integer(),
  runId: Type.Integer(),
  members: Type.Array(Type.String()),
  changedFields: Type.Array(Type.String()),
  status: Type.String(),
  appliedAt: Type.String(),
  undoneAt: NStr,
  undoneBy: NStr,
  undoReason: NStr,
  undoable: Type.Boolean(),
});

export const EntityGoldenOut = Type.Object({
  entityType: Type.String(),
  entityId: Type.Integer(),
  current: Type.Array(Type.Object({ field: Type.String(), value: NStr })),
  fields: Type.Array(
    Type.Object({
      field: Type.String(),
      value: NStr,
      source: Type.String(),
      sourceEntityId: NInt,
      sourceRow: NInt,
      rule: Type.String(),
      observedAt: NStr,
      mergeId: Type.Integer(),
    }),
  ),
  merges: Type.Array(EntityMerge),
});

export const EntityUndoOut = Type.Object({
  mergeId: Type.Integer(),
  entityType: Type.String(),
  entityId: Type.Integer(),
  status: Type.String(),
});
