// The demo district's administrative tree and boundaries: a lattice of grid cells whose interior vertices are
// jittered (shared by neighbours, so the cells tile the district with no gap or overlap), grouped into
// communities of neighbouring cells and communities into streets. Street and community boundaries are the
// unions of their cells.
import turfArea from '@turf/area';
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import { featureCollection, polygon } from '@turf/helpers';
import union from '@turf/union';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import type { SeededRandom } from '../../lib/random/seeded.ts';

export type DemoSize = 'small' | 'medium' | 'large';

export const DEMO_DISTRICT = {
  code: '330192',
  name: '云溪区',
  city: '杭州市',
  province: '浙江省',
  edition: 2025,
  centerLng: 120.1,
  centerLat: 30.28,
} as const;

const STREET_NAMES = ['东湖街道', '西岭街道', '南山街道', '北塘街道', '云溪街道', '翠苑街道'];
const COMMUNITY_WORDS =
  '幸福 和平 桃源 青莲 春晖 明珠 锦绣 华庭 文澜 清波 金桥 紫荆 丰收 长乐 丽水 梅园 竹林 柳岸 月湖 星河 朝阳 新华 安康 永宁 景秀 望江 秋涛 凤起 古荡 翠柏 嘉禾 瑞丰 德胜 益民 兴隆'.split(
    ' ',
  );

interface LayoutShape {
  cols: number;
  rows: number;
  streetCols: number[];
  streetRows: number[];
  cellsPerCommunity: number;
}

const SHAPES: Record<DemoSize, LayoutShape> = {
  small: { cols: 6, rows: 4, streetCols: [0, 3, 6], streetRows: [0, 4], cellsPerCommunity: 4 },
  medium: { cols: 20, rows: 15, streetCols: [0, 7, 14, 20], streetRows: [0, 8, 15], cellsPerCommunity: 10 },
  large: { cols: 20, rows: 15, streetCols: [0, 7, 14, 20], streetRows: [0, 8, 15], cellsPerCommunity: 10 },
};

/** Cell size in degrees (≈ 390 m × 390 m at this latitude). */
const CELL_DLNG = 0.0041;
const CELL_DLAT = 0.0035;

export interface DemoGrid {
  id: number;
  localCode: string;
  name: string;
  path: string;
  communityCode: string;
  communityName: string;
  streetCode: string;
  streetName: string;
  polygon: Polygon;
  centerLng: number;
  centerLat: number;
  areaM2: number;
  /** 0..1: how far from the old dense core (drives density and facility supply). */
  remoteness: number;
  col: number;
  row: number;
}

export interface DemoDivision {
  code: string;
  level: 3 | 4 | 5;
  kind: string;
  name: string;
  parentCode: string | null;
  path: string;
  boundary: Polygon | MultiPolygon;
  centerLng: number;
  centerLat: number;
}

export interface DemoLayout {
  district: DemoDivision;
  streets: DemoDivision[];
  communities: DemoDivision[];
  grids: DemoGrid[];
}

function unionOf(polys: Polygon[]): Polygon | MultiPolygon {
  if (polys.length === 1) return polys[0]!;
  const merged = union(featureCollection(polys.map((p) => polygon(p.coordinates))));
  if (!merged) throw new Error('empty union');
  return (merged as Feature<Polygon | MultiPolygon>).geometry;
}

function centroidOf(polys: Polygon[]): [number, number] {
  let x = 0;
  let y = 0;
  let n = 0;
  for (const p of polys) {
    for (const [lng, lat] of (p.coordinates[0] as number[][]).slice(0, -1)) {
      x += lng!;
      y += lat!;
      n++;
    }
  }
  return [x / n, y / n];
}

export function generateLayout(size: DemoSize, rng: SeededRandom): DemoLayout {
  const shape = SHAPES[size];
  const originLng = DEMO_DISTRICT.centerLng - (shape.cols * CELL_DLNG) / 2;
  const originLat = DEMO_DISTRICT.centerLat - (shape.rows * CELL_DLAT) / 2;
  // Shared, jittered vertices: interior ones move up to 30% of a cell, the outer boundary stays straight.
  const vertex: number[][][] = [];
  for (let i = 0; i <= shape.cols; i++) {
    vertex.push([]);
    for (let j = 0; j <= shape.rows; j++) {
      const interior = i > 0 && i < shape.cols && j > 0 && j < shape.rows;
      const jx = interior ? (rng.next() - 0.5) * 0.6 * CELL_DLNG : 0;
      const jy = interior ? (rng.next() - 0.5) * 0.6 * CELL_DLAT : 0;
      vertex[i]!.push([
        +(originLng + i * CELL_DLNG + jx).toFixed(6),
        +(originLat + j * CELL_DLAT + jy).toFixed(6),
      ]);
    }
  }
  const cellPolygon = (i: number, j: number): Polygon => ({
    type: 'Polygon',
    coordinates: [
      [vertex[i]![j]!, vertex[i + 1]![j]!, vertex[i + 1]![j + 1]!, vertex[i]![j + 1]!, vertex[i]![j]!],
    ],
  });

  const districtCode12 = `${DEMO_DISTRICT.code}000000`;
  const districtPath = `/${DEMO_DISTRICT.code}/`;
  const streets: DemoDivision[] = [];
  const communities: DemoDivision[] = [];
  const grids: DemoGrid[] = [];
  const allCells: Polygon[] = [];
  let streetNo = 0;
  let communityWord = 0;
  for (let sr = 0; sr < shape.streetRows.length - 1; sr++) {
    for (let sc = 0; sc < shape.streetCols.length - 1; sc++) {
      streetNo++;
      const streetName = STREET_NAMES[streetNo - 1] ?? `第${streetNo}街道`;
      const streetCode9 = `${DEMO_DISTRICT.code}${String(streetNo).padStart(3, '0')}`;
      const streetPath = `${districtPath}${streetCode9}/`;
      // Snake order through the street's block keeps consecutive cells adjacent, so chunks are contiguous.
      const cells: Array<[number, number]> = [];
      for (let j = shape.streetRows[sr]!; j < shape.streetRows[sr + 1]!; j++) {
        const row: Array<[number, number]> = [];
        for (let i = shape.streetCols[sc]!; i < shape.streetCols[sc + 1]!; i++) row.push([i, j]);
        if ((j - shape.streetRows[sr]!) % 2 === 1) row.reverse();
        cells.push(...row);
      }
      const streetPolys: Polygon[] = [];
      let communityNo = 0;
      for (let start = 0; start < cells.length; start += shape.cellsPerCommunity) {
        let chunk = cells.slice(start, start + shape.cellsPerCommunity);
        // A short tail joins the previous community rather than standing alone.
        if (
          cells.length - start - chunk.length > 0 &&
          cells.length - start - chunk.length < shape.cellsPerCommunity / 2
        ) {
          chunk = cells.slice(start);
          start = cells.length;
        }
        communityNo++;
        const communityCode = `${streetCode9}${String(communityNo).padStart(3, '0')}`;
        const communityPath = `${streetPath}${communityCode}/`;
        const communityName = `${COMMUNITY_WORDS[communityWord++ % COMMUNITY_WORDS.length]}社区`;
        const polys: Polygon[] = [];
        chunk.forEach(([i, j], k) => {
          const poly = cellPolygon(i, j);
          polys.push(poly);
          const [cx, cy] = centroidOf([poly]);
          const dx = (i + 0.5) / shape.cols - 0.5;
          const dy = (j + 0.5) / shape.rows - 0.5;
          const localCode = String(k + 1).padStart(3, '0');
          grids.push({
            id: grids.length + 1,
            localCode,
            name: `${communityName}第${k + 1}网格`,
            path: `${communityPath}${localCode}/`,
            communityCode,
            communityName,
            streetCode: streetCode9,
            streetName,
            polygon: poly,
            centerLng: +cx.toFixed(6),
            centerLat: +cy.toFixed(6),
            areaM2: Math.round(turfArea(poly)),
            remoteness: Math.min(1, Math.sqrt(dx * dx + dy * dy) / 0.7),
            col: i,
            row: j,
          });
        });
        const [ccx, ccy] = centroidOf(polys);
        communities.push({
          code: communityCode,
          level: 5,
          kind: '社区居委会',
          name: communityName,
          parentCode: `${streetCode9}000`,
          path: communityPath,
          boundary: unionOf(polys),
          centerLng: +ccx.toFixed(6),
          centerLat: +ccy.toFixed(6),
        });
        streetPolys.push(...polys);
      }
      const [scx, scy] = centroidOf(streetPolys);
      streets.push({
        code: `${streetCode9}000`,
        level: 4,
        kind: '街道',
        name: streetName,
        parentCode: districtCode12,
        path: streetPath,
        boundary: unionOf(streetPolys),
        centerLng: +scx.toFixed(6),
        centerLat: +scy.toFixed(6),
      });
      allCells.push(...streetPolys);
    }
  }
  const district: DemoDivision = {
    code: districtCode12,
    level: 3,
    kind: '市辖区',
    name: DEMO_DISTRICT.name,
    parentCode: null,
    path: districtPath,
    boundary: {
      type: 'Polygon',
      coordinates: [
        [
          [originLng, originLat],
          [originLng + shape.cols * CELL_DLNG, originLat],
          [originLng + shape.cols * CELL_DLNG, originLat + shape.rows * CELL_DLAT],
          [originLng, originLat + shape.rows * CELL_DLAT],
          [originLng, originLat],
        ].map(([x, y]) => [+x!.toFixed(6), +y!.toFixed(6)]),
      ],
    },
    centerLng: DEMO_DISTRICT.centerLng,
    centerLat: DEMO_DISTRICT.centerLat,
  };
  return { district, streets, communities, grids };
}

/** Metres per degree of latitude, and of longitude at the district's latitude. */
const M_PER_DEG_LAT = 110_950;
const M_PER_DEG_LNG = 111_320 * Math.cos((DEMO_DISTRICT.centerLat * Math.PI) / 180);

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/**
 * A point inside a grid cell and away from its edges: a weighted mean of the cell's four corners with the
 * weights kept off 0 and 1. Jitter can make a cell slightly concave, so the point is checked and redrawn.
 */
export function pointInGrid(grid: DemoGrid, rng: SeededRandom, margin = 0.12): [number, number] {
  const [a, b, c, d] = grid.polygon.coordinates[0] as [number, number][];
  for (let attempt = 0; attempt < 20; attempt++) {
    const u = margin + rng.next() * (1 - 2 * margin);
    const v = margin + rng.next() * (1 - 2 * margin);
    const wa = (1 - u) * (1 - v);
    const wb = u * (1 - v);
    const wc = u * v;
    const wd = (1 - u) * v;
    const point: [number, number] = [
      round6(wa * a![0] + wb * b![0] + wc * c![0] + wd * d![0]),
      round6(wa * a![1] + wb * b![1] + wc * c![1] + wd * d![1]),
    ];
    if (booleanPointInPolygon(point, grid.polygon)) return point;
  }
  return [grid.centerLng, grid.centerLat];
}

/** A point within `radiusM` metres of (lng, lat) and inside the grid; (lng, lat) itself if none is found. */
export function pointNear(
  grid: DemoGrid,
  rng: SeededRandom,
  lng: number,
  lat: number,
  radiusM: number,
): [number, number] {
  for (let attempt = 0; attempt < 10; attempt++) {
    const r = radiusM * Math.sqrt(rng.next());
    const angle = rng.next() * 2 * Math.PI;
    const point: [number, number] = [
      round6(lng + (r * Math.cos(angle)) / M_PER_DEG_LNG),
      round6(lat + (r * Math.sin(angle)) / M_PER_DEG_LAT),
    ];
    if (booleanPointInPolygon(point, grid.polygon)) return point;
  }
  return [lng, lat];
}
