// Life-circle coverage (GB 50180-2018): which residential buildings have a facility of a type within its walking
// radius, counted in residents. Pure: buildings and facilities in, per-building result out. Distances are
// great-circle between centroids, so the figure is an upper bound of what walking on the street network
// reaches; a detour factor k (1.2–1.4 is the usual urban rule of thumb, not a standard) shrinks the straight-line
// radius to r / k.
import { coverage, haversine } from '../../lib/location/geometry.ts';

export interface CoveragePoints {
  lng: Float64Array;
  lat: Float64Array;
}

export interface BuildingCoverage {
  /** Per building: 1 when a facility is within the radius. */
  covered: Uint8Array;
  /** Per building: distance to the nearest facility in metres (Infinity when there is none). */
  nearestM: Float64Array;
  /** Per building: index of the nearest facility, −1 when there is none. */
  nearestFacility: Int32Array;
  straightLineRadiusM: number;
}

export function coverageOfBuildings(
  buildings: CoveragePoints,
  facilities: CoveragePoints,
  walkRadiusM: number,
  detourFactor = 1,
): BuildingCoverage {
  const n = buildings.lng.length;
  const radius = walkRadiusM / detourFactor;
  const rows = coverage(
    'haversine',
    { x: buildings.lng, y: buildings.lat },
    { x: facilities.lng, y: facilities.lat },
    radius,
  );
  const covered = new Uint8Array(n);
  const nearestM = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  const nearestFacility = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    covered[i] = rows.starts[i + 1]! > rows.starts[i]! ? 1 : 0;
    // The nearest facility is evidence for the map ("the nearest day-care centre is 740 m away").
    for (let j = 0; j < facilities.lng.length; j++) {
      const d = haversine(buildings.lng[i]!, buildings.lat[i]!, facilities.lng[j]!, facilities.lat[j]!);
      if (d < nearestM[i]!) {
        nearestM[i] = d;
        nearestFacility[i] = j;
      }
    }
  }
  return { covered, nearestM, nearestFacility, straightLineRadiusM: radius };
}

/** Sums residents and covered residents by an area key per building. */
export function coverageByArea(
  areaKeys: string[],
  residents: ArrayLike<number>,
  covered: Uint8Array,
): Map<string, { residents: number; covered: number; buildings: number; uncoveredBuildings: number }> {
  const out = new Map<
    string,
    { residents: number; covered: number; buildings: number; uncoveredBuildings: number }
  >();
  areaKeys.forEach((key, i) => {
    let a = out.get(key);
    if (!a) {
      a = { residents: 0, covered: 0, buildings: 0, uncoveredBuildings: 0 };
      out.set(key, a);
    }
    a.residents += residents[i]!;
    a.buildings++;
    if (covered[i]) a.covered += residents[i]!;
    else if (residents[i]! > 0) a.uncoveredBuildings++;
  });
  return out;
}
