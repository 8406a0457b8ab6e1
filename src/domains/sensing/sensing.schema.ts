// One TypeBox schema per sensing and alert route: validation, types and /openapi.json; output schemas also strip
// anything a presenter did not put there on purpose.
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { PageQuery, pageOf } from '../../platform/http/pagination.ts';
import { DEVICE_KINDS, DEVICE_STATES } from './device-kinds.ts';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const KindSchema = Type.Union(DEVICE_KINDS.map((k) => Type.Literal(k)));
const StateSchema = Type.Union(DEVICE_STATES.map((k) => Type.Literal(k)));

export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
export type IdParams = Static<typeof IdParams>;

const DeviceFilters = {
  kind: Type.Optional(KindSchema),
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: '设备编号或名称中的文字' })),
  area: Type.Optional(
    Type.String({
      pattern: '^/[0-9A-Za-z/]*/$',
      maxLength: 200,
      description: '本管辖范围内的街道、社区或网格路径',
    }),
  ),
};

export const DeviceQuery = Type.Intersect([PageQuery, Type.Object(DeviceFilters)]);
export type DeviceQuery = Static<typeof DeviceQuery>;

export const HealthQuery = Type.Intersect([
  PageQuery,
  Type.Object({
    ...DeviceFilters,
    state: Type.Optional({ ...StateSchema, description: '在线、离线（超过上报周期未上报）或从未上报' }),
  }),
]);
export type HealthQuery = Static<typeof HealthQuery>;

export const DeviceCreateBody = Type.Object(
  {
    deviceUid: Type.String({
      pattern: '^[A-Za-z0-9_-]{3,64}$',
      description: '设备编号（出现在 MQTT 主题中）',
    }),
    kind: KindSchema,
    houseId: Type.Optional(Type.Integer({ minimum: 1 })),
    facilityId: Type.Optional(Type.Integer({ minimum: 1 })),
    personId: Type.Optional(Type.Integer({ minimum: 1, description: '随身设备（如跌倒报警器）绑定的居民' })),
    label: Type.Optional(Type.String({ maxLength: 100 })),
  },
  { additionalProperties: false },
);
export type DeviceCreateBody = Static<typeof DeviceCreateBody>;

export const DeviceOut = Type.Object({
  id: Type.Integer(),
  deviceUid: Type.String(),
  kind: KindSchema,
  kindLabel: Type.String(),
  label: Type.String(),
  scopePath: Type.String(),
  houseId: Nullable(Type.Integer()),
  facilityId: Nullable(Type.Integer()),
  personId: Nullable(Type.Integer()),
  /** Where the device is bound to a home, its position is rounded to about 100 m. */
  lng: Type.Number(),
  lat: Type.Number(),
  topic: Type.String(),
  active: Type.Boolean(),
  lastSeenAt: Nullable(Type.String()),
  /** Last message within 3× the kind's reporting interval (decided on the server; never seen: false). */
  online: Type.Boolean(),
  /** Latest reported battery charge (%) within the last 30 days; null for mains-powered or silent devices. */
  battery: Nullable(Type.Number()),
});
export type DeviceOut = Static<typeof DeviceOut>;
export const DevicePageOut = pageOf(DeviceOut);

export const ReadingsQuery = Type.Object({
  from: Type.Optional(Type.String({ format: 'date-time' })),
  to: Type.Optional(Type.String({ format: 'date-time' })),
  limit: Type.Integer({ minimum: 1, maximum: 5000, default: 500 }),
});
export type ReadingsQuery = Static<typeof ReadingsQuery>;

export const ReadingsOut = Type.Object({
  deviceId: Type.Integer(),
  items: Type.Array(
    Type.Object({
      ts: Type.String(),
      msgId: Type.String(),
      values: Type.Record(Type.String(), Type.Union([Type.Number(), Type.Boolean(), Type.String()])),
    }),
  ),
});

const Counts = {
  accepted: Type.Integer(),
  duplicate: Type.Integer(),
  malformed: Type.Integer(),
  unknownDevice: Type.Integer(),
  badUnit: Type.Integer(),
  clockSkew: Type.Integer(),
  replayed: Type.Integer(),
  rateLimited: Type.Integer(),
};

/**
 * Device health: every registered device of the viewer's area (also those that never reported), with its state
 * and its messages accepted and rejected per reason; `states` counts the devices per state under the same
 * filters but the state's own.
 */
export const HealthOut = Type.Object({
  items: Type.Array(
    Type.Composite([
      DeviceOut,
      Type.Object({
        state: StateSchema,
        ...Counts,
        lastProblem: Nullable(Type.String()),
        lastProblemAt: Nullable(Type.String()),
      }),
    ]),
  ),
  total: Type.Integer(),
  page: Type.Integer(),
  pageSize: Type.Integer(),
  states: Type.Object({ online: Type.Integer(), offline: Type.Integer(), never: Type.Integer() }),
  /** Messages naming devices nobody registered (only for a district-level viewer). */
  unknownDevices: Nullable(Type.Array(Type.Object({ deviceUid: Type.String(), messages: Type.Integer() }))),
});
export type HealthOut = Static<typeof HealthOut>;

export const RuleOut = Type.Object({
  code: Type.String(),
  kind: Type.String(),
  params: Type.Record(Type.String(), Type.Unknown()),
  enabled: Type.Boolean(),
  updatedAt: Type.String(),
  updatedBy: Nullable(Type.String()),
});
export const RuleParams = Type.Object({ code: Type.String({ pattern: '^[a-z_]{2,60}$' }) });
export type RuleParams = Static<typeof RuleParams>;
export const RuleUpdateBody = Type.Object(
  {
    params: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type RuleUpdateBody = Static<typeof RuleUpdateBody>;

export const ResponderCreateBody = Type.Object(
  {
    kind: Type.Union([
      Type.Literal('micro_fire_station'),
      Type.Literal('community_police'),
      Type.Literal('grid_worker'),
      Type.Literal('family_contact'),
    ]),
    name: Type.String({ minLength: 1, maxLength: 60 }),
    phone: Type.Optional(Type.String({ pattern: '^1[3-9]\\d{9}$' })),
    scopePath: Type.String({ pattern: '^/[0-9A-Za-z/]+/$', maxLength: 200 }),
    forPersonId: Type.Optional(Type.Integer({ minimum: 1 })),
    lng: Type.Number({ minimum: -180, maximum: 180 }),
    lat: Type.Number({ minimum: -90, maximum: 90 }),
  },
  { additionalProperties: false },
);
export type ResponderCreateBody = Static<typeof ResponderCreateBody>;

export const AlertQuery = Type.Intersect([
  PageQuery,
  Type.Object({
    status: Type.Optional(
      Type.Union([Type.Literal('open'), Type.Literal('acknowledged'), Type.Literal('closed')]),
    ),
    severity: Type.Optional(
      Type.Union([Type.Literal('emergency'), Type.Literal('warning'), Type.Literal('info')]),
    ),
    ruleCode: Type.Optional(Type.String({ pattern: '^[a-z_]{2,60}$', description: '告警类别（规则代码）' })),
  }),
]);
export type AlertQuery = Static<typeof AlertQuery>;

export const DispatchOut = Type.Object({
  rank: Type.Integer(),
  responderId: Type.Integer(),
  responderKind: Type.String(),
  responderName: Type.String(),
  responderPhone: Nullable(Type.String()),
  travelM: Type.Integer(),
  status: Type.String(),
  notifiedAt: Nullable(Type.String()),
  ackDueAt: Nullable(Type.String()),
  acknowledgedAt: Nullable(Type.String()),
});

export const AlertOut = Type.Object({
  id: Type.Integer(),
  ruleCode: Type.String(),
  severity: Type.String(),
  status: Type.String(),
  deviceId: Type.Integer(),
  deviceUid: Type.String(),
  deviceKind: Type.String(),
  scopePath: Type.String(),
  lng: Type.Number(),
  lat: Type.Number(),
  raisedAt: Type.String(),
  observedAt: Type.String(),
  details: Type.Record(Type.String(), Type.Unknown()),
  feedback: Nullable(Type.String()),
  workOrderRef: Nullable(Type.String()),
  dispatch: Type.Array(DispatchOut),
});
export type AlertOut = Static<typeof AlertOut>;
export const AlertPageOut = pageOf(AlertOut);

export const FeedbackBody = Type.Object(
  {
    feedback: Type.Union([Type.Literal('real'), Type.Literal('false_alarm')]),
    note: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export type FeedbackBody = Static<typeof FeedbackBody>;
