// Distances and coverage between demand points and candidate sites: Euclidean on projected x/y in metres, or
// great-circle (haversine) on longitude/latitude in degrees. Coverage lists, for every demand point, the sites
// within the service radius, found with a KD-tree (kdbush) so 20,000 × 1,000 pairs are never all measured.
import KDBush from 'kdbush';

export type Metric = 'euclidean' | 'haversine';

/** Points as parallel arrays; for the haversine metric x is longitude and y latitude, in degrees. */
export interface Points {
  x: Float64Array;
  y: Float64Array;
}

/** Mean Earth radius (IUGG), the radius most geodesy libraries use for haversine distances. */
export const EARTH_RADIUS_M = 6371008.8;

const RAD = Math.PI / 180;

/**
 * A site covers a demand point when their distance is at most the radius. One micrometre of slack keeps points
 * that lie exactly on the circle (3-4-5 triangles, rounded coordinates) covered despite floating-point error.
 */
export function isWithin(distanceMetres: number, radius: number): boolean {
  return distanceMetres <= radius + 1e-6;
}

export function haversine(lng1: number, lat1: number, lng2: number, lat2: number): number {
  const dLat = (lat2 - lat1) * RAD;
  const dLng = (lng2 - lng1) * RAD;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * RAD) * Math.cos(lat2 * RAD) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

export function distanceFunction(metric: Metric): (x1: number, y1: number, x2: number, y2: number) => number {
  return metric === 'haversine' ? haversine : (x1, y1, x2, y2) => Math.hypot(x2 - x1, y2 - y1);
}

/** Row-major demand × site distance matrix in metres. */
export function distanceMatrix(metric: Metric, demand: Points, sites: Points): Float64Array {
  const nd = demand.x.length;
  const ns = sites.x.length;
  const out = new Float64Array(nd * ns);
  const dist = distanceFunction(metric);
  for (let i = 0; i < nd; i++) {
    const dx = demand.x[i]!;
    const dy = demand.y[i]!;
    const row = i * ns;
    for (let j = 0; j < ns; j++) out[row + j] = dist(dx, dy, sites.x[j]!, sites.y[j]!);
  }
  return out;
}

/** Compressed rows: row i holds indices[starts[i] .. starts[i+1]), sorted ascending. */
export interface SparseRows {
  starts: Int32Array;
  indices: Int32Array;
}

/** For every demand point, the sites within `radius` metres (sorted by site index). */
export function coverage(metric: Metric, demand: Points, sites: Points, radius: number): SparseRows {
  const ns = sites.x.length;
  const nd = demand.x.length;
  const starts = new Int32Array(nd + 1);
  const found: number[] = [];
  if (ns === 0) return { starts, indices: new Int32Array(0) };
  const index = new KDBush(ns);
  for (let j = 0; j < ns; j++) index.add(sites.x[j]!, sites.y[j]!);
  index.finish();
  const dist = distanceFunction(metric);
  for (let i = 0; i < nd; i++) {
    const qx = demand.x[i]!;
    const qy = demand.y[i]!;
    const near =
      metric === 'euclidean'
        ? index.within(qx, qy, radius + 1e-6)
        : candidatesOnSphere(index, qx, qy, radius);
    near.sort((a, b) => a - b);
    for (const j of near) {
      if (isWithin(dist(qx, qy, sites.x[j]!, sites.y[j]!), radius)) found.push(j);
    }
    starts[i + 1] = found.length;
  }
  return { starts, indices: Int32Array.from(found) };
}

/**
 * Sites in the longitude/latitude box that holds the spherical cap of `radius` around (lng, lat); the caller
 * filters them by exact distance. The box widens to all longitudes near a pole and splits across ±180°.
 */
function candidatesOnSphere(index: KDBush, lng: number, lat: number, radius: number): number[] {
  const angular = radius / EARTH_RADIUS_M;
  const dLat = angular / RAD;
  const minLat = lat - dLat;
  const maxLat = lat + dLat;
  if (maxLat >= 90 || minLat <= -90 || angular >= Math.PI / 2) return index.range(-180, minLat, 180, maxLat);
  // Widest longitude difference on a cap of angular radius δ centred at latitude φ: asin(sin δ / cos φ).
  const dLng = Math.asin(Math.min(1, Math.sin(angular) / Math.cos(lat * RAD))) / RAD;
  const west = lng - dLng;
  const east = lng + dLng;
  const ids = index.range(Math.max(west, -180), minLat, Math.min(east, 180), maxLat);
  if (west < -180) ids.push(...index.range(west + 360, minLat, 180, maxLat));
  if (east > 180) ids.push(...index.range(-180, minLat, east - 360, maxLat));
  return [...new Set(ids)];
}

/** Transposes demand → sites rows into site → demands rows. */
export function transpose(rows: SparseRows, numColumns: number): SparseRows {
  const counts = new Int32Array(numColumns + 1);
  for (const j of rows.indices) counts[j + 1]!++;
  for (let j = 0; j < numColumns; j++) counts[j + 1]! += counts[j]!;
  const starts = counts.slice();
  const fill = counts.slice(0, numColumns);
  const indices = new Int32Array(rows.indices.length);
  const numRows = rows.starts.length - 1;
  for (let i = 0; i < numRows; i++) {
    for (let k = rows.starts[i]!; k < rows.starts[i + 1]!; k++) indices[fill[rows.indices[k]!]!++] = i;
  }
  return { starts, indices };
}
