// Facility planning over the platform's data: life-circle coverage of residents (by age band) per area, optimal
// siting of k new facilities with the MCLP solver (existing facilities stay open), and saved scenarios compared
// side by side. The solver's status is passed through unchanged: a time-limited answer is "feasible" with its
// gap, never "optimal".
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import { haversine } from '../../lib/location/geometry.ts';
import { solveLocation } from '../../lib/location/location.ts';
import { LocationInputError, type LocationProblem } from '../../lib/location/problem.ts';
import {
  buildWalkGraph,
  nearestWalk,
  snapToNetwork,
  WALK_METRES_PER_MINUTE,
  type WalkGraph,
  walkCoverage,
  walkDistanceMatrix,
} from '../../lib/network/walk-network.ts';
import type { Viewer } from '../../platform/auth/viewer.ts';
import type { Db } from '../../platform/db/index.ts';
import type { Geometry } from '../../platform/db/schema.ts';
import { AppError } from '../../platform/http/errors.ts';
import { bornOnOrBeforeForAge, chinaToday } from '../stats/age-cutoffs.ts';
import { type BuildingCoverage, coverageByArea, coverageOfBuildings } from './life-circle-coverage.ts';
import {
  findAreaNames,
  findBuildingsWithResidents,
  findFacilitiesOfType,
  findFacilityType,
  findGridBoundaries,
  findScenarios,
  findWalkNetwork,
  insertScenario,
} from './planning.repository.ts';

/** Walking distance of each life-circle level (GB 50180-2018 Table 3.0.4); BLOCK has none, 150 m is ours. */
export const LIFE_CIRCLE_WALK_M = { LC15: 1000, LC10: 500, LC5: 300, BLOCK: 150 } as const;

export type AreaLevel = 'street' | 'community' | 'grid';

export interface CoverageQuery {
  type: string;
  ageMin?: number;
  ageMax?: number;
  groupBy?: AreaLevel;
  radius?: number;
  detourFactor?: number;
  /** network: walking on the street network when one is loaded (the default); straight-line: always haversine. */
  distance?: 'network' | 'straight-line';
}

const SEGMENTS: Record<AreaLevel, number> = { street: 2, community: 3, grid: 4 };

/** The path of the area a building's grid path lies in, at the given level. */
export function areaPathOf(scopePath: string, level: AreaLevel): string {
  const parts = scopePath.split('/').filter((s) => s !== '');
  return `/${parts.slice(0, SEGMENTS[level]).join('/')}/`;
}

async function demandFor(db: Db, viewer: Viewer, q: CoverageQuery) {
  const type = await findFacilityType(db, q.type);
  if (!type)
    throw new AppError('FACILITY_TYPE_NOT_FOUND', [{ field: 'type', message: `没有设施类型 ${q.type}` }]);
  if (q.ageMin !== undefined && q.ageMax !== undefined && q.ageMin > q.ageMax) {
    throw new AppError('VALIDATION_FAILED', [
      { field: 'ageMin', message: '最小年龄不能大于最大年龄', messageEn: 'ageMin is greater than ageMax' },
    ]);
  }
  const walkRadiusM = q.radius ?? type.max_radius_m ?? LIFE_CIRCLE_WALK_M[type.life_circle];
  const detourFactor = q.detourFactor ?? 1;
  const today = chinaToday();
  const buildings = await findBuildingsWithResidents(db, viewer.scopePath, {
    ...(q.ageMin !== undefined ? { bornOnOrBefore: bornOnOrBeforeForAge(today, q.ageMin) } : {}),
    ...(q.ageMax !== undefined ? { bornAfter: bornOnOrBeforeForAge(today, q.ageMax + 1) } : {}),
  });
  const facilities = await findFacilitiesOfType(db, type.code);
  const buildingPoints = {
    lng: Float64Array.from(buildings, (b) => b.lng),
    lat: Float64Array.from(buildings, (b) => b.lat),
  };
  const facilityPoints = {
    lng: Float64Array.from(facilities, (f) => f.lng),
    lat: Float64Array.from(facilities, (f) => f.lat),
  };
  // A detour factor is a straight-line model by definition, so asking for one means straight lines.
  const graph =
    q.distance === 'straight-line' || q.detourFactor !== undefined ? null : await loadWalkGraph(db);
  if (graph) {
    const buildingSnap = snapToNetwork(graph, buildingPoints.lng, buildingPoints.lat);
    const walk = nearestWalk(
      graph,
      snapToNetwork(graph, facilityPoints.lng, facilityPoints.lat),
      buildingSnap,
    );
    const cov: BuildingCoverage = {
      covered: Uint8Array.from(walk.distanceM, (d) => (d <= walkRadiusM + 1e-6 ? 1 : 0)),
      nearestM: walk.distanceM,
      nearestFacility: walk.source,
      straightLineRadiusM: walkRadiusM,
    };
    return { type, walkRadiusM, detourFactor: 1, buildings, facilities, cov, graph, buildingSnap };
  }
  const cov = coverageOfBuildings(buildingPoints, facilityPoints, walkRadiusM, detourFactor);
  return { type, walkRadiusM, detourFactor, buildings, facilities, cov, graph: null, buildingSnap: null };
}

/** The loaded street network as a graph, or null when there is none (coverage then falls back to straight lines). */
async function loadWalkGraph(db: Db): Promise<WalkGraph | null> {
  const { nodes, edges } = await findWalkNetwork(db);
  if (nodes.length === 0 || edges.length === 0) return null;
  return buildWalkGraph({
    nodeIds: nodes.map((n) => n.id),
    lng: nodes.map((n) => n.lng),
    lat: nodes.map((n) => n.lat),
    edgeFrom: edges.map((e) => e.from_node),
    edgeTo: edges.map((e) => e.to_node),
    edgeLength: edges.map((e) => Number(e.length_m)),
  });
}

function methodOf(detourFactor: number, network: boolean) {
  if (network) {
    return {
      method: 'walking-network' as const,
      note: `沿步行路网的步行距离（按 ${Math.round(WALK_METRES_PER_MINUTE)} 米/分钟折算步行时间）/ walking distance on the street network (minutes at ${Math.round(WALK_METRES_PER_MINUTE)} m/min)`,
    };
  }
  return detourFactor === 1
    ? {
        method: 'euclidean' as const,
        note: '直线距离，为覆盖率上限 / straight-line distance: an upper bound of walking coverage',
      }
    : {
        method: 'euclidean-detour' as const,
        note: `直线半径按绕行系数 ${detourFactor} 折减 / straight-line radius divided by detour factor ${detourFactor}`,
      };
}

export async function lifeCircleCoverage(db: Db, viewer: Viewer, q: CoverageQuery) {
  const { type, walkRadiusM, detourFactor, buildings, facilities, cov, graph } = await demandFor(
    db,
    viewer,
    q,
  );
  const level = q.groupBy ?? 'community';
  const names = await findAreaNames(db, viewer.scopePath);
  const keys = buildings.map((b) => areaPathOf(b.scope_path, level));
  const residents = buildings.map((b) => b.residents);
  const byArea = coverageByArea(keys, residents, cov.covered);
  const total = residents.reduce((a, v) => a + v, 0);
  const covered = residents.reduce((a, v, i) => a + (cov.covered[i] ? v : 0), 0);
  const { method, note } = methodOf(detourFactor, graph !== null);
  return {
    facilityType: {
      code: type.code,
      nameZh: type.name_zh,
      nameEn: type.name_en,
      lifeCircle: type.life_circle,
    },
    walkRadiusM,
    walkMinutes: Math.round((walkRadiusM / WALK_METRES_PER_MINUTE) * 10) / 10,
    straightLineRadiusM: cov.straightLineRadiusM,
    detourFactor,
    method,
    note,
    ageMin: q.ageMin ?? null,
    ageMax: q.ageMax ?? null,
    facilities: facilities.length,
    residents: total,
    coveredResidents: covered,
    uncoveredResidents: total - covered,
    coveredShare: total > 0 ? covered / total : 1,
    groupBy: level,
    areas: [...byArea.entries()]
      .map(([path, a]) => ({
        path,
        name: names.get(path) ?? path,
        residents: a.residents,
        coveredResidents: a.covered,
        uncoveredResidents: a.residents - a.covered,
        coveredShare: a.residents > 0 ? a.covered / a.residents : 1,
        buildings: a.buildings,
        uncoveredBuildings: a.uncoveredBuildings,
      }))
      .sort((x, y) => x.coveredShare - y.coveredShare || x.path.localeCompare(y.path)),
  };
}

/** Uncovered buildings with residents in the band, as GeoJSON points for the map, with the nearest facility. */
export async function uncoveredBuildings(db: Db, viewer: Viewer, q: CoverageQuery) {
  const { walkRadiusM, buildings, facilities, cov, graph } = await demandFor(db, viewer, q);
  return {
    type: 'FeatureCollection' as const,
    method: methodOf(1, graph !== null).method,
    features: buildings
      .map((b, i) => ({ b, i }))
      .filter(({ b, i }) => !cov.covered[i] && b.residents > 0)
      .map(({ b, i }) => {
        const nearest = cov.nearestFacility[i]!;
        return {
          type: 'Feature' as const,
          geometry: { type: 'Point' as const, coordinates: [b.lng, b.lat] },
          properties: {
            buildingId: b.id,
            name: b.name,
            address: b.address,
            residents: b.residents,
            walkRadiusM,
            nearestFacilityId: nearest >= 0 ? facilities[nearest]!.id : null,
            nearestFacilityName: nearest >= 0 ? facilities[nearest]!.name : null,
            nearestDistanceM: nearest >= 0 ? Math.round(cov.nearestM[i]!) : null,
            nearestWalkMinutes:
              nearest >= 0 && graph
                ? Math.round((cov.nearestM[i]! / WALK_METRES_PER_MINUTE) * 10) / 10
                : null,
          },
        };
      }),
  };
}

export interface SitingInput extends CoverageQuery {
  k: number;
  /** mclp: cover the most residents within the radius; pmedian: least total distance, within capacities. */
  model?: 'mclp' | 'pmedian';
  /** Capacity of each new site in residents (p-median); existing facilities keep their recorded capacity. */
  siteCapacity?: number;
  candidates: 'buildings' | 'lattice' | 'custom';
  latticeSpacingM?: number;
  sites?: { id: string; lng: number; lat: number }[];
  timeLimit?: number;
}

const MAX_LATTICE_SITES = 3000;
const METRES_PER_DEGREE_LAT = 111_320;

/** Lattice points over under-served buildings, kept when within the radius of one of them. */
function latticeOver(points: { lng: number; lat: number }[], spacingM: number, radiusM: number) {
  const minLng = Math.min(...points.map((p) => p.lng));
  const maxLng = Math.max(...points.map((p) => p.lng));
  const minLat = Math.min(...points.map((p) => p.lat));
  const maxLat = Math.max(...points.map((p) => p.lat));
  const dLat = spacingM / METRES_PER_DEGREE_LAT;
  const dLng = spacingM / (METRES_PER_DEGREE_LAT * Math.cos(((minLat + maxLat) / 2) * (Math.PI / 180)));
  const out: { id: string; lng: number; lat: number }[] = [];
  for (let lat = minLat; lat <= maxLat + 1e-12; lat += dLat) {
    for (let lng = minLng; lng <= maxLng + 1e-12; lng += dLng) {
      if (points.some((p) => haversine(lng, lat, p.lng, p.lat) <= radiusM)) {
        out.push({ id: `L${out.length + 1}`, lng, lat });
        if (out.length > MAX_LATTICE_SITES) {
          throw new AppError('VALIDATION_FAILED', [
            {
              field: 'latticeSpacingM',
              message: `格网点超过 ${MAX_LATTICE_SITES} 个，请加大间距`,
              messageEn: `more than ${MAX_LATTICE_SITES} lattice points; use a larger spacing`,
            },
          ]);
        }
      }
    }
  }
  return out;
}

/** Custom sites must lie inside one of the viewer's grids; each one outside is named. */
async function checkSitesInArea(db: Db, viewer: Viewer, sites: { id: string; lng: number; lat: number }[]) {
  const grids = await findGridBoundaries(db, viewer.scopePath);
  const outside = sites
    .map((s, index) => ({ s, index }))
    .filter(
      ({ s }) =>
        !grids.some((g) =>
          booleanPointInPolygon(
            [s.lng, s.lat],
            g.boundary as unknown as Geometry as Parameters<typeof booleanPointInPolygon>[1],
          ),
        ),
    );
  if (outside.length > 0) {
    throw new AppError(
      'SITE_OUTSIDE_AREA',
      outside.slice(0, 20).map(({ s, index }) => ({
        field: `/sites/${index}`,
        message: `候选点 ${s.id}（${s.lng}, ${s.lat}）不在管辖范围内`,
        messageEn: `site ${s.id} (${s.lng}, ${s.lat}) is outside your area`,
      })),
    );
  }
}

export async function siteFacilities(db: Db, viewer: Viewer, input: SitingInput) {
  const { type, walkRadiusM, detourFactor, buildings, facilities, cov, graph, buildingSnap } =
    await demandFor(db, viewer, input);
  const demandIndex = buildings.flatMap((b, i) => (b.residents > 0 ? [i] : []));
  const demand = demandIndex.map((i) => buildings[i]!);
  if (demand.length === 0) throw new AppError('NO_DEMAND');
  const underServed = buildings.filter((b, i) => b.residents > 0 && !cov.covered[i]);
  let candidates: { id: string; lng: number; lat: number }[];
  if (input.candidates === 'custom') {
    candidates = input.sites ?? [];
    const seen = new Map<string, number>();
    candidates.forEach((s, i) => {
      if (seen.has(s.id))
        throw new AppError('VALIDATION_FAILED', [
          {
            field: `/sites/${i}/id`,
            message: `候选点编号 ${s.id} 重复`,
            messageEn: `duplicate site id ${s.id}`,
          },
        ]);
      seen.set(s.id, i);
    });
    await checkSitesInArea(db, viewer, candidates);
  } else if (input.candidates === 'buildings') {
    candidates = underServed.map((b) => ({ id: `B${b.id}`, lng: b.lng, lat: b.lat }));
  } else {
    candidates =
      underServed.length > 0
        ? latticeOver(
            underServed,
            input.latticeSpacingM ?? Math.max(50, walkRadiusM / 2),
            cov.straightLineRadiusM,
          )
        : [];
  }
  if (candidates.length === 0) {
    throw new AppError(
      'NO_CANDIDATE_SITES',
      undefined,
      underServed.length === 0 ? '范围内居民已全部覆盖，无需新增设施' : undefined,
    );
  }
  const fixed = facilities.map((f) => ({ id: `F${f.id}`, lng: f.lng, lat: f.lat }));
  const sites = [...fixed, ...candidates];
  const problem: LocationProblem = {
    metric: 'haversine',
    demand: {
      ids: demand.map((b) => String(b.id)),
      x: Float64Array.from(demand, (b) => b.lng),
      y: Float64Array.from(demand, (b) => b.lat),
      weight: Float64Array.from(demand, (b) => b.residents),
    },
    sites: {
      ids: sites.map((s) => s.id),
      x: Float64Array.from(sites, (s) => s.lng),
      y: Float64Array.from(sites, (s) => s.lat),
      fixed: Uint8Array.from(sites, (_, j) => (j < fixed.length ? 1 : 0)),
      // Capacities belong to the p-median only; the covering model rejects them.
      ...(input.model === 'pmedian'
        ? {
            capacity: Float64Array.from(sites, (_, j) =>
              j < fixed.length ? (facilities[j]!.capacity ?? Number.NaN) : (input.siteCapacity ?? Number.NaN),
            ),
          }
        : {}),
    },
    radius: cov.straightLineRadiusM,
    p: fixed.length + input.k,
    timeLimit: input.timeLimit ?? 20,
  };
  const model = input.model ?? 'mclp';
  if (model === 'pmedian') problem.radius = undefined;
  // Walking distances where the street network is loaded: the MCLP takes who each site reaches within the
  // radius, the p-median every building-to-site walk. A pair the network does not connect keeps its straight line.
  let walkMatrix: Float64Array | null = null;
  let unconnected = 0;
  if (graph && buildingSnap) {
    const demandSnap = {
      edge: Int32Array.from(demandIndex, (i) => buildingSnap.edge[i]!),
      t: Float64Array.from(demandIndex, (i) => buildingSnap.t[i]!),
      accessM: Float64Array.from(demandIndex, (i) => buildingSnap.accessM[i]!),
    };
    const siteSnap = snapToNetwork(graph, problem.sites.x, problem.sites.y);
    if (model === 'mclp') {
      problem.cover = walkCoverage(graph, demandSnap, siteSnap, walkRadiusM);
    } else {
      walkMatrix = walkDistanceMatrix(graph, demandSnap, siteSnap);
      const m = sites.length;
      for (let i = 0; i < demand.length; i++) {
        for (let j = 0; j < m; j++) {
          if (Number.isFinite(walkMatrix[i * m + j]!)) continue;
          walkMatrix[i * m + j] = haversine(demand[i]!.lng, demand[i]!.lat, sites[j]!.lng, sites[j]!.lat);
          unconnected++;
        }
      }
      problem.distance = walkMatrix;
    }
  }
  let result: Awaited<ReturnType<typeof solveLocation>>;
  try {
    result = await solveLocation(model, problem);
  } catch (error) {
    if (error instanceof LocationInputError) {
      throw new AppError(
        'VALIDATION_FAILED',
        error.problems.map((p) => ({
          field: p.field === 'p' ? 'k' : `${p.set}${p.index !== undefined ? `/${p.index}` : ''}`,
          message: p.field === 'p' ? `新增数量 k 超过候选点数 ${candidates.length}` : p.messageZh,
          messageEn: p.message,
        })),
      );
    }
    throw error;
  }
  if (result.status === 'infeasible') {
    throw new AppError(
      'ALLOCATION_INFEASIBLE',
      [
        {
          field: 'siteCapacity',
          message: `容量约束无法满足：${result.notes[0] ?? ''}`,
          messageEn: `capacity constraint cannot be met: ${result.notes[0] ?? ''}`,
        },
      ],
      '容量约束无法满足：现有设施与新增设施的容量装不下需求',
    );
  }
  const before = demandIndex.reduce((a, i) => a + (cov.covered[i] ? buildings[i]!.residents : 0), 0);
  const total = demand.reduce((a, b) => a + b.residents, 0);
  const byId = new Map(candidates.map((c) => [c.id, c]));
  // The p-median minimises distance, not coverage; coverage after is counted from the chosen sites.
  const coveredAfter = () => {
    if (walkMatrix) {
      const m = sites.length;
      const open = sites.flatMap((s, j) => (result.sites.includes(s.id) ? [j] : []));
      return demand.reduce(
        (a, b, i) => a + (open.some((j) => walkMatrix[i * m + j]! <= walkRadiusM + 1e-6) ? b.residents : 0),
        0,
      );
    }
    const open = sites.filter((s) => result.sites.includes(s.id));
    return demand.reduce(
      (a, b) =>
        a +
        (open.some((s) => haversine(b.lng, b.lat, s.lng, s.lat) <= cov.straightLineRadiusM + 1e-6)
          ? b.residents
          : 0),
      0,
    );
  };
  const newSites = result.sites.filter((id) => byId.has(id)).map((id) => byId.get(id)!);
  const { method } = methodOf(detourFactor, graph !== null);
  const notes = [...result.notes];
  if (unconnected > 0) {
    notes.push(
      `${unconnected} 对建筑与选址点之间路网不连通，按直线距离计 / ` +
        `${unconnected} building–site pairs are not connected by the network; their straight line is used`,
    );
  }
  if (type.capacity_unit && model === 'mclp') {
    notes.push(
      `覆盖模型未计容量（${type.capacity_unit}）；需要容量约束时请用带容量的 p-中位模型（cbrain plan pmedian）/ ` +
        'capacity is not part of the covering model; use the capacitated p-median for capacity limits',
    );
  }
  return {
    facilityType: type.code,
    k: input.k,
    candidates: input.candidates,
    candidateSites: candidates.length,
    existingFacilities: fixed.length,
    walkRadiusM,
    detourFactor,
    distanceMethod: method,
    status: result.status,
    optimal: result.optimal,
    proof: result.proof,
    objective: result.objective,
    bound: result.bound,
    gap: result.gap,
    stoppedBy: result.stoppedBy ?? null,
    solverMethod: result.method,
    seconds: result.seconds,
    residents: total,
    before: { coveredResidents: before, coveredShare: total > 0 ? before / total : 1 },
    after: {
      coveredResidents: model === 'mclp' ? (result.coveredWeight ?? 0) : coveredAfter(),
      coveredShare: total > 0 ? (model === 'mclp' ? (result.coveredWeight ?? 0) : coveredAfter()) / total : 1,
    },
    model,
    averageDistanceM: result.averageDistance ?? null,
    siteLoads: result.siteLoads ?? [],
    newSites,
    notes,
  };
}

export type SitingResult = Awaited<ReturnType<typeof siteFacilities>>;

export async function saveScenario(db: Db, viewer: Viewer, name: string, input: SitingInput) {
  const result = await siteFacilities(db, viewer, input);
  return {
    result,
    save: (tx: Db) =>
      insertScenario(tx, {
        scope_path: viewer.scopePath,
        name,
        facility_type: input.type,
        params: { ...input },
        result: result as unknown as Record<string, unknown>,
        created_by: viewer.accountId,
      }),
  };
}

export function presentScenario(row: Awaited<ReturnType<typeof insertScenario>>) {
  const r = row.result as unknown as SitingResult;
  return {
    id: row.id,
    name: row.name,
    facilityType: row.facility_type,
    createdAt: new Date(row.created_at).toISOString(),
    params: row.params,
    status: r.status,
    optimal: r.optimal,
    objective: r.objective,
    bound: r.bound,
    gap: r.gap,
    k: r.k,
    coveredShareBefore: r.before.coveredShare,
    coveredShareAfter: r.after.coveredShare,
    coveredResidentsBefore: r.before.coveredResidents,
    coveredResidentsAfter: r.after.coveredResidents,
    residents: r.residents,
    newSites: r.newSites,
  };
}

/** Scenarios of the viewer's area, side by side; an id outside the area or unknown answers 404. */
export async function compareScenarios(db: Db, viewer: Viewer, ids: number[]) {
  const rows = await findScenarios(db, viewer.scopePath, ids);
  const missing = ids.filter((id) => !rows.some((r) => r.id === id));
  if (missing.length > 0) {
    throw new AppError('SCENARIO_NOT_FOUND', [{ field: 'ids', message: `未找到情景 ${missing.join(', ')}` }]);
  }
  return ids.map((id) => presentScenario(rows.find((r) => r.id === id)!));
}
