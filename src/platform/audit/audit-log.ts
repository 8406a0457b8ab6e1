// The tamper-evident audit trail. Each entry's hash is SM3 (GB/T 32905, what 密评 expects) over the previous entry's hash and the entry's own
// canonical content, so changing, inserting or deleting any entry breaks every hash after it. Appends take the
// chain head's row lock inside the caller's transaction: the entry commits or rolls back with the work it records.
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../db/index.ts';
import type { AuditLogRow } from '../db/schema.ts';

export interface AuditEntry {
  action: string;
  outcome?: 'ok' | 'denied' | 'failed';
  requestId?: string | null;
  accountId?: number | null;
  username?: string | null;
  role?: string | null;
  scopePath?: string | null;
  entityType?: string | null;
  entityIds?: Array<string | number>;
  purpose?: string | null;
  ip?: string | null;
  details?: Record<string, unknown>;
}

export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted at every level, so that jsonb's reordering cannot change a hash. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(value as object).sort();
  return `{${keys
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
    .join(',')}}`;
}

type HashedFields = Omit<AuditLogRow, 'hash'>;

export function chainHash(row: HashedFields): string {
  const occurredAt =
    row.occurred_at instanceof Date ? row.occurred_at.toISOString() : String(row.occurred_at);
  const content = canonicalJson([
    Number(row.seq),
    occurredAt,
    row.request_id,
    row.account_id,
    row.username,
    row.role,
    row.scope_path,
    row.action,
    row.entity_type,
    row.entity_ids,
    row.purpose,
    row.outcome,
    row.ip,
    row.details,
  ]);
  return createHash('sm3').update(row.prev_hash).update('\n').update(content).digest('hex');
}

/** The chained rows of `entries` after the head (`seq`, `hash`). */
export function chainRows(entries: AuditEntry[], headSeq: number, headHash: string): AuditLogRow[] {
  let seq = headSeq;
  let prev = headHash;
  // Millisecond precision: what PostgreSQL stores is exactly what the hash covered.
  const now = new Date(Math.floor(Date.now()));
  const rows: AuditLogRow[] = [];
  for (const e of entries) {
    seq += 1;
    const fields: HashedFields = {
      seq,
      occurred_at: now,
      request_id: e.requestId ?? null,
      account_id: e.accountId ?? null,
      username: e.username ?? null,
      role: e.role ?? null,
      scope_path: e.scopePath ?? null,
      action: e.action,
      entity_type: e.entityType ?? null,
      entity_ids: (e.entityIds ?? []).map(String),
      purpose: e.purpose ?? null,
      outcome: e.outcome ?? 'ok',
      ip: e.ip ?? null,
      details: JSON.parse(JSON.stringify(e.details ?? {})),
      prev_hash: prev,
    };
    const hash = chainHash(fields);
    rows.push({ ...fields, hash });
    prev = hash;
  }
  return rows;
}

export interface ChainHead {
  seq: number;
  hash: string;
}

/** The chain head, locked until the caller's transaction ends: appends after it are chained onto it. */
export async function lockAuditHead(trx: Db): Promise<ChainHead> {
  const head = await trx
    .selectFrom('audit_chain_head')
    .select(['seq', 'hash'])
    .where('id', '=', 1)
    .forUpdate()
    .executeTakeFirstOrThrow();
  return { seq: Number(head.seq), hash: head.hash };
}

async function appendInTransaction(trx: Db, entries: AuditEntry[]): Promise<{ seq: number; hash: string }> {
  const head = await lockAuditHead(trx);
  const rows = chainRows(entries, Number(head.seq), head.hash);
  const last = rows.at(-1)!;
  await trx
    .insertInto('audit_log')
    .values(rows.map((r) => ({ ...r, details: JSON.stringify(r.details) })))
    .execute();
  await trx
    .updateTable('audit_chain_head')
    .set({ seq: last.seq, hash: last.hash })
    .where('id', '=', 1)
    .execute();
  return { seq: Number(last.seq), hash: last.hash };
}

/**
 * An append that is part of a bigger statement (the request intake writes a whole group's rows and their audit
 * entries in one statement, so that it needs no transaction of its own). `guard` is the body of a CTE that moves
 * the head from `expected` to the last row and returns a row only when the head still was `expected` (waiting,
 * like the locking read, for a transaction holding it); `insert` writes the rows only when it did, and the caller
 * writes nothing else either. A head moved by another writer makes the statement write nothing: the caller then
 * locks the head (`lockAuditHead`) and writes again on it.
 */
export function guardedAuditAppend(rows: AuditLogRow[], expected: ChainHead, guardName: string) {
  const last = rows.at(-1)!;
  const guard = sql`update audit_chain_head set seq = ${last.seq}::bigint, hash = ${last.hash}::text
    where id = 1 and seq = ${expected.seq}::bigint and hash = ${expected.hash}::text
    returning seq`;
  const json = JSON.stringify(
    rows.map((r) => ({ ...r, occurred_at: new Date(r.occurred_at).toISOString() })),
  );
  const insert = sql`insert into audit_log (seq, occurred_at, request_id, account_id, username, role, scope_path,
      action, entity_type, entity_ids, purpose, outcome, ip, details, prev_hash, hash)
    select x.seq, x.occurred_at, x.request_id, x.account_id, x.username, x.role, x.scope_path, x.action,
      x.entity_type, array(select json_array_elements_text(x.entity_ids)), x.purpose, x.outcome, x.ip, x.details,
      x.prev_hash, x.hash
    from json_to_recordset(${json}::json) as x(seq bigint, occurred_at timestamptz, request_id text,
      account_id integer, username text, role text, scope_path text, action text, entity_type text,
      entity_ids json, purpose text, outcome text, ip text, details jsonb, prev_hash text, hash text)
    where exists (select 1 from ${sql.table(guardName)})`;
  return { guard, insert, head: { seq: Number(last.seq), hash: last.hash } };
}

/** Appends entries to the chain, in the caller's transaction when `db` is one. */
export async function appendAudit(db: Db, entries: AuditEntry | AuditEntry[]): Promise<void> {
  const list = Array.isArray(entries) ? entries : [entries];
  if (list.length === 0) return;
  if (db.isTransaction) {
    await appendInTransaction(db, list);
    return;
  }
  await db.transaction().execute((trx) => appendInTransaction(trx, list));
}

export type AuditProblemKind = 'altered' | 'inserted_or_reordered' | 'deleted' | 'head_mismatch';

export interface AuditVerifyResult {
  ok: boolean;
  checked: number;
  firstProblem?: { seq: number; kind: AuditProblemKind; message: string };
}

const VERIFY_PAGE = 5000;

/**
 * Recomputes the whole chain. Reports the first entry whose content no longer matches its hash (altered), whose
 * predecessor link is broken or whose number is out of order (inserted), or where numbers skip or the chain ends
 * before the recorded head (deleted).
 */
export async function verifyAuditChain(
  db: Db,
  onProgress?: (checked: number, total: number) => void,
): Promise<AuditVerifyResult> {
  const head = await db
    .selectFrom('audit_chain_head')
    .select(['seq', 'hash'])
    .where('id', '=', 1)
    .executeTakeFirstOrThrow();
  const total = Number(
    (await db.selectFrom('audit_log').select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow()).n,
  );
  let expectedSeq = 1;
  let prev = GENESIS_HASH;
  let checked = 0;
  let after = 0;
  for (;;) {
    const page = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('seq', '>', after)
      .orderBy('seq')
      .limit(VERIFY_PAGE)
      .execute();
    for (const row of page) {
      const seq = Number(row.seq);
      if (seq > expectedSeq) {
        return fail(checked, seq, 'deleted', `条目 ${expectedSeq}–${seq - 1} 缺失（被删除）`);
      }
      if (seq < expectedSeq) return fail(checked, seq, 'inserted_or_reordered', `条目 ${seq} 序号重复或乱序`);
      if (row.prev_hash !== prev) {
        return fail(checked, seq, 'inserted_or_reordered', `条目 ${seq} 与前一条目的链接断开（插入或删除）`);
      }
      if (chainHash(row) !== row.hash) return fail(checked, seq, 'altered', `条目 ${seq} 的内容被篡改`);
      prev = row.hash;
      expectedSeq = seq + 1;
      checked++;
    }
    onProgress?.(checked, total);
    if (page.length < VERIFY_PAGE) break;
    after = Number(page[page.length - 1]!.seq);
  }
  if (Number(head.seq) !== expectedSeq - 1 || head.hash !== prev) {
    return fail(
      checked,
      expectedSeq,
      'head_mismatch',
      `链尾与记录的链头不符：第 ${expectedSeq} 条之后的条目被删除`,
    );
  }
  return { ok: true, checked };
}

function fail(checked: number, seq: number, kind: AuditProblemKind, message: string): AuditVerifyResult {
  return { ok: false, checked, firstProblem: { seq, kind, message } };
}
