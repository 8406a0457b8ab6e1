// The demo district's 接诉即办 history and its live arrivals: two years of generated request texts (the demo
// domain's request-history generator) placed in the grids they name, loaded as work orders with realistic
// outcomes, then the evaluation roll-up; and while `npm start` runs, a new request now and then through the
// normal intake path. Deterministic for a seed (the live arrivals continue the same generator day by day).
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import type { MultiPolygon, Polygon } from 'geojson';
import { createWorkCalendar } from '../../lib/calendar/working-time.ts';
import { seededRandom } from '../../lib/random/seeded.ts';
import type { FieldCipher } from '../../platform/crypto/field-cipher.ts';
import type { Database } from '../../platform/db/index.ts';
import { type GeneratedRequest, generateRequestHistory, type RequestArea } from '../demo/request-history.ts';
import type { CategoryCatalog } from './category-catalog.ts';
import { rebuildRollup } from './evaluation.repository.ts';
import { type HistoricRequest, loadOrderHistory } from './order-history.ts';
import type { Channel, WorkOrderService } from './work-orders.service.ts';

interface DemoGrid {
  id: number;
  path: string;
  name: string;
  streetCode: string;
  communityCode: string;
  boundary: Polygon | MultiPolygon;
  centerLng: number;
  centerLat: number;
}

interface DemoPlaces {
  areas: RequestArea[];
  gridsByHint: Map<string, DemoGrid[]>;
}

const CHANNELS: Record<GeneratedRequest['channel'], Channel> = {
  hotline: 'hotline',
  app: 'portal',
  wechat: 'portal',
  grid_patrol: 'patrol',
};

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗';
const GIVEN = '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英';

async function demoPlaces(database: Database): Promise<DemoPlaces> {
  const grids = await database.db
    .selectFrom('grid')
    .innerJoin('admin_division as c', 'c.code', 'grid.community_code')
    .innerJoin('admin_division as s', 's.code', 'c.parent_code')
    .select([
      'grid.id',
      'grid.path',
      'grid.name',
      'grid.street_code',
      'grid.community_code',
      'grid.boundary',
      'grid.center_lng',
      'grid.center_lat',
      'c.name as community',
      's.name as street',
    ])
    .orderBy('grid.id')
    .execute();
  const areas: RequestArea[] = [];
  const gridsByHint = new Map<string, DemoGrid[]>();
  for (const g of grids) {
    const grid: DemoGrid = {
      id: g.id,
      path: g.path,
      name: g.name,
      streetCode: g.street_code,
      communityCode: g.community_code,
      boundary: (typeof g.boundary === 'string' ? JSON.parse(g.boundary) : g.boundary) as
        | Polygon
        | MultiPolygon,
      centerLng: g.center_lng,
      centerLat: g.center_lat,
    };
    areas.push({ street: g.street, community: g.community, grid: g.name });
    for (const hint of [g.name, g.community]) {
      const list = gridsByHint.get(hint) ?? [];
      list.push(grid);
      gridsByHint.set(hint, list);
    }
  }
  return { areas, gridsByHint };
}

/** A point inside the grid near its centre (a few tries of jitter, else the centre). */
function pointIn(grid: DemoGrid, rand: () => number): { lng: number; lat: number } {
  for (let i = 0; i < 8; i++) {
    const lng = grid.centerLng + (rand() - 0.5) * 0.004;
    const lat = grid.centerLat + (rand() - 0.5) * 0.003;
    if (booleanPointInPolygon([lng, lat], grid.boundary))
      return { lng: Math.round(lng * 1e6) / 1e6, lat: Math.round(lat * 1e6) / 1e6 };
  }
  return { lng: grid.centerLng, lat: grid.centerLat };
}

function toHistoric(g: GeneratedRequest, places: DemoPlaces, rand: () => number): HistoricRequest | null {
  const candidates = places.gridsByHint.get(g.areaHint);
  if (!candidates || candidates.length === 0) return null;
  const grid = candidates[Math.floor(rand() * candidates.length)]!;
  const anonymous = rand() < 0.25;
  const name = `${SURNAMES[Math.floor(rand() * SURNAMES.length)]}${GIVEN[Math.floor(rand() * GIVEN.length)]}${rand() < 0.5 ? GIVEN[Math.floor(rand() * GIVEN.length)] : ''}`;
  const phone = `1${3 + Math.floor(rand() * 7)}${String(Math.floor(rand() * 1e9)).padStart(9, '0')}`;
  return {
    description: g.text,
    categoryCode: g.categoryCode,
    receivedAt: g.receivedAt,
    channel: CHANNELS[g.channel],
    ...pointIn(grid, rand),
    grid: {
      id: grid.id,
      path: grid.path,
      streetCode: grid.streetCode,
      communityCode: grid.communityCode,
    },
    requester: anonymous || g.channel === 'grid_patrol' ? null : { name, phone },
  };
}

/** Requests per day by demo size: a district of 100,000 residents hears from a few dozen a day. */
export const DEMO_REQUESTS_PER_DAY = { small: 8, medium: 50, large: 250 } as const;

/** Loads two years of request history ending `now` as work orders; returns how many. */
export async function loadRequestDemo(
  database: Database,
  cipher: FieldCipher,
  catalog: CategoryCatalog,
  options: {
    seed: number;
    perDay: number;
    now?: Date;
    days?: number;
    onProgress?: (done: number, total: number) => void;
  },
): Promise<number> {
  const now = options.now ?? new Date();
  const days = options.days ?? 730;
  const places = await demoPlaces(database);
  if (places.areas.length === 0) return 0;
  const start = new Date(now.getTime() - days * 86_400_000);
  const generated = generateRequestHistory({
    seed: options.seed,
    start,
    days,
    perDay: options.perDay,
    areas: places.areas,
  }).filter((g) => g.receivedAt.getTime() <= now.getTime());
  const rand = seededRandom(options.seed + 1);
  const requests = generated
    .map((g) => toHistoric(g, places, rand))
    .filter((r): r is HistoricRequest => r !== null);
  const n = await loadOrderHistory(database, requests, {
    catalog,
    calendar: createWorkCalendar(),
    cipher,
    seed: options.seed,
    now,
    full: true,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  await rebuildRollup(database.db, null);
  return n;
}

/**
 * New requests arriving while the demo runs: each call submits the next generated request through the normal
 * intake path (hotline requests come classified; app and WeChat ones wait for the centre to classify them).
 */
export function createLiveArrivals(database: Database, service: WorkOrderService, seed: number) {
  let places: DemoPlaces | null = null;
  let queue: GeneratedRequest[] = [];
  let day = 0;
  const rand = seededRandom(seed);
  return async function arrive(): Promise<void> {
    places ??= await demoPlaces(database);
    if (places.areas.length === 0) return;
    if (queue.length === 0) {
      queue = generateRequestHistory({
        seed: seed + day++,
        start: new Date(),
        days: 1,
        perDay: 40,
        areas: places.areas,
      });
    }
    const next = queue.shift();
    if (!next) return;
    const h = toHistoric(next, places, rand);
    if (!h) return;
    await service.intake(
      { viewer: null, audit: { requestId: null, ip: null } },
      {
        channel: h.channel,
        description: h.description,
        categoryCode: h.channel === 'portal' ? null : h.categoryCode,
        ...(h.channel === 'patrol' ? { eventCode: null } : {}),
        lng: h.lng,
        lat: h.lat,
        anonymous: h.requester === null,
        name: h.requester?.name ?? null,
        phone: h.requester?.phone ?? null,
      },
      null,
    );
  };
}
