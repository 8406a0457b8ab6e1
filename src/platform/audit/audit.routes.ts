// The auditor's view of the trail: a filtered, paginated list, chain verification and a CSV export. Reading
// the trail is itself recorded in it.
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { escapeFormula } from '../../lib/csv-table.ts';
import { requirePermission } from '../auth/viewer.ts';
import type { AuditLogRow, Db } from '../db/index.ts';
import { offsetOf, PageQuery, pageOf } from '../http/pagination.ts';
import { AUDIT_ACTION_LABELS } from './audit-actions.ts';
import { verifyAuditChain } from './audit-log.ts';
import { auditRequest } from './request-audit.ts';

const AuditFilter = Type.Object({
  action: Type.Optional(Type.String({ maxLength: 64 })),
  username: Type.Optional(Type.String({ maxLength: 64 })),
  outcome: Type.Optional(Type.Union([Type.Literal('ok'), Type.Literal('denied'), Type.Literal('failed')])),
  from: Type.Optional(Type.String({ format: 'date', description: '起始日期 YYYY-MM-DD（含）' })),
  to: Type.Optional(Type.String({ format: 'date', description: '截止日期 YYYY-MM-DD（含）' })),
  entityType: Type.Optional(Type.String({ maxLength: 64 })),
  entityId: Type.Optional(Type.String({ maxLength: 64 })),
});
type AuditFilter = Static<typeof AuditFilter>;

const AuditItem = Type.Object({
  seq: Type.Integer(),
  occurredAt: Type.String(),
  requestId: Type.Union([Type.String(), Type.Null()]),
  username: Type.Union([Type.String(), Type.Null()]),
  role: Type.Union([Type.String(), Type.Null()]),
  scopePath: Type.Union([Type.String(), Type.Null()]),
  action: Type.String(),
  actionLabel: Type.String(),
  entityType: Type.Union([Type.String(), Type.Null()]),
  entityIds: Type.Array(Type.String()),
  purpose: Type.Union([Type.String(), Type.Null()]),
  outcome: Type.String(),
  ip: Type.Union([Type.String(), Type.Null()]),
  details: Type.Record(Type.String(), Type.Unknown()),
});

function filtered(db: Db, f: AuditFilter) {
  let q = db.selectFrom('audit_log');
  if (f.action) q = q.where('action', '=', f.action);
  if (f.username) q = q.where('username', '=', f.username);
  if (f.outcome) q = q.where('outcome', '=', f.outcome);
  if (f.from) q = q.where('occurred_at', '>=', new Date(`${f.from}T00:00:00+08:00`));
  if (f.to)
    q = q.where('occurred_at', '<', new Date(new Date(`${f.to}T00:00:00+08:00`).getTime() + 86_400_000));
  if (f.entityType) q = q.where('entity_type', '=', f.entityType);
  if (f.entityId) q = q.where(sql<boolean>`${f.entityId} = ANY(entity_ids)`);
  return q;
}

function present(r: AuditLogRow) {
  return {
    seq: Number(r.seq),
    occurredAt: new Date(r.occurred_at).toISOString(),
    requestId: r.request_id,
    username: r.username,
    role: r.role,
    scopePath: r.scope_path,
    action: r.action,
    actionLabel: AUDIT_ACTION_LABELS[r.action]?.zh ?? r.action,
    entityType: r.entity_type,
    entityIds: r.entity_ids,
    purpose: r.purpose,
    outcome: r.outcome,
    ip: r.ip,
    details: r.details,
  };
}

const EXPORT_LIMIT = 100_000;

export async function auditRoutes(app: FastifyInstance) {
  const db = app.deps.database.db;

  app.get(
    '/api/audit',
    {
      schema: {
        tags: ['audit'],
        summary: '审计日志（审计员），按时间倒序，可筛选',
        querystring: Type.Intersect([PageQuery, AuditFilter]),
        response: { 200: pageOf(AuditItem) },
      },
    },
    async (request) => {
      requirePermission(request, 'audit:read');
      const q = request.query as PageQuery & AuditFilter;
      const [rows, count] = await Promise.all([
        filtered(db, q).selectAll().orderBy('seq', 'desc').limit(q.pageSize).offset(offsetOf(q)).execute(),
        filtered(db, q).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow(),
      ]);
      const { page, pageSize, ...filter } = q;
      await auditRequest(db, request, { action: 'audit.read', details: { filter, page } });
      return { items: rows.map(present), total: Number(count.n), page, pageSize };
    },
  );

  app.get(
    '/api/audit/verify',
    {
      schema: {
        tags: ['audit'],
        summary: '校验审计日志哈希链（审计员）',
        response: {
          200: Type.Object({
            ok: Type.Boolean(),
            checked: Type.Integer(),
            firstProblem: Type.Optional(
              Type.Object({ seq: Type.Integer(), kind: Type.String(), message: Type.String() }),
            ),
          }),
        },
      },
    },
    async (request) => {
      requirePermission(request, 'audit:read');
      const result = await verifyAuditChain(db);
      await auditRequest(db, request, {
        action: 'audit.verify',
        outcome: 'ok',
        details: { intact: result.ok, checked: result.checked, firstProblem: result.firstProblem ?? null },
      });
      return result;
    },
  );

  app.get(
    '/api/audit/actions',
    {
      schema: {
        tags: ['audit'],
        summary: '审计动作及其中文名称',
        response: {
          200: Type.Array(
            Type.Object({ action: Type.String(), label: Type.String(), labelEn: Type.String() }),
          ),
        },
      },
    },
    async (request) => {
      requirePermission(request, 'audit:read');
      const seen = await db.selectFrom('audit_log').select('action').distinct().execute();
      const actions = new Set([...Object.keys(AUDIT_ACTION_LABELS), ...seen.map((r) => r.action)]);
      return [...actions].sort().map((action) => ({
        action,
        label: AUDIT_ACTION_LABELS[action]?.zh ?? action,
        labelEn: AUDIT_ACTION_LABELS[action]?.en ?? action,
      }));
    },
  );

  app.get(
    '/api/audit/export.csv',
    {
      schema: {
        tags: ['audit'],
        summary: '导出筛选后的审计日志为 CSV（UTF-8 BOM，公式字符已转义）',
        querystring: AuditFilter,
      },
    },
    async (request, reply) => {
      requirePermission(request, 'audit:read');
      const f = request.query as AuditFilter;
      const rows = await filtered(db, f).selectAll().orderBy('seq', 'desc').limit(EXPORT_LIMIT).execute();
      await auditRequest(db, request, { action: 'audit.export', details: { filter: f, rows: rows.length } });
      const header = [
        '序号',
        '时间',
        '用户',
        '角色',
        '范围',
        '动作',
        '对象类型',
        '对象',
        '用途',
        '结果',
        'IP',
        '请求号',
      ];
      const cell = (v: unknown) => {
        const s = escapeFormula(v === null || v === undefined ? '' : String(v));
        return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
      };
      const lines = [header.join(',')];
      for (const r of rows.map(present)) {
        lines.push(
          [
            r.seq,
            r.occurredAt,
            r.username,
            r.role,
            r.scopePath,
            r.actionLabel,
            r.entityType,
            r.entityIds.join(' '),
            r.purpose,
            r.outcome,
            r.ip,
            r.requestId,
          ]
            .map(cell)
            .join(','),
        );
      }
      reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="audit-log.csv"')
        .header('cache-control', 'no-store');
      return `\uFEFF${lines.join('\r\n')}\r\n`;
    },
  );
}
