// One TypeBox schema per route input and output: validation, TypeScript types and /openapi.json. Output schemas
// also strip anything a presenter did not put there on purpose.
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { SENSITIVE_FIELDS } from '../../platform/auth/roles.ts';
import { PageQuery, pageOf } from '../../platform/http/pagination.ts';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const RegistrationTypeSchema = Type.Union([
  Type.Literal('household'),
  Type.Literal('floating'),
  Type.Literal('foreign'),
  Type.Literal('unsettled'),
]);

const ScopePathSchema = Type.String({
  pattern: '^/[0-9A-Za-z/]+/$',
  maxLength: 200,
  description: '区划路径',
});

export const PersonSearchQuery = Type.Intersect([
  PageQuery,
  Type.Object({
    q: Type.Optional(Type.String({ maxLength: 64, description: '姓名前缀，或完整身份证号/手机号' })),
    gridId: Type.Optional(Type.Integer({ minimum: 1 })),
    within: Type.Optional(ScopePathSchema),
    tag: Type.Optional(Type.String({ pattern: '^[a-z_]+$', maxLength: 40, description: '特殊群体标签代码' })),
    ageMin: Type.Optional(Type.Integer({ minimum: 0, maximum: 130 })),
    ageMax: Type.Optional(Type.Integer({ minimum: 0, maximum: 130 })),
    sex: Type.Optional(Type.Union([Type.Literal('1'), Type.Literal('2')])),
    registrationType: Type.Optional(RegistrationTypeSchema),
  }),
]);
export type PersonSearchQuery = Static<typeof PersonSearchQuery>;

export { IdParams } from '../../platform/http/params.ts';

export const PersonSummaryOut = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  sex: Type.String(),
  sexLabel: Type.String(),
  age: Nullable(Type.Integer()),
  birthYear: Nullable(Type.Integer()),
  idNumber: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  address: Nullable(Type.String({ description: '住址（默认只到楼栋）' })),
  registrationType: Type.String(),
  registrationTypeLabel: Type.String(),
  tags: Nullable(Type.Array(Type.String())),
  tagsMasked: Type.Boolean(),
  tagCount: Type.Integer(),
  gridId: Type.Integer(),
  gridName: Type.String(),
  communityName: Type.String(),
  masked: Type.Array(Type.String(), { description: '仍处于脱敏状态的字段' }),
});

export const PersonDetailOut = Type.Intersect([
  PersonSummaryOut,
  Type.Object({
    ethnicity: Nullable(Type.String()),
    relationToHead: Nullable(Type.String()),
    relationLabel: Nullable(Type.String()),
    householdId: Nullable(Type.Integer()),
    houseId: Nullable(Type.Integer()),
    buildingId: Nullable(Type.Integer()),
    source: Type.String(),
    sourceUpdatedAt: Nullable(Type.String()),
    updatedAt: Type.String(),
  }),
]);

export const PersonPageOut = Type.Intersect([
  pageOf(PersonSummaryOut),
  Type.Object({
    totalExact: Type.Boolean({
      description: '为 false 时 total 是下限：大范围查询只数到上限为止（仍只计管辖范围内）',
    }),
  }),
]);

const SensitiveFieldSchema = Type.Union(SENSITIVE_FIELDS.map((f) => Type.Literal(f)));

export const UnmaskBody = Type.Object(
  {
    fields: Type.Array(SensitiveFieldSchema, {
      minItems: 1,
      maxItems: SENSITIVE_FIELDS.length,
      uniqueItems: true,
    }),
    purpose: Type.String({ maxLength: 200, description: '查看用途（至少 4 个字），记入审计日志' }),
  },
  { additionalProperties: false },
);
export type UnmaskBody = Static<typeof UnmaskBody>;

export const UnmaskOut = Type.Object({
  id: Type.Integer(),
  purpose: Type.String(),
  values: Type.Object({
    name: Type.Optional(Type.String()),
    idNumber: Type.Optional(Nullable(Type.String())),
    phone: Type.Optional(Nullable(Type.String())),
    address: Type.Optional(Nullable(Type.String())),
    tags: Type.Optional(Type.Array(Type.String())),
    ethnicity: Type.Optional(Nullable(Type.String())),
  }),
});

const personFields = {
  name: Type.String({ minLength: 1, maxLength: 64, description: '姓名' }),
  sex: Type.Union([Type.Literal('0'), Type.Literal('1'), Type.Literal('2'), Type.Literal('9')], {
    description: 'GB/T 2261.1 性别代码；填写身份证号时须与号码一致',
  }),
  birthDate: Type.String({ format: 'date', description: '出生日期；填写身份证号时须与号码一致' }),
  idNumber: Type.String({ minLength: 1, maxLength: 24, description: '居民身份证号（15 位自动升为 18 位）' }),
  phone: Type.String({ minLength: 1, maxLength: 20, description: '手机号（11 位）或固定电话' }),
  ethnicity: Type.String({ pattern: '^[0-9]{2}$', description: 'GB/T 3304 民族代码' }),
  registrationType: RegistrationTypeSchema,
  relationToHead: Type.String({ pattern: '^[0-9]{2}$', description: 'GB/T 4761 家庭关系代码' }),
  tags: Type.Array(Type.String({ pattern: '^[a-z_]+$', maxLength: 40 }), { maxItems: 20, uniqueItems: true }),
};

export const PersonCreateBody = Type.Object(
  {
    name: personFields.name,
    sex: Type.Optional(personFields.sex),
    birthDate: Type.Optional(personFields.birthDate),
    idNumber: Type.Optional(personFields.idNumber),
    phone: Type.Optional(personFields.phone),
    ethnicity: Type.Optional(personFields.ethnicity),
    registrationType: personFields.registrationType,
    relationToHead: Type.Optional(personFields.relationToHead),
    tags: Type.Optional(personFields.tags),
    gridId: Type.Optional(Type.Integer({ minimum: 1, description: '所属网格（不填则取自户或房屋）' })),
    householdId: Type.Optional(Type.Integer({ minimum: 1 })),
    houseId: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);
export type PersonCreateBody = Static<typeof PersonCreateBody>;

export const PersonUpdateBody = Type.Object(
  {
    name: Type.Optional(personFields.name),
    sex: Type.Optional(personFields.sex),
    birthDate: Type.Optional(personFields.birthDate),
    idNumber: Type.Optional(personFields.idNumber),
    phone: Type.Optional(Nullable(personFields.phone)),
    ethnicity: Type.Optional(Nullable(personFields.ethnicity)),
    registrationType: Type.Optional(personFields.registrationType),
    relationToHead: Type.Optional(Nullable(personFields.relationToHead)),
    tags: Type.Optional(personFields.tags),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type PersonUpdateBody = Static<typeof PersonUpdateBody>;

export const HouseholdOut = Type.Object({
  id: Type.Integer(),
  householdNo: Type.String(),
  registrationType: Type.String(),
  registrationTypeLabel: Type.String(),
  memberCount: Type.Integer(),
  houseId: Nullable(Type.Integer()),
  address: Nullable(Type.String({ description: '住址（只到楼栋）' })),
  gridId: Type.Integer(),
  gridName: Type.String(),
  headPersonId: Nullable(Type.Integer()),
});

export const HouseholdWithMembersOut = Type.Object({
  household: HouseholdOut,
  members: Type.Array(PersonSummaryOut),
});

export const HouseWithHouseholdsOut = Type.Object({
  house: Type.Object({
    id: Type.Integer(),
    buildingId: Type.Integer(),
    buildingName: Type.String(),
    unitNo: Nullable(Type.String()),
    floor: Nullable(Type.Integer()),
    roomNo: Type.String(),
    address: Nullable(Type.String({ description: '住址（只到楼栋）' })),
    areaM2: Nullable(Type.Number()),
    useType: Type.String(),
    occupancy: Type.String(),
    occupancyLabel: Type.String(),
    gridId: Type.Integer(),
    gridName: Type.String(),
  }),
  households: Type.Array(
    Type.Intersect([HouseholdOut, Type.Object({ members: Type.Array(PersonSummaryOut) })]),
  ),
});
