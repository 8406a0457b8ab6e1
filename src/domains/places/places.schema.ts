// TypeBox schemas of the places routes: validation, types and /openapi.json; output schemas strip the rest.
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { PageQuery } from '../../platform/http/pagination.ts';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Search = Type.String({ maxLength: 64, description: '名称包含的文字' });
const OrganizationSearch = Type.String({
  maxLength: 64,
  description: '名称包含的文字，或完整的 18 位统一社会信用代码（校验后精确查找）',
});

export const OrganizationQuery = Type.Intersect([
  PageQuery,
  Type.Object({
    q: Type.Optional(OrganizationSearch),
    kind: Type.Optional(
      Type.Union(
        [
          'enterprise',
          'individual_business',
          'social_org',
          'public_institution',
          'government',
          'self_governing',
        ].map((k) => Type.Literal(k)),
      ),
    ),
    gridId: Type.Optional(Type.Integer({ minimum: 1 })),
  }),
]);
export type OrganizationQuery = Static<typeof OrganizationQuery>;

export const OrganizationOut = Type.Object({
  id: Type.Integer(),
  uscc: Nullable(Type.String({ description: '统一社会信用代码' })),
  name: Type.String(),
  kind: Type.String(),
  industry: Nullable(Type.String()),
  legalRepName: Nullable(Type.String({ description: '法定代表人（脱敏）' })),
  contactPhone: Nullable(Type.String({ description: '联系电话（脱敏）' })),
  address: Type.String(),
  lng: Nullable(Type.Number()),
  lat: Nullable(Type.Number()),
  employees: Nullable(Type.Integer()),
  gridId: Type.Integer(),
  gridName: Type.String(),
});

export const FacilityQuery = Type.Intersect([
  PageQuery,
  Type.Object({
    q: Type.Optional(Search),
    type: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_]{1,40}$', description: '设施类型代码' })),
    gridId: Type.Optional(Type.Integer({ minimum: 1 })),
  }),
]);
export type FacilityQuery = Static<typeof FacilityQuery>;

export const FacilityOut = Type.Object({
  id: Type.Integer(),
  type: Type.String(),
  typeName: Type.String(),
  name: Type.String(),
  address: Type.String(),
  lng: Type.Number(),
  lat: Type.Number(),
  capacity: Nullable(Type.Integer()),
  floorM2: Nullable(Type.Number()),
  openingHours: Nullable(Type.String()),
  gridId: Type.Integer(),
  gridName: Type.String(),
});

export const FacilityTypeOut = Type.Object({
  code: Type.String(),
  nameZh: Type.String(),
  nameEn: Type.String(),
  lifeCircle: Type.String({ description: '生活圈层级（15/10/5 分钟、居住街坊）' }),
  mandatory: Type.Boolean(),
  maxRadiusM: Nullable(Type.Integer()),
  capacityUnit: Nullable(Type.String()),
  sourceClause: Type.String({ description: 'GB 50180-2018 条款' }),
});

export const ProviderQuery = Type.Intersect([
  PageQuery,
  Type.Object({
    q: Type.Optional(Search),
    category: Type.Optional(Type.String({ pattern: '^[a-z_]{1,40}$', description: '服务类别' })),
  }),
]);
export type ProviderQuery = Static<typeof ProviderQuery>;

export const ProviderOut = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  kind: Type.String(),
  serviceCategories: Type.Array(Type.String()),
  capacityPerMonth: Nullable(Type.Integer()),
  rating: Nullable(Type.Number()),
  contactPhone: Nullable(Type.String({ description: '服务热线（机构电话，公开）' })),
  organizationId: Nullable(Type.Integer()),
  scopePath: Type.String({ description: '服务区域（区划路径）' }),
});
