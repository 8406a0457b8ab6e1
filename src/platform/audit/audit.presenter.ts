// How audit entries leave the server: as JSON for the auditor's table, and as CSV for a spreadsheet.
import { stringify } from 'csv-stringify/sync';
import { escapeFormula } from '../../lib/csv-table.ts';
import type { AuditLogRow } from '../db/index.ts';
import { auditActionLabel } from './audit-actions.ts';

export interface AuditEntryView {
  seq: number;
  occurredAt: string;
  requestId: string | null;
  username: string | null;
  role: string | null;
  scopePath: string | null;
  action: string;
  actionLabel: string;
  entityType: string | null;
  entityIds: string[];
  purpose: string | null;
  outcome: string;
  ip: string | null;
  details: Record<string, unknown>;
}

export function presentAuditEntry(r: AuditLogRow): AuditEntryView {
  return {
    seq: Number(r.seq),
    occurredAt: new Date(r.occurred_at).toISOString(),
    requestId: r.request_id,
    username: r.username,
    role: r.role,
    scopePath: r.scope_path,
    action: r.action,
    actionLabel: auditActionLabel(r.action).zh,
    entityType: r.entity_type,
    entityIds: r.entity_ids,
    purpose: r.purpose,
    outcome: r.outcome,
    ip: r.ip,
    details: r.details,
  };
}

const CSV_COLUMNS: Array<[header: string, value: (e: AuditEntryView) => unknown]> = [
  ['序号 seq', (e) => e.seq],
  ['时间 time', (e) => e.occurredAt],
  ['用户 user', (e) => e.username],
  ['角色 role', (e) => e.role],
  ['范围 scope', (e) => e.scopePath],
  ['动作 action', (e) => e.action],
  ['动作名称 label', (e) => e.actionLabel],
  ['对象类型 entity type', (e) => e.entityType],
  ['对象 entities', (e) => e.entityIds.join(' ')],
  ['用途 purpose', (e) => e.purpose],
  ['结果 outcome', (e) => e.outcome],
  ['IP', (e) => e.ip],
  ['请求号 request id', (e) => e.requestId],
  ['详情 details', (e) => JSON.stringify(e.details)],
];

/**
 * The entries as CSV for Excel: UTF-8 with a byte-order mark (or Excel shows the Chinese as mojibake), CRLF line
 * ends, and every cell that a spreadsheet would run as a formula (= + - @) prefixed with an apostrophe.
 */
export function auditCsv(entries: AuditEntryView[]): string {
  const cell = (v: unknown) => escapeFormula(v === null || v === undefined ? '' : String(v));
  const rows = entries.map((e) => CSV_COLUMNS.map(([, value]) => cell(value(e))));
  return `\uFEFF${stringify([CSV_COLUMNS.map(([header]) => header), ...rows], { record_delimiter: 'windows' })}`;
}
