// TypeBox schemas of the planning routes: validation, types and /openapi.json.
import { type Static, Type } from '@sinclair/typebox';

const FacilityTypeCode = Type.String({
  pattern: '^[A-Z][A-Z0-9_]{1,39}$',
  description: 'GB 50180 设施类型代码，如 ELDER_DAY_CARE',
});

const DistanceMode = Type.Union([Type.Literal('network'), Type.Literal('straight-line')], {
  description: 'network：有步行路网时按路网步行距离（默认）；straight-line：直线距离（上限）',
});

export const CoverageQuery = Type.Object({
  type: FacilityTypeCode,
  ageMin: Type.Optional(Type.Integer({ minimum: 0, maximum: 150, description: '最小年龄（含），如 60' })),
  ageMax: Type.Optional(Type.Integer({ minimum: 0, maximum: 150, description: '最大年龄（含）' })),
  groupBy: Type.Optional(
    Type.Union([Type.Literal('street'), Type.Literal('community'), Type.Literal('grid')], {
      description: '按街道、社区或网格汇总（默认社区）',
    }),
  ),
  radius: Type.Optional(
    Type.Number({ exclusiveMinimum: 0, maximum: 5000, description: '步行半径（米），默认取标准值' }),
  ),
  detourFactor: Type.Optional(
    Type.Number({
      minimum: 1,
      maximum: 3,
      description: '绕行系数 k：直线半径 = 步行半径 / k（默认 1，为上限）',
    }),
  ),
  distance: Type.Optional(DistanceMode),
});
export type CoverageQuery = Static<typeof CoverageQuery>;

const AreaCoverage = Type.Object({
  path: Type.String(),
  name: Type.String(),
  residents: Type.Integer(),
  coveredResidents: Type.Integer(),
  uncoveredResidents: Type.Integer(),
  coveredShare: Type.Number(),
  buildings: Type.Integer(),
  uncoveredBuildings: Type.Integer(),
});

export const CoverageOut = Type.Object({
  facilityType: Type.Object({
    code: Type.String(),
    nameZh: Type.String(),
    nameEn: Type.String(),
    lifeCircle: Type.String(),
  }),
  walkRadiusM: Type.Number(),
  walkMinutes: Type.Number({ description: '步行半径折算的步行分钟数（4 公里/小时）' }),
  straightLineRadiusM: Type.Number(),
  detourFactor: Type.Number(),
  method: Type.String(),
  note: Type.String(),
  ageMin: Type.Union([Type.Integer(), Type.Null()]),
  ageMax: Type.Union([Type.Integer(), Type.Null()]),
  facilities: Type.Integer(),
  residents: Type.Integer(),
  coveredResidents: Type.Integer(),
  uncoveredResidents: Type.Integer(),
  coveredShare: Type.Number(),
  groupBy: Type.String(),
  areas: Type.Array(AreaCoverage),
});

export const UncoveredOut = Type.Object({
  type: Type.Literal('FeatureCollection'),
  method: Type.String({ description: 'walking-network | euclidean' }),
  features: Type.Array(
    Type.Object({
      type: Type.Literal('Feature'),
      geometry: Type.Object({ type: Type.Literal('Point'), coordinates: Type.Array(Type.Number()) }),
      properties: Type.Object({
        buildingId: Type.Integer(),
        name: Type.String(),
        address: Type.String(),
        residents: Type.Integer(),
        walkRadiusM: Type.Number(),
        nearestFacilityId: Type.Union([Type.Integer(), Type.Null()]),
        nearestFacilityName: Type.Union([Type.String(), Type.Null()]),
        nearestDistanceM: Type.Union([Type.Number(), Type.Null()]),
        nearestWalkMinutes: Type.Union([Type.Number(), Type.Null()]),
      }),
    }),
  ),
});

const Site = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 40 }),
  lng: Type.Number({ minimum: -180, maximum: 180 }),
  lat: Type.Number({ minimum: -90, maximum: 90 }),
});

export const SitingBody = Type.Object({
  type: FacilityTypeCode,
  k: Type.Integer({ minimum: 1, maximum: 50, description: '新增设施数量' }),
  model: Type.Optional(
    Type.Union([Type.Literal('mclp'), Type.Literal('pmedian')], {
      description: 'mclp：最大覆盖（默认）；pmedian：总步行距离最小，可带容量',
    }),
  ),
  siteCapacity: Type.Optional(
    Type.Number({ exclusiveMinimum: 0, maximum: 1_000_000, description: '新增设施容量（人），p-中位模型' }),
  ),
  candidates: Type.Union([Type.Literal('buildings'), Type.Literal('lattice'), Type.Literal('custom')], {
    description: 'buildings：未覆盖楼栋；lattice：未覆盖区域格网点；custom：自带候选点（须在管辖范围内）',
  }),
  latticeSpacingM: Type.Optional(Type.Number({ minimum: 20, maximum: 2000 })),
  sites: Type.Optional(Type.Array(Site, { maxItems: 3000 })),
  ageMin: Type.Optional(Type.Integer({ minimum: 0, maximum: 150 })),
  ageMax: Type.Optional(Type.Integer({ minimum: 0, maximum: 150 })),
  radius: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 5000 })),
  detourFactor: Type.Optional(Type.Number({ minimum: 1, maximum: 3 })),
  distance: Type.Optional(DistanceMode),
  timeLimit: Type.Optional(
    Type.Number({ exclusiveMinimum: 0, maximum: 120, description: '求解时限（秒），默认 20' }),
  ),
});
export type SitingBody = Static<typeof SitingBody>;

const Nullable = <T extends ReturnType<typeof Type.Number>>(t: T) => Type.Union([t, Type.Null()]);

export const SitingOut = Type.Object({
  facilityType: Type.String(),
  k: Type.Integer(),
  candidates: Type.String(),
  candidateSites: Type.Integer(),
  existingFacilities: Type.Integer(),
  walkRadiusM: Type.Number(),
  detourFactor: Type.Number(),
  distanceMethod: Type.String(),
  status: Type.String({ description: 'optimal 已证明最优；feasible 未证明（见 gap）' }),
  optimal: Type.Boolean(),
  proof: Type.Union([Type.String(), Type.Null()]),
  objective: Nullable(Type.Number()),
  bound: Nullable(Type.Number()),
  gap: Nullable(Type.Number()),
  stoppedBy: Type.Union([Type.String(), Type.Null()]),
  solverMethod: Type.String(),
  seconds: Type.Number(),
  residents: Type.Integer(),
  before: Type.Object({ coveredResidents: Type.Number(), coveredShare: Type.Number() }),
  after: Type.Object({ coveredResidents: Type.Number(), coveredShare: Type.Number() }),
  newSites: Type.Array(Site),
  notes: Type.Array(Type.String()),
  model: Type.String(),
  averageDistanceM: Nullable(Type.Number()),
  siteLoads: Type.Array(
    Type.Object({
      site: Type.String(),
      demandPoints: Type.Integer(),
      weight: Type.Number(),
      capacity: Nullable(Type.Number()),
    }),
  ),
});

export const ScenarioBody = Type.Intersect([
  SitingBody,
  Type.Object({ name: Type.String({ minLength: 1, maxLength: 100, description: '情景名称' }) }),
]);
export type ScenarioBody = Static<typeof ScenarioBody>;

export const ScenarioOut = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  facilityType: Type.String(),
  createdAt: Type.String(),
  params: Type.Unknown(),
  status: Type.String(),
  optimal: Type.Boolean(),
  objective: Nullable(Type.Number()),
  bound: Nullable(Type.Number()),
  gap: Nullable(Type.Number()),
  k: Type.Integer(),
  coveredShareBefore: Type.Number(),
  coveredShareAfter: Type.Number(),
  coveredResidentsBefore: Type.Number(),
  coveredResidentsAfter: Type.Number(),
  residents: Type.Integer(),
  newSites: Type.Array(Site),
});

export const CompareQuery = Type.Object({
  ids: Type.String({ pattern: '^[0-9]+(,[0-9]+){0,9}$', description: '逗号分隔的情景编号（最多 10 个）' }),
});
