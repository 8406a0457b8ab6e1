// Read-side routes of the staff console for work orders: the reference lists its forms need (categories, units,
// urban-management classes), the export of a filtered list as CSV or XLSX, the orders related to one order
// (merged into it, the one it was merged into, similar open ones nearby) and its photos. Every read is scoped like
// the list and the detail: an order outside the viewer's area and units is 404, an export counts nothing outside.
import { Type } from '@sinclair/typebox';
import { stringify } from 'csv-stringify/sync';
import type { FastifyInstance } from 'fastify';
import { escapeFormula } from '../../lib/csv-table.ts';
import { rankCandidates } from '../../lib/incident/same-incident.ts';
import { maskPersonalNumbers } from '../../lib/masking.ts';
import { reportToXlsx } from '../../lib/report/xlsx.ts';
import { requirePermission } from '../../platform/auth/viewer.ts';
import { AppError } from '../../platform/http/errors.ts';
import type { RequestsContext } from './context.ts';
import { presentOrderSummary } from './order.presenter.ts';
import { findOrderPage } from './order-list.repository.ts';
import { IdParams, OrderListQuery, OrderSummaryOut } from './requests.schema.ts';
import { URBAN_CLASSES } from './urban-event-codes.ts';
import { findOpenOrdersNear, findOrder, type OrderRow, unitNames } from './work-orders.repository.ts';

/** An export is a working list, not a data dump: beyond this the filters must narrow it first. */
export const EXPORT_MAX_ROWS = 10_000;

const ExportParams = Type.Object({ format: Type.Union([Type.Literal('csv'), Type.Literal('xlsx')]) });

export const ReferenceOut = Type.Object({
  categories: Type.Array(
    Type.Object({
      code: Type.String(),
      name: Type.String(),
      nameEn: Type.String(),
      majorName: Type.String(),
      unitName: Type.String(),
    }),
  ),
  units: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), kind: Type.String() })),
  urbanClasses: Type.Array(
    Type.Object({ code: Type.String(), kind: Type.String(), major: Type.String(), minor: Type.String() }),
  ),
});

export const RelatedItem = Type.Intersect([
  OrderSummaryOut,
  Type.Object({
    relation: Type.Union([Type.Literal('merged_in'), Type.Literal('merged_into'), Type.Literal('similar')]),
    score: Type.Union([Type.Number(), Type.Null()]),
    distanceMetres: Type.Union([Type.Number(), Type.Null()]),
  }),
]);

const AttachmentParams = Type.Object({
  id: Type.Integer({ minimum: 1 }),
  attachmentId: Type.Integer({ minimum: 1 }),
});

/** The columns of the export: the order as a worklist; requesters appear only as a count. */
const EXPORT_COLUMNS: ReadonlyArray<
  readonly [string, (o: ReturnType<typeof presentOrderSummary>) => unknown]
> = [
  ['工单编号', (o) => o.number],
  ['状态', (o) => o.statusLabel],
  ['渠道', (o) => o.channel],
  ['类别', (o) => o.categoryName ?? ''],
  ['诉求内容', (o) => maskPersonalNumbers(o.description)],
  ['地址', (o) => o.address ?? ''],
  ['主办单位', (o) => o.leadUnitName ?? ''],
  ['协办单位', (o) => o.coUnits.map((c) => c.name).join('、')],
  ['受理时间', (o) => chinaTime(o.receivedAt)],
  ['办结时限', (o) => chinaTime(o.resolveDue)],
  ['办结时间', (o) => chinaTime(o.resolvedAt)],
  ['督办', (o) => (o.supervised ? '是' : '')],
  ['升级次数', (o) => o.escalationLevel],
  ['退单次数', (o) => o.returnCount],
  ['重办次数', (o) => o.reopenCount],
  ['诉求人数', (o) => o.requesterCount],
  ['是否解决', (o) => (o.solved === null ? '' : o.solved ? '是' : '否')],
  ['满意度', (o) => o.satisfaction ?? ''],
];

/** ISO time as China wall-clock time (2026-03-02 14:05), the way the people reading the file count. */
function chinaTime(iso: string | null): string {
  if (!iso) return '';
  return new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
}

export async function orderConsoleRoutes(app: FastifyInstance, ctx: RequestsContext) {
  const { service, catalog, database } = ctx;
  const db = database.db;

  app.get(
    '/api/requests/reference',
    {
      schema: {
        tags: ['requests'],
        summary: '工单台账用的参照表：诉求类别、承办单位、城市管理事件/部件类别',
        response: { 200: ReferenceOut },
      },
    },
    async (request) => {
      requirePermission(request, 'request:read');
      const units = await db
        .selectFrom('handling_unit')
        .select(['code', 'name', 'kind'])
        .where('active', '=', true)
        .orderBy('kind')
        .orderBy('code')
        .execute();
      return {
        categories: catalog.leaves().map((c) => ({
          code: c.code,
          name: c.nameZh,
          nameEn: c.nameEn,
          majorName: c.path[0] ? (catalog.label(c.path[0])?.zh ?? '') : '',
          unitName: c.unitName,
        })),
        units,
        urbanClasses: URBAN_CLASSES.map((c) => ({ ...c })),
      };
    },
  );

  app.get(
    '/api/requests/export.:format',
    {
      schema: {
        tags: ['requests'],
        summary: `按筛选条件导出工单（CSV 或 XLSX，最多 ${EXPORT_MAX_ROWS} 条；诉求人只给人数，内容中的手机号、身份证号脱敏）`,
        params: ExportParams,
        querystring: OrderListQuery,
      },
    },
    async (request, reply) => {
      const viewer = requirePermission(request, 'request:read');
      const { format } = request.params as { format: 'csv' | 'xlsx' };
      const q = { ...(request.query as OrderListQuery), page: 1, pageSize: EXPORT_MAX_ROWS };
      const units = await service.unitsOf(db, viewer);
      const { rows, total } = await findOrderPage(db, viewer, units, q, 0);
      if (total > EXPORT_MAX_ROWS) {
        throw new AppError('ORDER_EXPORT_TOO_LARGE', [
          {
            field: 'querystring',
            message: `符合条件的工单有 ${total} 条，超过导出上限 ${EXPORT_MAX_ROWS} 条，请缩小日期范围或增加筛选条件`,
            messageEn: `${total} orders match, more than the export limit of ${EXPORT_MAX_ROWS}; narrow the filters`,
          },
        ]);
      }
      const names = await unitNames(db, unitCodesOf(rows));
      const items = rows.map((r) => presentOrderSummary(r, catalog, names));
      await ctx.audit(request, {
        action: 'request.export',
        entityType: 'work_order',
        entityIds: rows.map((r) => r.id),
        details: { format, filters: request.query as object, rows: rows.length },
      });
      const header = EXPORT_COLUMNS.map(([h]) => h);
      const body = items.map((o) =>
        EXPORT_COLUMNS.map(([, value]) => {
          const v = value(o);
          return typeof v === 'number' ? v : escapeFormula(v === null || v === undefined ? '' : String(v));
        }),
      );
      if (format === 'csv') {
        // UTF-8 with a byte-order mark and CRLF, so that Excel opens the Chinese text as it is.
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', 'attachment; filename="work-orders.csv"')
          .send(`\uFEFF${stringify([header, ...body], { record_delimiter: 'windows' })}`);
      }
      const xlsx = await reportToXlsx({
        title: '工单台账',
        subtitle: [`导出时间 ${chinaTime(new Date().toISOString())}`, `共 ${items.length} 条`],
        tables: [{ title: '工单', columns: header, rows: body }],
      });
      return reply
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', 'attachment; filename="work-orders.xlsx"')
        .send(xlsx);
    },
  );

  app.get(
    '/api/requests/:id/related',
    {
      schema: {
        tags: ['requests'],
        summary: '相关工单：并入本单的、本单并入的、附近内容相近的未办结工单（只列可见的）',
        params: IdParams,
        response: { 200: Type.Object({ items: Type.Array(RelatedItem) }) },
      },
    },
    async (request) => {
      const viewer = requirePermission(request, 'request:read');
      const { id } = request.params as { id: number };
      const { row, units } = await service.visibleOrder(db, viewer, id);
      const mergedIn = (await db
        .selectFrom('work_order')
        .selectAll()
        .where('merged_into', '=', id)
        .orderBy('id')
        .limit(50)
        .execute()) as OrderRow[];
      const mergedInto = row.merged_into ? await findOrder(db, Number(row.merged_into)) : undefined;
      const place = { lng: row.lng, lat: row.lat, address: row.address };
      const since = new Date(new Date(row.received_at).getTime() - 30 * 86_400_000);
      const candidates = (await findOpenOrdersNear(db, place, 600, since, 300)).filter(
        (c) => c.id !== Number(row.id),
      );
      const ranked = rankCandidates(
        {
          description: row.description,
          ...place,
          categoryCode: row.category_code,
          at: new Date(row.received_at),
        },
        candidates,
      ).slice(0, 15);
      const similar: Array<{ row: OrderRow; score: number; distance: number | null }> = [];
      const taken = new Set([Number(row.id), ...mergedIn.map((m) => Number(m.id))]);
      if (mergedInto) taken.add(Number(mergedInto.id));
      for (const r of ranked) {
        if (taken.has(r.id) || r.textSimilarity < 0.15) continue;
        const other = await findOrder(db, r.id);
        if (!other || !service.visible(viewer, units, other)) continue;
        similar.push({ row: other, score: r.score, distance: r.distanceMetres });
        if (similar.length >= 5) break;
      }
      const related = [
        ...mergedIn
          .filter((m) => service.visible(viewer, units, m))
          .map((m) => ({ row: m, relation: 'merged_in' as const, score: null, distance: null })),
        ...(mergedInto && service.visible(viewer, units, mergedInto)
          ? [{ row: mergedInto, relation: 'merged_into' as const, score: null, distance: null }]
          : []),
        ...similar.map((s) => ({ ...s, relation: 'similar' as const })),
      ];
      const names = await unitNames(db, unitCodesOf(related.map((r) => r.row)));
      return {
        items: related.map((r) => ({
          ...presentOrderSummary(r.row, catalog, names),
          relation: r.relation,
          score: r.score === null ? null : Number(r.score.toFixed(3)),
          distanceMetres: r.distance === null ? null : Math.round(r.distance),
        })),
      };
    },
  );

  app.get(
    '/api/requests/:id/attachments/:attachmentId',
    {
      schema: {
        tags: ['requests'],
        summary: '工单照片（只对能看到该工单的人）',
        params: AttachmentParams,
      },
    },
    async (request, reply) => {
      const viewer = requirePermission(request, 'request:read');
      const { id, attachmentId } = request.params as { id: number; attachmentId: number };
      await service.visibleOrder(db, viewer, id);
      const file = await db
        .selectFrom('order_attachment')
        .select(['content_type', 'content'])
        .where('id', '=', attachmentId)
        .where('order_id', '=', id)
        .executeTakeFirst();
      if (!file) throw new AppError('ORDER_NOT_FOUND');
      // Only the image types intake accepted are stored; nosniff keeps the browser from guessing otherwise.
      return reply
        .type(file.content_type)
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'private, max-age=3600')
        .send(Buffer.from(file.content));
    },
  );
}

function unitCodesOf(rows: OrderRow[]): string[] {
  return [
    ...new Set(rows.flatMap((r) => [r.lead_unit_code, ...r.co_unit_codes]).filter((c): c is string => !!c)),
  ];
}
