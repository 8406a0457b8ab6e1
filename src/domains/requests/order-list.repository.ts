// The staff's order list: scoped to the viewer's area (or, for unit staff, to what was dispatched to their
// units), filtered and paged, newest first.
import { sql } from 'kysely';
import { likeContains, likePrefix } from '../../lib/like-pattern.ts';
import type { Viewer } from '../../platform/auth/viewer.ts';
import type { Db } from '../../platform/db/index.ts';
import type { OrderListQuery } from './requests.schema.ts';
import type { OrderRow } from './work-orders.repository.ts';
import { OPEN_STATUSES } from './workflow.ts';

export async function findOrderPage(
  db: Db,
  viewer: Viewer,
  units: string[],
  q: OrderListQuery,
  offset: number,
): Promise<{ rows: OrderRow[]; total: number }> {
  let base = db.selectFrom('work_order').where((eb) => {
    const ors = [];
    if (viewer.role !== 'unit_handler') ors.push(eb('scope_path', 'like', likePrefix(viewer.scopePath)));
    if (units.length > 0) {
      ors.push(eb('lead_unit_code', 'in', units));
      ors.push(sql<boolean>`co_unit_codes && ${sql.val(units)}::text[]`);
    }
    return ors.length > 0 ? eb.or(ors) : eb.val(false);
  });
  if (q.status) base = base.where('status', '=', q.status);
  if (q.categoryCode) base = base.where('category_code', '=', q.categoryCode);
  if (q.unitCode) base = base.where('lead_unit_code', '=', q.unitCode);
  if (q.streetCode) base = base.where('street_code', '=', q.streetCode);
  if (q.communityCode) base = base.where('community_code', '=', q.communityCode);
  if (q.gridId !== undefined) base = base.where('grid_id', '=', q.gridId);
  if (q.supervised !== undefined) base = base.where('supervised', '=', q.supervised);
  // Overdue: still open past its resolve deadline, or resolved after it (a late order stays late).
  if (q.overdue) {
    const now = new Date();
    base = base.where((eb) =>
      eb.or([
        eb.and([eb('status', 'in', [...OPEN_STATUSES]), eb('resolve_due', '<', now)]),
        eb('resolved_at', '>', eb.ref('resolve_due')),
      ]),
    );
  }
  if (q.q) {
    const text = q.q.trim();
    // An order number is typed whole or by its first digits; text matches the problem or the address.
    base = base.where((eb) =>
      eb.or([
        eb('number', 'like', likePrefix(text)),
        eb('description', 'like', likeContains(text)),
        eb('address', 'like', likeContains(text)),
      ]),
    );
  }
  if (q.from) base = base.where('received_at', '>=', new Date(`${q.from}T00:00:00+08:00`));
  if (q.to)
    base = base.where('received_at', '<', new Date(Date.parse(`${q.to}T00:00:00+08:00`) + 86_400_000));
  const [rows, count] = await Promise.all([
    base
      .selectAll()
      .orderBy('received_at', 'desc')
      .orderBy('id', 'desc')
      .limit(q.pageSize)
      .offset(offset)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows: rows as OrderRow[], total: Number(count.n) };
}
