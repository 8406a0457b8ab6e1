// The audit trail as the auditor queries it: one filter over audit_log, newest entries first.
import { sql } from 'kysely';
import type { AuditLogRow, Db } from '../db/index.ts';

export interface AuditFilter {
  action?: string | undefined;
  username?: string | undefined;
  outcome?: 'ok' | 'denied' | 'failed' | undefined;
  /** First and last day (YYYY-MM-DD, both included), in China Standard Time like the people who ask. */
  from?: string | undefined;
  to?: string | undefined;
  entityType?: string | undefined;
  entityId?: string | undefined;
}

const DAY_MS = 86_400_000;

/** Midnight at the start of a YYYY-MM-DD day in China Standard Time (UTC+8, no daylight saving). */
export function startOfChinaDay(day: string): Date {
  return new Date(`${day}T00:00:00+08:00`);
}

function filtered(db: Db, f: AuditFilter) {
  let q = db.selectFrom('audit_log');
  if (f.action) q = q.where('action', '=', f.action);
  if (f.username) q = q.where('username', '=', f.username);
  if (f.outcome) q = q.where('outcome', '=', f.outcome);
  if (f.from) q = q.where('occurred_at', '>=', startOfChinaDay(f.from));
  if (f.to) q = q.where('occurred_at', '<', new Date(startOfChinaDay(f.to).getTime() + DAY_MS));
  if (f.entityType) q = q.where('entity_type', '=', f.entityType);
  if (f.entityId) q = q.where(sql<boolean>`${f.entityId} = ANY(entity_ids)`);
  return q;
}

export async function findAuditEntries(
  db: Db,
  f: AuditFilter,
  window: { limit: number; offset: number },
): Promise<{ rows: AuditLogRow[]; total: number }> {
  const [rows, count] = await Promise.all([
    filtered(db, f).selectAll().orderBy('seq', 'desc').limit(window.limit).offset(window.offset).execute(),
    filtered(db, f).select(sql<string>`count(*)`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

/** The actions that occur in the trail, for the auditor's filter. */
export async function actionsInTrail(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('audit_log').select('action').distinct().execute();
  return rows.map((r) => r.action);
}
