// Route schemas of the work-order loop: validation, types and the OpenAPI document from one definition.
import { type Static, Type } from '@sinclair/typebox';
import { PageQuery, pageOf } from '../../platform/http/pagination.ts';
import { ORDER_STATUSES } from './workflow.ts';

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

// Bounds far above the real limits: the service answers 413 for long text with its own message, the schema only
// stops absurd bodies before they reach it.
const Description = Type.String({
  minLength: 1,
  maxLength: 100_000,
  description: '诉求内容（不超过 2000 字）',
});

export const PhotoIn = Type.Object(
  {
    fileName: Type.String({ minLength: 1, maxLength: 200 }),
    contentType: Type.String({
      minLength: 1,
      maxLength: 100,
      description: 'image/jpeg | image/png | image/webp',
    }),
    dataBase64: Type.String({ minLength: 1, description: '图片内容（Base64，每张不超过 2 MB）' }),
  },
  { additionalProperties: false },
);

const PlaceFields = {
  address: Type.Optional(Type.String({ maxLength: 300 })),
  lat: Type.Optional(Type.Number({ minimum: -90, maximum: 90 })),
  lng: Type.Optional(Type.Number({ minimum: -180, maximum: 180 })),
};

export const PortalSubmitBody = Type.Object(
  {
    description: Description,
    categoryCode: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
    ...PlaceFields,
    anonymous: Type.Optional(Type.Boolean({ default: false })),
    name: Type.Optional(Type.String({ maxLength: 50 })),
    phone: Type.Optional(Type.String({ maxLength: 30 })),
    photos: Type.Optional(Type.Array(PhotoIn, { maxItems: 10 })),
  },
  { additionalProperties: false },
);
export type PortalSubmitBody = Static<typeof PortalSubmitBody>;

export const HotlineSubmitBody = Type.Object(
  {
    description: Description,
    categoryCode: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
    ...PlaceFields,
    callerName: Type.Optional(Type.String({ maxLength: 50 })),
    callerPhone: Type.Optional(Type.String({ maxLength: 30 })),
    personId: Type.Optional(Type.Integer({ minimum: 1 })),
    anonymous: Type.Optional(Type.Boolean({ default: false })),
  },
  { additionalProperties: false },
);
export type HotlineSubmitBody = Static<typeof HotlineSubmitBody>;

export const PatrolSubmitBody = Type.Object(
  {
    description: Description,
    eventCode: Type.String({
      minLength: 4,
      maxLength: 8,
      description: '城市管理事件/部件类别代码（大类+小类）',
    }),
    categoryCode: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
    address: Type.Optional(Type.String({ maxLength: 300 })),
    lat: Type.Number({ minimum: -90, maximum: 90 }),
    lng: Type.Number({ minimum: -180, maximum: 180 }),
    photos: Type.Optional(Type.Array(PhotoIn, { maxItems: 10 })),
  },
  { additionalProperties: false },
);
export type PatrolSubmitBody = Static<typeof PatrolSubmitBody>;

export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({ minLength: 8, maxLength: 128, pattern: '^[A-Za-z0-9_.:-]+$' }),
  ),
});

export const PublicStep = Type.Object({
  action: Type.String(),
  label: Type.String(),
  labelEn: Type.String(),
  status: Type.String(),
  unit: Nullable(Type.String()),
  at: Type.String(),
});

export const PublicOrderOut = Type.Object({
  number: Type.String(),
  status: Type.String(),
  statusLabel: Type.String(),
  statusLabelEn: Type.String(),
  open311Status: Type.String(),
  categoryName: Nullable(Type.String()),
  responsibleUnit: Nullable(Type.String()),
  receivedAt: Type.String(),
  resolveDue: Nullable(Type.String()),
  resolvedAt: Nullable(Type.String()),
  closedAt: Nullable(Type.String()),
  satisfaction: Type.Union([Type.Integer(), Type.Null()]),
  handler: Nullable(Type.String({ description: '承办人（主办单位签收、办理的工作人员，姓名脱敏）' })),
  steps: Type.Array(PublicStep),
});

export const SubmitOut = Type.Object({
  order: PublicOrderOut,
  merged: Type.Boolean({ description: '是否并入了同一事件的已有工单' }),
  accessCode: Nullable(
    Type.String({ description: '查询码：凭编号和查询码评价或申请重办（仅在首次提交时返回）' }),
  ),
});

const NullableTime = Nullable(Type.String());
export const OrderSummaryOut = Type.Object({
  id: Type.Integer(),
  number: Type.String(),
  channel: Type.String(),
  status: Type.String(),
  statusLabel: Type.String(),
  categoryCode: Nullable(Type.String()),
  categoryName: Nullable(Type.String()),
  description: Type.String(),
  address: Nullable(Type.String()),
  lng: Type.Union([Type.Number(), Type.Null()]),
  lat: Type.Union([Type.Number(), Type.Null()]),
  gridId: Type.Union([Type.Integer(), Type.Null()]),
  leadUnitCode: Nullable(Type.String()),
  leadUnitName: Nullable(Type.String()),
  coUnits: Type.Array(Type.Object({ code: Type.String(), name: Type.String() })),
  receivedAt: Type.String(),
  dispatchedAt: NullableTime,
  acceptedAt: NullableTime,
  resolvedAt: NullableTime,
  closedAt: NullableTime,
  responseDue: NullableTime,
  resolveDue: NullableTime,
  supervised: Type.Boolean(),
  escalationLevel: Type.Integer(),
  reopenCount: Type.Integer(),
  returnCount: Type.Integer(),
  requesterCount: Type.Integer(),
  solved: Type.Union([Type.Boolean(), Type.Null()]),
  satisfaction: Type.Union([Type.Integer(), Type.Null()]),
  mergedInto: Type.Union([Type.Integer(), Type.Null()]),
});

export const OrderDetailOut = Type.Intersect([
  OrderSummaryOut,
  Type.Object({
    eventCode: Nullable(Type.String()),
    resolutionNote: Nullable(Type.String()),
    ratingReason: Nullable(Type.String()),
    requesters: Type.Array(
      Type.Object({
        id: Type.Integer(),
        anonymous: Type.Boolean(),
        name: Nullable(Type.String()),
        phone: Nullable(Type.String()),
        channel: Type.String(),
        joinedAt: Type.String(),
      }),
    ),
    events: Type.Array(
      Type.Object({
        id: Type.Integer(),
        action: Type.String(),
        actionLabel: Type.String(),
        fromStatus: Nullable(Type.String()),
        toStatus: Type.String(),
        actor: Type.String(),
        unitCode: Nullable(Type.String()),
        unitName: Nullable(Type.String()),
        at: Type.String(),
        note: Nullable(Type.String()),
        public: Type.Boolean(),
      }),
    ),
    attachments: Type.Array(
      Type.Object({
        id: Type.Integer(),
        fileName: Type.String(),
        contentType: Type.String(),
        byteSize: Type.Integer(),
        createdAt: Type.String(),
      }),
    ),
    availableActions: Type.Array(Type.String()),
  }),
]);

export const OrderPageOut = pageOf(OrderSummaryOut);

export const OrderListQuery = Type.Intersect([
  PageQuery,
  Type.Object({
    status: Type.Optional(Type.Union(ORDER_STATUSES.map((s) => Type.Literal(s)))),
    categoryCode: Type.Optional(Type.String({ maxLength: 40 })),
    unitCode: Type.Optional(Type.String({ maxLength: 40 })),
    streetCode: Type.Optional(Type.String({ pattern: '^[0-9]{9}$' })),
    communityCode: Type.Optional(Type.String({ pattern: '^[0-9]{12}$' })),
    gridId: Type.Optional(Type.Integer({ minimum: 0 })),
    supervised: Type.Optional(Type.Boolean()),
    overdue: Type.Optional(Type.Boolean({ description: '超期：未办结且已过办结时限，或办结晚于时限' })),
    q: Type.Optional(
      Type.String({ minLength: 1, maxLength: 100, description: '检索：工单编号（前几位）、诉求内容或地址' }),
    ),
    from: Type.Optional(Type.String({ format: 'date' })),
    to: Type.Optional(Type.String({ format: 'date' })),
  }),
]);
export type OrderListQuery = Static<typeof OrderListQuery>;

export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
export const NumberParams = Type.Object({ number: Type.String({ pattern: '^[0-9]{8,20}$' }) });

const Reason = Type.String({ minLength: 1, maxLength: 1000 });
const UnitCode = Type.String({ minLength: 2, maxLength: 40 });
export const ACTION_BODIES = {
  classify: Type.Object(
    { categoryCode: Type.String({ minLength: 1, maxLength: 40 }) },
    { additionalProperties: false },
  ),
  dispatch: Type.Object(
    { unitCode: UnitCode, coUnitCodes: Type.Optional(Type.Array(UnitCode, { maxItems: 10 })) },
    { additionalProperties: false },
  ),
  accept: Type.Object({}, { additionalProperties: false }),
  start: Type.Object({}, { additionalProperties: false }),
  resolve: Type.Object({ note: Reason }, { additionalProperties: false }),
  return: Type.Object({ reason: Reason }, { additionalProperties: false }),
  reassign: Type.Object(
    {
      unitCode: UnitCode,
      coUnitCodes: Type.Optional(Type.Array(UnitCode, { maxItems: 10 })),
      reason: Reason,
    },
    { additionalProperties: false },
  ),
  callback: Type.Object(
    {
      solved: Type.Boolean(),
      satisfaction: Type.Integer({ minimum: 1, maximum: 5 }),
      reason: Type.Optional(Type.String({ maxLength: 1000 })),
    },
    { additionalProperties: false },
  ),
  close: Type.Object(
    { note: Type.Optional(Type.String({ maxLength: 1000 })) },
    { additionalProperties: false },
  ),
  reopen: Type.Object({ reason: Reason }, { additionalProperties: false }),
  merge: Type.Object({ intoOrderId: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }),
  escalate: Type.Object({ note: Reason }, { additionalProperties: false }),
  supervise: Type.Object({ note: Reason }, { additionalProperties: false }),
  note: Type.Object({ note: Reason }, { additionalProperties: false }),
} as const;

export const PublicRatingBody = Type.Object(
  {
    accessCode: Type.String({ pattern: '^[0-9]{6}$' }),
    solved: Type.Boolean(),
    satisfaction: Type.Integer({ minimum: 1, maximum: 5 }),
    reason: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);
export const PublicReopenBody = Type.Object(
  { accessCode: Type.String({ pattern: '^[0-9]{6}$' }), reason: Reason },
  { additionalProperties: false },
);

export const SimilarQuery = Type.Object({
  text: Type.String({ minLength: 2, maxLength: 2000 }),
  lat: Type.Optional(Type.Number({ minimum: -90, maximum: 90 })),
  lng: Type.Optional(Type.Number({ minimum: -180, maximum: 180 })),
  address: Type.Optional(Type.String({ maxLength: 300 })),
  limit: Type.Integer({ minimum: 1, maximum: 20, default: 5 }),
});
export type SimilarQuery = Static<typeof SimilarQuery>;

export const SimilarOut = Type.Object({
  items: Type.Array(
    Type.Object({
      id: Type.Integer(),
      number: Type.String(),
      status: Type.String(),
      statusLabel: Type.String(),
      description: Type.String(),
      address: Nullable(Type.String()),
      receivedAt: Type.String(),
      score: Type.Number(),
      textSimilarity: Type.Number(),
      distanceMetres: Type.Union([Type.Number(), Type.Null()]),
      sameIncident: Type.Boolean(),
    }),
  ),
});

export const CallerQuery = Type.Object({ phone: Type.String({ minLength: 7, maxLength: 30 }) });
export const CallerOut = Type.Object({
  residents: Type.Array(
    Type.Object({
      personId: Type.Integer(),
      name: Type.String(),
      phone: Nullable(Type.String()),
      address: Nullable(Type.String()),
      gridName: Nullable(Type.String()),
    }),
  ),
  previousOrders: Type.Array(
    Type.Object({
      id: Type.Integer(),
      number: Type.String(),
      status: Type.String(),
      receivedAt: Type.String(),
      description: Type.String(),
    }),
  ),
});
