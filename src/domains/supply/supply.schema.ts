// TypeBox schemas of the supply routes (providers, procurement, matching, deliveries).
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { PageQuery, pageOf } from '../../platform/http/pagination.ts';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Category = Type.String({
  minLength: 1,
  maxLength: 40,
  description: '服务类别，如 home_care（居家养老）',
});
const AreaPath = Type.String({
  pattern: '^/([0-9A-Za-z]+/)+$',
  description: '服务区域路径（须在本人管辖范围内），默认本人范围',
});
const Lng = Type.Number({ minimum: -180, maximum: 180 });
const Lat = Type.Number({ minimum: -90, maximum: 90 });
const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'yyyy-mm-dd' });

export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

export const ProviderBody = Type.Object({
  name: Type.String({ minLength: 2, maxLength: 100 }),
  kind: Type.Union([
    Type.Literal('company'),
    Type.Literal('social_org'),
    Type.Literal('volunteer_team'),
    Type.Literal('public_institution'),
  ]),
  categories: Type.Array(Category, { minItems: 1, maxItems: 20 }),
  capacityPerMonth: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
  pricePerHour: Type.Optional(Type.Number({ minimum: 0, maximum: 100_000 })),
  rating: Type.Optional(Type.Number({ minimum: 0, maximum: 5 })),
  lng: Type.Optional(Lng),
  lat: Type.Optional(Lat),
  serviceRadiusM: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
  contactPhone: Type.Optional(Type.String({ pattern: '^[0-9+\\- ]{5,20}$' })),
  areaPath: Type.Optional(AreaPath),
});
export type ProviderBody = Static<typeof ProviderBody>;

export const QualificationBody = Type.Object({
  kind: Type.String({ minLength: 1, maxLength: 100, description: '资质名称，如 养老机构设立许可' }),
  number: Type.String({ minLength: 1, maxLength: 100 }),
  issuedBy: Type.Optional(Type.String({ maxLength: 100 })),
  categories: Type.Optional(
    Type.Array(Category, { maxItems: 20, description: '适用的服务类别；空表示全部' }),
  ),
  validFrom: Day,
  validUntil: Day,
});
export type QualificationBody = Static<typeof QualificationBody>;

export const ProviderOut = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  kind: Type.String(),
  status: Type.String(),
  serviceCategories: Type.Array(Type.String()),
  areaPath: Type.String(),
  capacityPerMonth: Nullable(Type.Integer()),
  pricePerHour: Nullable(Type.Number()),
  rating: Nullable(Type.Number()),
  lng: Nullable(Type.Number()),
  lat: Nullable(Type.Number()),
  serviceRadiusM: Nullable(Type.Integer()),
  contactPhone: Nullable(Type.String()),
});

const QualificationOut = Type.Object({
  id: Type.Integer(),
  kind: Type.String(),
  number: Type.String(),
  issuedBy: Nullable(Type.String()),
  categories: Type.Array(Type.String()),
  validFrom: Type.String(),
  validUntil: Type.String(),
  valid: Type.Boolean(),
  daysLeft: Type.Integer({ description: '距到期天数（今天按中国时间；已过期为负）' }),
  expiringSoon: Type.Boolean({ description: '有效且 60 天内到期' }),
});

export const ProviderDetailOut = Type.Intersect([
  ProviderOut,
  Type.Object({
    qualifications: Type.Array(QualificationOut),
    history: Type.Object({
      deliveries: Type.Integer(),
      confirmed: Type.Integer(),
      averageResidentRating: Nullable(Type.Number()),
      last30Days: Type.Integer(),
    }),
  }),
]);

export const ProviderPageOut = pageOf(ProviderDetailOut);

export const ProviderQuery = Type.Intersect([
  Type.Partial(PageQuery),
  Type.Object({
    category: Type.Optional(Category),
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 50, description: '按名称或电话搜索' })),
  }),
]);
export type ProviderQuery = Static<typeof ProviderQuery>;

export const ProjectBody = Type.Object({
  title: Type.String({ minLength: 2, maxLength: 200 }),
  category: Category,
  description: Type.Optional(Type.String({ maxLength: 4000 })),
  budget: Type.Number({ minimum: 0, maximum: 1e11 }),
  requiredCapacity: Type.Integer({ minimum: 0, maximum: 1_000_000 }),
  lng: Lng,
  lat: Lat,
  areaPath: Type.Optional(AreaPath),
  weightSet: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
});
export type ProjectBody = Static<typeof ProjectBody>;

export const ProjectOut = Type.Object({
  id: Type.Integer(),
  title: Type.String(),
  category: Type.String(),
  description: Type.String(),
  budget: Type.Number(),
  requiredCapacity: Type.Integer(),
  lng: Type.Number(),
  lat: Type.Number(),
  areaPath: Type.String(),
  weightSet: Type.String(),
  status: Type.String(),
  awardedProviderId: Nullable(Type.Integer()),
  createdAt: Type.String(),
});

export const ProjectDetailOut = Type.Intersect([
  ProjectOut,
  Type.Object({
    bids: Type.Array(
      Type.Object({
        id: Type.Integer(),
        providerId: Type.Integer(),
        providerName: Type.String(),
        price: Type.Number(),
        capacity: Type.Integer(),
        note: Type.String(),
        createdAt: Type.String(),
      }),
    ),
    choices: Type.Array(
      Type.Object({
        id: Type.Integer(),
        providerId: Type.Integer(),
        providerName: Type.String(),
        topProviderId: Nullable(Type.Integer()),
        override: Type.Boolean(),
        reason: Type.String(),
        chosenAt: Type.String(),
      }),
      { description: '定标记录（最新在前）' },
    ),
  }),
]);

export const BidBody = Type.Object({
  providerId: Type.Integer({ minimum: 1 }),
  price: Type.Number({ minimum: 0, maximum: 1e11 }),
  capacity: Type.Integer({ minimum: 0, maximum: 1_000_000 }),
  note: Type.Optional(Type.String({ maxLength: 2000 })),
});
export type BidBody = Static<typeof BidBody>;

const Explained = Type.Object({ zh: Type.String(), en: Type.String() });
export const RankingOut = Type.Object({
  weights: Type.Record(Type.String(), Type.Number()),
  ranking: Type.Array(
    Type.Object({
      rank: Type.Integer(),
      providerId: Type.Integer(),
      name: Type.String(),
      eligible: Type.Boolean(),
      blockers: Type.Array(Explained),
      score: Type.Number(),
      components: Type.Array(
        Type.Object({
          component: Type.String(),
          weight: Type.Number(),
          score: Type.Number(),
          contribution: Type.Number(),
          value: Type.Union([Type.Number(), Type.String(), Type.Null()]),
          why: Explained,
        }),
      ),
    }),
  ),
});

export const ChooseBody = Type.Object({
  providerId: Type.Integer({ minimum: 1 }),
  reason: Type.Optional(Type.String({ maxLength: 1000, description: '未选排名第一者时必填' })),
});
export type ChooseBody = Static<typeof ChooseBody>;

export const ChoiceOut = Type.Object({
  choiceId: Type.Integer(),
  providerId: Type.Integer(),
  override: Type.Boolean(),
  reason: Type.String(),
  topProviderId: Nullable(Type.Integer()),
});

export const MatchBody = Type.Object({
  category: Category,
  lng: Lng,
  lat: Lat,
  hours: Type.Number({ exclusiveMinimum: 0, maximum: 1000, description: '服务时长（小时），用于计算价格' }),
  weightSet: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
});
export type MatchBody = Static<typeof MatchBody>;

export const MatchChooseBody = Type.Intersect([
  MatchBody,
  ChooseBody,
  Type.Object({ requestRef: Type.String({ minLength: 1, maxLength: 64, description: '诉求编号' }) }),
]);
export type MatchChooseBody = Static<typeof MatchChooseBody>;

export const DeliveryBody = Type.Object({
  providerId: Type.Integer({ minimum: 1 }),
  personId: Type.Integer({ minimum: 1 }),
  workerName: Type.String({ minLength: 1, maxLength: 64 }),
  category: Category,
  description: Type.Optional(Type.String({ maxLength: 2000 })),
  startedAt: Type.String({ format: 'date-time' }),
  minutes: Type.Integer({ minimum: 1, maximum: 1440 }),
  cost: Type.Number({ minimum: 0, maximum: 1_000_000 }),
  sourceKind: Type.Optional(
    Type.Union([
      Type.Literal('request'),
      Type.Literal('policy'),
      Type.Literal('project'),
      Type.Literal('plan'),
    ]),
  ),
  sourceId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
});
export type DeliveryBody = Static<typeof DeliveryBody>;

export const DeliveryQuery = Type.Intersect([
  PageQuery,
  Type.Object({
    providerId: Type.Optional(Type.Integer({ minimum: 1 })),
    personId: Type.Optional(Type.Integer({ minimum: 1 })),
    sourceKind: Type.Optional(
      Type.Union([
        Type.Literal('request'),
        Type.Literal('policy'),
        Type.Literal('project'),
        Type.Literal('plan'),
      ]),
    ),
    sourceId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  }),
]);
export type DeliveryQuery = Static<typeof DeliveryQuery>;

export const DeliveryOut = Type.Object({
  id: Type.Integer(),
  providerId: Type.Integer(),
  providerName: Type.String(),
  workerName: Type.String(),
  personId: Type.Integer(),
  residentName: Type.String({ description: '居民姓名（脱敏；居民本人可见全名）' }),
  category: Type.String(),
  description: Type.String(),
  startedAt: Type.String(),
  minutes: Type.Integer(),
  cost: Type.Number(),
  source: Nullable(Type.Object({ kind: Type.String(), id: Type.String() })),
  confirmedAt: Nullable(Type.String()),
  residentRating: Nullable(Type.Integer()),
});

export const DeliveryPageOut = Type.Object({
  items: Type.Array(DeliveryOut),
  total: Type.Integer(),
  page: Type.Integer(),
  pageSize: Type.Integer(),
  totals: Type.Object({ deliveries: Type.Integer(), minutes: Type.Integer(), cost: Type.Number() }),
});

export const ConfirmBody = Type.Object({ rating: Type.Optional(Type.Integer({ minimum: 1, maximum: 5 })) });

export const CreatedOut = Type.Object({ id: Type.Integer() });

export const AllocationBody = Type.Object({
  budget: Type.Number({ minimum: 0, maximum: 1e12, description: '可分配总量（工时或元）' }),
  bands: Type.Optional(
    Type.Array(
      Type.Object({
        minAge: Type.Integer({ minimum: 0, maximum: 150, description: '年龄段起始年龄（含）' }),
        need: Type.Number({ minimum: 0, maximum: 1e6, description: '每人需求量' }),
        weight: Type.Optional(Type.Number({ minimum: 0, maximum: 1000, description: '优先权重' })),
      }),
      { minItems: 1, maxItems: 10, description: '按年龄段的人均需求，默认 60/70/80 岁 2/4/8 小时' },
    ),
  ),
  groupBy: Type.Optional(
    Type.Union([Type.Literal('street'), Type.Literal('community'), Type.Literal('grid')]),
  ),
  minShare: Type.Optional(Type.Number({ minimum: 0, maximum: 1, description: '每个片区至少满足的需求比例' })),
  capPerResident: Type.Optional(Type.Number({ minimum: 0, maximum: 1e6, description: '每人上限' })),
  integer: Type.Optional(Type.Boolean({ description: '按整数单位分配（MIP）' })),
  curve: Type.Optional(Type.Integer({ minimum: 2, maximum: 21, description: '效率—公平曲线的点数' })),
  timeLimit: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 120 })),
});
export type AllocationBody = Static<typeof AllocationBody>;
