// What the evaluation routes (evaluation.routes.ts) take and answer: one TypeBox schema each, for validation,
// the OpenAPI document, and the types the console imports (web/src/pages/orders/types.ts), so a change of shape
// here fails the console's typecheck instead of its users.
import { type Static, Type } from '@sinclair/typebox';
import { DIMENSIONS } from './evaluation.repository.ts';

const Day = Type.String({ format: 'date' });
// Without these the district's stored weights apply (GET /api/requests/evaluation/weights); with them (all three)
// the figures are scored with other weights for a comparison, nothing is stored.
const WeightParams = {
  wResponse: Type.Optional(Type.Number({ minimum: 0, maximum: 100, description: '响应率权重（试算）' })),
  wResolution: Type.Optional(Type.Number({ minimum: 0, maximum: 100, description: '解决率权重（试算）' })),
  wSatisfaction: Type.Optional(Type.Number({ minimum: 0, maximum: 100, description: '满意率权重（试算）' })),
};
export const RatesQuery = Type.Object({
  dimension: Type.Union(
    DIMENSIONS.map((d) => Type.Literal(d)),
    { default: 'unit' },
  ),
  from: Day,
  to: Day,
  categoryCode: Type.Optional(Type.String({ maxLength: 40 })),
  ...WeightParams,
});
export type RatesQuery = Static<typeof RatesQuery>;
export const TrendQuery = Type.Object({
  interval: Type.Union([Type.Literal('day'), Type.Literal('month')], { default: 'month' }),
  from: Day,
  to: Day,
  dimension: Type.Optional(Type.Union(DIMENSIONS.map((d) => Type.Literal(d)))),
  key: Type.Optional(Type.String({ maxLength: 40 })),
  categoryCode: Type.Optional(Type.String({ maxLength: 40 })),
  ...WeightParams,
});
export type TrendQuery = Static<typeof TrendQuery>;
export const PeriodQuery = Type.Object({
  from: Day,
  to: Day,
  perMonth: Type.Integer({ minimum: 1, maximum: 20, default: 3 }),
  minCount: Type.Integer({ minimum: 1, maximum: 10000, default: 3 }),
});
export type PeriodQuery = Static<typeof PeriodQuery>;

const Percent = Type.Integer({ minimum: 0, maximum: 100 });
export const WeightsBody = Type.Object(
  {
    response: { ...Percent, description: '响应率权重（%）' },
    resolution: { ...Percent, description: '解决率权重（%）' },
    satisfaction: { ...Percent, description: '满意率权重（%）' },
  },
  { additionalProperties: false },
);
export type WeightsBody = Static<typeof WeightsBody>;
/** The weights a figure was scored with: the district's stored ones, or the query's for a comparison. */
export const AppliedWeightsOut = Type.Object({
  response: Type.Number(),
  resolution: Type.Number(),
  satisfaction: Type.Number(),
  source: Type.Union([Type.Literal('district'), Type.Literal('query')]),
});
export const DistrictWeightsOut = Type.Object({
  districtCode: Type.String(),
  districtName: Type.String(),
  response: Type.Integer(),
  resolution: Type.Integer(),
  satisfaction: Type.Integer(),
  isDefault: Type.Boolean({ description: '本区未设置，使用默认 10/45/45' }),
  updatedAt: Type.Union([Type.String(), Type.Null()]),
  updatedBy: Type.Union([Type.String(), Type.Null()]),
  canEdit: Type.Boolean({ description: '当前账号可否修改' }),
});

const Rate = Type.Union([Type.Number(), Type.Null()]);
export const RateRowOut = Type.Object({
  key: Type.String(),
  name: Type.String(),
  received: Type.Integer(),
  dispatched: Type.Integer(),
  respondedOnTime: Type.Integer(),
  resolved: Type.Integer(),
  resolvedOnTime: Type.Integer(),
  visited: Type.Integer(),
  solved: Type.Integer(),
  satisfied: Type.Integer(),
  responseRate: Rate,
  resolutionRate: Rate,
  satisfactionRate: Rate,
  score: Rate,
  rank: Type.Integer(),
  drillDown: Type.String({ description: '该项工单列表的地址' }),
});

export const RatesOut = Type.Object({ items: Type.Array(RateRowOut), weights: AppliedWeightsOut });
export type RatesOut = Static<typeof RatesOut>;
export type RateRowOut = Static<typeof RateRowOut>;
export type AppliedWeightsOut = Static<typeof AppliedWeightsOut>;
export type DistrictWeightsOut = Static<typeof DistrictWeightsOut>;

export const TopProblemOut = Type.Object({
  month: Type.String(),
  categoryCode: Type.String(),
  categoryName: Type.String(),
  count: Type.Integer(),
  topCommunityCode: Type.String(),
  topCommunityName: Type.String(),
  topCommunityCount: Type.Integer(),
});
export type TopProblemOut = Static<typeof TopProblemOut>;
