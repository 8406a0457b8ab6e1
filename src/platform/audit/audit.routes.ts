// The auditor's view of the trail (permission 'audit:read'): a filtered, paginated list, chain verification, the
// actions for the filter and a CSV export. Reading, verifying and exporting the trail are themselves recorded in it.
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { requirePermission } from '../auth/viewer.ts';
import { AppError } from '../http/errors.ts';
import { offsetOf, PageQuery, pageOf } from '../http/pagination.ts';
import { auditCsv, presentAuditEntry } from './audit.presenter.ts';
import { actionsInTrail, findAuditEntries } from './audit.repository.ts';
import { AUDIT_ACTION_LABELS, auditActionLabel } from './audit-actions.ts';
import { verifyAuditChain } from './audit-log.ts';
import { auditRequest } from './request-audit.ts';

const AuditFilter = Type.Object({
  action: Type.Optional(Type.String({ maxLength: 64 })),
  username: Type.Optional(Type.String({ maxLength: 64 })),
  outcome: Type.Optional(Type.Union([Type.Literal('ok'), Type.Literal('denied'), Type.Literal('failed')])),
  from: Type.Optional(Type.String({ format: 'date', description: '起始日期 YYYY-MM-DD（含，北京时间）' })),
  to: Type.Optional(Type.String({ format: 'date', description: '截止日期 YYYY-MM-DD（含，北京时间）' })),
  entityType: Type.Optional(Type.String({ maxLength: 64 })),
  entityId: Type.Optional(Type.String({ maxLength: 64 })),
});
type AuditFilter = Static<typeof AuditFilter>;
const AuditListQuery = Type.Intersect([PageQuery, AuditFilter]);

const NullableString = Type.Union([Type.String(), Type.Null()]);

const AuditItem = Type.Object({
  seq: Type.Integer(),
  occurredAt: Type.String(),
  requestId: NullableString,
  username: NullableString,
  role: NullableString,
  scopePath: NullableString,
  action: Type.String(),
  actionLabel: Type.String({ description: '动作中文名' }),
  entityType: NullableString,
  entityIds: Type.Array(Type.String()),
  purpose: NullableString,
  outcome: Type.String(),
  ip: NullableString,
  details: Type.Record(Type.String(), Type.Unknown()),
});

const VerifyResult = Type.Object({
  ok: Type.Boolean(),
  checked: Type.Integer({ description: '校验通过的条目数' }),
  firstProblem: Type.Optional(
    Type.Object({
      seq: Type.Integer(),
      kind: Type.String({ description: 'altered | inserted_or_reordered | deleted | head_mismatch' }),
      message: Type.String(),
    }),
  ),
});

/** Rows one export may hold; a larger trail is exported in date ranges. */
const EXPORT_LIMIT = 100_000;

function checkedFilter(f: AuditFilter): AuditFilter {
  if (f.from && f.to && f.from > f.to) {
    throw new AppError('VALIDATION_FAILED', [
      { field: 'querystring/to', message: '截止日期早于起始日期', messageEn: '"to" is before "from"' },
    ]);
  }
  return f;
}

export async function auditRoutes(app: FastifyInstance) {
  const db = app.deps.database.db;

  app.get(
    '/api/audit',
    {
      schema: {
        tags: ['audit'],
        summary: '审计日志（审计员），按时间倒序，可按动作、用户、结果、日期、对象筛选',
        querystring: AuditListQuery,
        response: { 200: pageOf(AuditItem) },
      },
    },
    async (request) => {
      requirePermission(request, 'audit:read');
      const { page, pageSize, ...filter } = request.query as Static<typeof AuditListQuery>;
      const found = await findAuditEntries(db, checkedFilter(filter), {
        limit: pageSize,
        offset: offsetOf({ page, pageSize }),
      });
      await auditRequest(db, request, { action: 'audit.read', details: { filter, page, pageSize } });
      return { items: found.rows.map(presentAuditEntry), total: found.total, page, pageSize };
    },
  );

  app.get(
    '/api/audit/verify',
    {
      schema: {
        tags: ['audit'],
        summary: '校验审计日志哈希链（审计员）：找出第一条被篡改、插入或删除的条目',
        response: { 200: VerifyResult },
      },
    },
    async (request) => {
      requirePermission(request, 'audit:read');
      const result = await verifyAuditChain(db);
      await auditRequest(db, request, {
        action: 'audit.verify',
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
        summary: '审计动作及其中文名称（供筛选）',
        response: {
          200: Type.Array(
            Type.Object({ action: Type.String(), label: Type.String(), labelEn: Type.String() }),
          ),
        },
      },
    },
    async (request) => {
      requirePermission(request, 'audit:read');
      const actions = new Set([...Object.keys(AUDIT_ACTION_LABELS), ...(await actionsInTrail(db))]);
      return [...actions].sort().map((action) => {
        const label = auditActionLabel(action);
        return { action, label: label.zh, labelEn: label.en };
      });
    },
  );

  app.get(
    '/api/audit/export.csv',
    {
      schema: {
        tags: ['audit'],
        summary: `导出筛选后的审计日志为 CSV（UTF-8 BOM，公式字符已转义，最多 ${EXPORT_LIMIT} 条）`,
        querystring: AuditFilter,
      },
    },
    async (request, reply) => {
      requirePermission(request, 'audit:read');
      const filter = checkedFilter(request.query as AuditFilter);
      const found = await findAuditEntries(db, filter, { limit: EXPORT_LIMIT, offset: 0 });
      await auditRequest(db, request, {
        action: 'audit.export',
        details: { filter, rows: found.rows.length, total: found.total },
      });
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="audit-log.csv"')
        .header('x-total-count', String(found.total))
        .send(auditCsv(found.rows.map(presentAuditEntry)));
    },
  );
}
