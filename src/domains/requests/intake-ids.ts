// Ids for the rows intake writes, taken from the tables' own sequences ahead of the write: a group's audit entries
// name its new orders and requesters, and they are written in the same statement. Taking them in blocks (like a
// sequence's CACHE) spares most groups the round trip; what a process holds when it stops is a gap in the
// numbers, as a rolled-back insert leaves one.
import type { Db } from '../../platform/db/index.ts';
import { takeIntakeIds } from './work-orders.repository.ts';

export interface IntakeIdCounts {
  orders: number;
  requesters: number;
  events: number;
}

export function createIntakeIdPool(block = 64) {
  let held: { orders: number[]; requesters: number[]; events: number[] } = {
    orders: [],
    requesters: [],
    events: [],
  };
  const lacking = (have: number, need: number) => (need > have ? need - have + block : 0);
  return {
    async take(
      db: Db,
      need: IntakeIdCounts,
    ): Promise<{ orders: number[]; requesters: number[]; events: number[] }> {
      const more = {
        orders: lacking(held.orders.length, need.orders),
        requesters: lacking(held.requesters.length, need.requesters),
        events: lacking(held.events.length, need.events),
      };
      if (more.orders + more.requesters + more.events > 0) {
        const fresh = await takeIntakeIds(db, more);
        held = {
          orders: [...held.orders, ...fresh.orders],
          requesters: [...held.requesters, ...fresh.requesters],
          events: [...held.events, ...fresh.events],
        };
      }
      return {
        orders: held.orders.splice(0, need.orders),
        requesters: held.requesters.splice(0, need.requesters),
        events: held.events.splice(0, need.events),
      };
    },
    /**
     * Forgets the ids held: after a failed write, in case it failed because something else wrote rows with them
     * (a bulk load that numbers its rows after the highest id), so that the next write takes fresh ones.
     */
    clear() {
      held = { orders: [], requesters: [], events: [] };
    },
  };
}
