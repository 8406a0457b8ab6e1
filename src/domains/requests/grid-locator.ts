// Which grid a reported point lies in (so the order lands in the right community and street), and whether it lies
// in the district at all. Grid polygons are few (hundreds) and rarely change: they are read once and read again
// when a point falls outside all of them, in case grids were added since.
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import type { MultiPolygon, Polygon } from 'geojson';
import type { Db } from '../../platform/db/index.ts';

export interface GridPlace {
  gridId: number;
  path: string;
  communityCode: string;
  streetCode: string;
}

interface CachedGrid extends GridPlace {
  boundary: Polygon | MultiPolygon;
  bbox: [number, number, number, number];
}

function bboxOf(g: Polygon | MultiPolygon): [number, number, number, number] {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  const rings = g.type === 'Polygon' ? g.coordinates : g.coordinates.flat();
  for (const ring of rings) {
    for (const [x, y] of ring) {
      if (x! < minX) minX = x!;
      if (x! > maxX) maxX = x!;
      if (y! < minY) minY = y!;
      if (y! > maxY) maxY = y!;
    }
  }
  return [minX, minY, maxX, maxY];
}

export function createGridLocator() {
  let grids: CachedGrid[] | null = null;
  let districtPath: string | null = null;
  let districtCode: string | null = null;

  async function load(db: Db) {
    const rows = await db
      .selectFrom('grid')
      .select(['id', 'path', 'community_code', 'street_code', 'boundary'])
      .execute();
    grids = rows.map((r) => {
      const boundary = (typeof r.boundary === 'string' ? JSON.parse(r.boundary) : r.boundary) as
        | Polygon
        | MultiPolygon;
      return {
        gridId: r.id,
        path: r.path,
        communityCode: r.community_code,
        streetCode: r.street_code,
        boundary,
        bbox: bboxOf(boundary),
      };
    });
    const district = await db
      .selectFrom('admin_division')
      .select(['path', 'code'])
      .where('level', '=', 3)
      .orderBy('code')
      .executeTakeFirst();
    districtPath = district?.path ?? '/';
    districtCode = district?.code ?? '000000000000';
  }

  function find(lng: number, lat: number): GridPlace | null {
    for (const g of grids ?? []) {
      const [x0, y0, x1, y1] = g.bbox;
      if (lng < x0 || lng > x1 || lat < y0 || lat > y1) continue;
      if (booleanPointInPolygon([lng, lat], g.boundary)) {
        return { gridId: g.gridId, path: g.path, communityCode: g.communityCode, streetCode: g.streetCode };
      }
    }
    return null;
  }

  return {
    /** The district's 12-digit division code (the Open311 jurisdiction). */
    async districtCode(db: Db): Promise<string> {
      if (!districtCode || districtCode === '000000000000') await load(db);
      return districtCode ?? '000000000000';
    },
    /** The grid containing the point, or null when it lies outside every grid of the district. */
    async locate(db: Db, lng: number, lat: number): Promise<GridPlace | null> {
      if (!grids) await load(db);
      const hit = find(lng, lat);
      if (hit) return hit;
      await load(db);
      return find(lng, lat);
    },
    /** The district's path: the scope of orders without a place, which the centre then places. */
    async districtPath(db: Db): Promise<string> {
      if (!districtPath || districtPath === '/') await load(db);
      return districtPath ?? '/';
    },
  };
}

export type GridLocator = ReturnType<typeof createGridLocator>;
