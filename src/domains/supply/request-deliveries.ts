// The demo's services caused by resident requests: each resolved request of a home-service category (home-based
// elderly care, meals for the elderly, elderly people living alone, repairs) becomes one delivery by a provider
// that serves the area and offers the category, to a resident of the request's grid, with
// source_kind = 'request' and source_id = the work order number. So a request can be traced to the service it
// caused and what that cost. Runs once, after the request history is loaded.
import { xorshift32 } from '../../lib/random/seeded.ts';
import type { Db } from '../../platform/db/index.ts';
import { REQUEST_CATEGORIES } from '../requests/categories.ts';

/** Request categories (by their Chinese leaf name) and the provider category that answers them. */
const ANSWERED_BY: Record<string, string> = {
  居家养老: 'elderly_care',
  老年食堂助餐: 'meal_delivery',
  独居老人关爱: 'elderly_care',
  公共设施维修: 'home_repair',
  房屋漏雨渗水: 'home_repair',
};

const PRICE_PER_HOUR = 60;

export async function addRequestDeliveries(db: Db, seed: number): Promise<number> {
  const already = await db
    .selectFrom('service_delivery')
    .select('id')
    .where('source_kind', '=', 'request')
    .limit(1)
    .executeTakeFirst();
  if (already) return 0;
  const categoryOf = new Map(
    REQUEST_CATEGORIES.filter((c) => c.zh in ANSWERED_BY).map((c) => [c.code, ANSWERED_BY[c.zh]!]),
  );
  if (categoryOf.size === 0) return 0;
  const orders = await db
    .selectFrom('work_order as o')
    .innerJoin('grid as g', 'g.id', 'o.grid_id')
    .where('o.category_code', 'in', [...categoryOf.keys()])
    .where('o.resolved_at', 'is not', null)
    .select([
      'o.number',
      'o.category_code',
      'o.grid_id',
      'o.scope_path',
      'o.resolved_at',
      'o.satisfaction',
      'g.street_code',
      'g.path',
    ])
    .orderBy('o.id')
    .execute();
  if (orders.length === 0) return 0;
  const providers = await db
    .selectFrom('service_provider')
    .select(['id', 'scope_path', 'service_categories', 'price_per_hour'])
    .where('status', '=', 'active')
    .orderBy('id')
    .execute();
  const residentsByGrid = new Map<number, number[]>();
  const gridIds = [...new Set(orders.map((o) => o.grid_id!))];
  for (let i = 0; i < gridIds.length; i += 500) {
    const rows = await db
      .selectFrom('person')
      .select(['id', 'grid_id'])
      .where('grid_id', 'in', gridIds.slice(i, i + 500))
      .orderBy('id')
      .execute();
    for (const r of rows) {
      const list = residentsByGrid.get(r.grid_id!);
      if (list) list.push(r.id);
      else residentsByGrid.set(r.grid_id!, [r.id]);
    }
  }
  // The same seed gives the same deliveries (xorshift32: the demo's deliveries were generated with it).
  const next = xorshift32(seed);
  const rows = orders.flatMap((o) => {
    const category = categoryOf.get(o.category_code!)!;
    const serving = providers.filter(
      (p) => o.path.startsWith(p.scope_path) && p.service_categories.includes(category),
    );
    const residents = residentsByGrid.get(o.grid_id!) ?? [];
    if (serving.length === 0 || residents.length === 0) return [];
    const provider = serving[Math.floor(next() * serving.length)]!;
    const minutes = 30 + 15 * Math.floor(next() * 6);
    const startedAt = new Date(new Date(o.resolved_at!).getTime() - minutes * 60_000);
    const rating =
      o.satisfaction === null ? null : Math.max(1, Math.min(5, Math.round(Number(o.satisfaction))));
    return [
      {
        street_code: o.street_code,
        grid_id: o.grid_id!,
        scope_path: o.path,
        provider_id: provider.id,
        person_id: residents[Math.floor(next() * residents.length)]!,
        worker_name: '服务人员',
        category,
        description: `响应诉求 ${o.number}`,
        started_at: startedAt,
        minutes,
        cost: ((minutes / 60) * Number(provider.price_per_hour ?? PRICE_PER_HOUR)).toFixed(2),
        source_kind: 'request' as const,
        source_id: o.number,
        confirmed_at: rating === null ? null : new Date(startedAt.getTime() + minutes * 60_000),
        resident_rating: rating,
        recorded_by: 1,
      },
    ];
  });
  for (let i = 0; i < rows.length; i += 1000) {
    await db
      .insertInto('service_delivery')
      .values(rows.slice(i, i + 1000))
      .execute();
  }
  return rows.length;
}
