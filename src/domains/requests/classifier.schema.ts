// Route schemas of the classifier in service: suggestions, the stored suggestion of an order, the operators'
// review queue, model versions and training.

import type { TSchema } from '@sinclair/typebox';
import { type Static, Type } from '@sinclair/typebox';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const ClassifyBody = Type.Object(
  {
    // The service answers 400 for blank text and 413 above 2,000 characters with its own message; the schema
    // only stops absurd bodies.
    text: Type.String({ maxLength: 100_000, description: '来电人的原话或诉求内容（不超过 2000 字）' }),
    top: Type.Optional(Type.Integer({ minimum: 1, maximum: 10, default: 3 })),
  },
  { additionalProperties: false },
);
export type ClassifyBody = Static<typeof ClassifyBody>;

const CategoryGuessOut = Type.Object({
  code: Type.String(),
  name: Type.String(),
  path: Type.String(),
  department: Type.String(),
  probability: Type.Number(),
});

export const SuggestionOut = Type.Object({
  modelVersion: Type.Integer(),
  categoryCode: Type.String(),
  confidence: Type.Number(),
  needsReview: Type.Boolean({ description: '置信度低于阈值，须话务员确认' }),
  threshold: Type.Number(),
  department: Type.String({ description: '承办部门' }),
  alternatives: Type.Array(CategoryGuessOut),
  keywords: Type.Array(Type.Object({ text: Type.String(), weight: Type.Number() }), {
    description: '对判断影响最大的词',
  }),
  urgent: Type.Boolean(),
  urgencyReasons: Type.Array(Type.String()),
});

export const OrderClassificationOut = Type.Object({
  orderId: Type.Integer(),
  modelVersion: Type.Integer(),
  suggested: CategoryGuessOut,
  alternatives: Type.Array(CategoryGuessOut),
  needsReview: Type.Boolean(),
  finalCategory: Type.Union([CategoryGuessOut, Type.Null()]),
  corrected: Type.Union([Type.Boolean(), Type.Null()]),
  createdAt: Type.String(),
  finalAt: Nullable(Type.String()),
});

export const ReviewQuery = Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }) });
export const ReviewOut = Type.Object({
  items: Type.Array(
    Type.Object({
      orderId: Type.Integer(),
      number: Type.String(),
      description: Type.String(),
      receivedAt: Type.String(),
      modelVersion: Type.Integer(),
      suggested: CategoryGuessOut,
      alternatives: Type.Array(CategoryGuessOut),
    }),
  ),
});

export const VersionParams = Type.Object({ version: Type.Integer({ minimum: 1 }) });

const ClassScore = Type.Object({
  code: Type.String(),
  name: Type.String(),
  f1: Type.Number(),
  precision: Type.Number(),
  recall: Type.Number(),
  support: Type.Integer(),
});
const Confusion = Type.Object({
  actual: Type.String(),
  actualName: Type.String(),
  predicted: Type.String(),
  predictedName: Type.String(),
  count: Type.Integer(),
});

export const ModelOut = Type.Object({
  version: Type.Integer(),
  status: Type.String({ description: 'training | ready | failed' }),
  active: Type.Boolean(),
  startedAt: Type.String(),
  trainedAt: Nullable(Type.String()),
  activatedAt: Nullable(Type.String()),
  examples: Nullable(Type.Integer()),
  heldOut: Nullable(Type.Integer()),
  accuracy: Nullable(Type.Number()),
  macroF1: Nullable(Type.Number()),
  weakest: Type.Array(ClassScore),
  confusions: Type.Array(Confusion),
  agreement: Type.Object({
    suggested: Type.Integer(),
    confirmed: Type.Integer(),
    agreed: Type.Integer(),
    flagged: Type.Integer(),
    rate: Nullable(Type.Number()),
  }),
  settings: Type.Record(Type.String(), Type.Unknown()),
  error: Nullable(Type.String()),
});

export const ModelListOut = Type.Object({
  items: Type.Array(ModelOut),
  training: Type.Union([
    Type.Object({
      version: Type.Integer(),
      status: Type.String(),
      fraction: Type.Number(),
      message: Type.String(),
      startedAt: Type.String(),
      error: Nullable(Type.String()),
    }),
    Type.Null(),
  ]),
});

export const TrainBody = Type.Object(
  {
    maxExamples: Type.Optional(Type.Integer({ minimum: 100, maximum: 50_000 })),
    maxEpochs: Type.Optional(Type.Integer({ minimum: 1, maximum: 20 })),
    complementNb: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type TrainBody = Static<typeof TrainBody>;

export const TrainOut = Type.Object({ version: Type.Integer() });
