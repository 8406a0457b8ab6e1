// Open311 GeoReport v2 (wiki.open311.org/GeoReport_v2) over the work orders, so that existing Open311 clients
// work unchanged: services = request categories, requests = work orders mapped down to open/closed. JSON and XML;
// form-encoded or JSON POST bodies; api_key required to create; errors as a list of {code, description}.
// Without a valid api_key, GET answers leave out the description and round the place to about 100 m: the text
// of a resident's request is theirs, not the public's.
import { createHash, randomBytes } from 'node:crypto';
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { describeDeadline } from '../../lib/calendar/working-time.ts';
import type { Db } from '../../platform/db/index.ts';
import { AppError, errors } from '../../platform/http/errors.ts';
import type { RequestsContext } from './context.ts';
import { callerOf, idempotencyKeyOf } from './requests.routes.ts';
import { eventsOf, findOrderByNumber, type OrderRow, unitNames } from './work-orders.repository.ts';
import { type OrderStatus, open311Status } from './workflow.ts';

type Format = 'json' | 'xml';

function sha256(text: string) {
  return createHash('sha256').update(text).digest('hex');
}

/** A new api_key for an Open311 client; only its hash is stored. */
export async function createOpen311Key(db: Db, name: string): Promise<string> {
  const key = randomBytes(24).toString('base64url');
  await db
    .insertInto('open311_client')
    .values({ key_hash: sha256(key), name })
    .execute();
  return key;
}

async function validKey(db: Db, key: string | undefined): Promise<string | null> {
  if (!key) return null;
  const row = await db
    .selectFrom('open311_client')
    .select('name')
    .where('key_hash', '=', sha256(key))
    .where('disabled', '=', false)
    .executeTakeFirst();
  return row?.name ?? null;
}

function escapeXml(text: string): string {
  return text.replace(
    /[<>&'"]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!,
  );
}

/** GeoReport XML: a root list element holding one element per item, fields as child elements. */
export function toXml(root: string, item: string, rows: Array<Record<string, unknown>>): string {
  const field = (k: string, v: unknown): string => {
    if (v === null || v === undefined) return `<${k}/>`;
    if (Array.isArray(v)) return `<${k}>${v.map((x) => field('value', x)).join('')}</${k}>`;
    return `<${k}>${escapeXml(String(v))}</${k}>`;
  };
  const body = rows.map(
    (r) =>
      `<${item}>${Object.entries(r)
        .map(([k, v]) => field(k, v))
        .join('')}</${item}>`,
  );
  return `<?xml version="1.0" encoding="utf-8"?><${root}>${body.join('')}</${root}>`;
}

function send(
  reply: FastifyReply,
  format: Format,
  root: string,
  item: string,
  rows: Array<Record<string, unknown>>,
) {
  if (format === 'xml') return reply.type('text/xml; charset=utf-8').send(toXml(root, item, rows));
  return reply.type('application/json; charset=utf-8').send(rows);
}

function formatOf(file: string): { name: string; format: Format } | null {
  const m = file.match(/^(.+)\.(json|xml)$/);
  return m ? { name: m[1]!, format: m[2] as Format } : null;
}

const Open311Query = Type.Object({
  jurisdiction_id: Type.Optional(Type.String({ maxLength: 64 })),
  api_key: Type.Optional(Type.String({ maxLength: 128 })),
  service_request_id: Type.Optional(Type.String({ maxLength: 2000 })),
  service_code: Type.Optional(Type.String({ maxLength: 40 })),
  start_date: Type.Optional(Type.String({ format: 'date-time' })),
  end_date: Type.Optional(Type.String({ format: 'date-time' })),
  status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('closed')])),
  page: Type.Integer({ minimum: 1, maximum: 100000, default: 1 }),
  page_size: Type.Integer({ minimum: 1, maximum: 1000, default: 1000 }),
});
type Open311Query = Static<typeof Open311Query>;

const Open311Post = Type.Object({
  jurisdiction_id: Type.Optional(Type.String({ maxLength: 64 })),
  api_key: Type.Optional(Type.String({ maxLength: 128 })),
  service_code: Type.String({ minLength: 1, maxLength: 40 }),
  lat: Type.Optional(Type.Number({ minimum: -90, maximum: 90 })),
  long: Type.Optional(Type.Number({ minimum: -180, maximum: 180 })),
  address_string: Type.Optional(Type.String({ maxLength: 300 })),
  address_id: Type.Optional(Type.String({ maxLength: 100 })),
  email: Type.Optional(Type.String({ maxLength: 200 })),
  device_id: Type.Optional(Type.String({ maxLength: 200 })),
  account_id: Type.Optional(Type.String({ maxLength: 200 })),
  first_name: Type.Optional(Type.String({ maxLength: 50 })),
  last_name: Type.Optional(Type.String({ maxLength: 50 })),
  phone: Type.Optional(Type.String({ maxLength: 30 })),
  description: Type.Optional(Type.String({ maxLength: 100_000 })),
  media_url: Type.Optional(Type.String({ maxLength: 2000 })),
});
type Open311Post = Static<typeof Open311Post>;

const FileParams = Type.Object({ file: Type.String({ maxLength: 100 }) });

export async function open311Routes(app: FastifyInstance, ctx: RequestsContext) {
  const { database, catalog, service } = ctx;

  // Open311 clients post HTML forms; attribute[CODE] keys are kept as they come.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    const out: Record<string, string> = {};
    for (const [k, v] of new URLSearchParams(body as string)) out[k] = v;
    done(null, out);
  });

  // GeoReport errors: a list of {code, description}, in the format the path asked for.
  app.setErrorHandler(
    (error: Error & { statusCode?: number; validation?: unknown; code?: string }, request, reply) => {
      const format: Format = request.url.split('?')[0]!.endsWith('.xml') ? 'xml' : 'json';
      let status = 500;
      let description: string = errors.INTERNAL.en;
      if (error instanceof AppError) {
        status = error.status;
        const detail = error.details?.[0];
        description = `${error.messageZh ?? errors[error.code].zh} / ${detail?.messageEn ?? errors[error.code].en}`;
      } else if (error.validation) {
        status = 400;
        description = `${errors.VALIDATION_FAILED.zh} / ${error.message}`;
      } else if (error.statusCode && error.statusCode < 500) {
        status = error.statusCode;
        description = error.message;
      } else {
        request.log.error({ err: error }, 'unhandled open311 error');
      }
      reply.status(status);
      return send(reply, format, 'errors', 'error', [{ code: status, description }]);
    },
  );

  const jurisdiction = async () => (await service.districtCode()).slice(0, 6);
  async function checkJurisdiction(id: string | undefined) {
    if (id === undefined || id === '') return;
    const ours = await jurisdiction();
    if (id !== ours && id !== ours.padEnd(12, '0')) {
      throw new AppError(
        'NOT_FOUND',
        [
          {
            field: 'jurisdiction_id',
            message: `不受理辖区 ${id}`,
            messageEn: `Unknown jurisdiction_id ${id}`,
          },
        ],
        `不受理辖区 ${id}，本平台辖区为 ${ours}`,
      );
    }
  }

  function serviceOf(code: string) {
    const c = catalog.find(code);
    if (!c) return null;
    const group = c.path.length > 0 ? (catalog.label(c.path[0]!)?.zh ?? null) : null;
    const limit = describeDeadline(c.deadline);
    return {
      service_code: c.code,
      service_name: c.nameZh,
      description: `${c.nameEn}. 承办单位 ${c.unitName}；办理时限 ${limit.zh} / within ${limit.en}`,
      metadata: false,
      type: 'realtime',
      keywords: [c.nameZh, c.nameEn].join(','),
      group,
    };
  }

  for (const format of ['json', 'xml'] as const) {
    app.get(
      `/open311/v2/services.${format}`,
      {
        schema: {
          tags: ['open311'],
          summary: `Open311 GeoReport v2: 服务（诉求类别）列表 (${format})`,
          security: [],
          querystring: Type.Object({ jurisdiction_id: Type.Optional(Type.String({ maxLength: 64 })) }),
        },
      },
      async (request, reply) => {
        await checkJurisdiction((request.query as { jurisdiction_id?: string }).jurisdiction_id);
        const rows = catalog.leaves().map((c) => serviceOf(c.code)!);
        return send(reply, format, 'services', 'service', rows);
      },
    );
  }

  app.get(
    '/open311/v2/services/:file',
    {
      schema: {
        tags: ['open311'],
        summary: 'Open311 GeoReport v2: 服务定义 services/{service_code}.json|xml',
        security: [],
        params: FileParams,
        querystring: Type.Object({ jurisdiction_id: Type.Optional(Type.String({ maxLength: 64 })) }),
      },
    },
    async (request, reply) => {
      const parsed = formatOf((request.params as { file: string }).file);
      if (!parsed) throw new AppError('ROUTE_NOT_FOUND');
      await checkJurisdiction((request.query as { jurisdiction_id?: string }).jurisdiction_id);
      if (!serviceOf(parsed.name)) throw new AppError('CATEGORY_UNKNOWN');
      // No category has extra attributes: the definition lists none, as the spec allows.
      const definition = { service_code: parsed.name, attributes: [] as unknown[] };
      if (parsed.format === 'xml') {
        return reply
          .type('text/xml; charset=utf-8')
          .send(
            `<?xml version="1.0" encoding="utf-8"?><service_definition><service_code>${escapeXml(parsed.name)}</service_code><attributes/></service_definition>`,
          );
      }
      return definition;
    },
  );

  async function presentRequest(row: OrderRow, full: boolean) {
    const units = await unitNames(database.db, row.lead_unit_code ? [row.lead_unit_code] : []);
    const c = row.category_code ? catalog.find(row.category_code) : null;
    const round = (v: number | null) => (v === null ? null : full ? v : Math.round(v * 1000) / 1000);
    const events = await eventsOf(database.db, row.id, true);
    const last = events[events.length - 1];
    return {
      service_request_id: row.number,
      status: open311Status(row.status as OrderStatus),
      status_notes:
        row.status === 'resolved' || row.status === 'rated' || row.status === 'closed'
          ? full
            ? row.resolution_note
            : '已办结'
          : null,
      service_name: c?.nameZh ?? null,
      service_code: row.category_code,
      description: full ? row.description : null,
      agency_responsible: row.lead_unit_code ? (units.get(row.lead_unit_code) ?? null) : null,
      service_notice: null,
      requested_datetime: new Date(row.received_at).toISOString(),
      updated_datetime: new Date(last ? last.occurred_at : row.updated_at).toISOString(),
      expected_datetime: row.resolve_due ? new Date(row.resolve_due).toISOString() : null,
      address: full ? row.address : null,
      address_id: null,
      zipcode: null,
      lat: round(row.lat),
      long: round(row.lng),
      media_url: null,
    };
  }

  for (const format of ['json', 'xml'] as const) {
    app.post(
      `/open311/v2/requests.${format}`,
      {
        schema: {
          tags: ['open311'],
          summary: `Open311 GeoReport v2: 提交诉求 (${format}; api_key 必填)`,
          security: [],
          body: Open311Post,
        },
      },
      async (request, reply) => {
        const body = request.body as Open311Post;
        await checkJurisdiction(body.jurisdiction_id);
        const client = await validKey(database.db, body.api_key);
        if (!client) throw new AppError('OPEN311_API_KEY_INVALID');
        if ((body.lat === undefined || body.long === undefined) && !body.address_string && !body.address_id) {
          throw new AppError('VALIDATION_FAILED', [
            {
              field: 'lat',
              message: '须提供经纬度或地址',
              messageEn: 'lat and long, or address_string, are required',
            },
          ]);
        }
        await ctx.throttle(reply, `open311:${client}`, body.phone);
        const name = [body.last_name, body.first_name].filter(Boolean).join('') || null;
        const result = await service.intake(
          callerOf(request),
          {
            channel: 'open311',
            description:
              body.description?.trim() || (catalog.find(body.service_code)?.nameZh ?? body.service_code),
            categoryCode: body.service_code,
            address: body.address_string ?? null,
            lat: body.lat ?? null,
            lng: body.long ?? null,
            name,
            phone: body.phone ?? null,
            anonymous: !name && !body.phone,
          },
          idempotencyKeyOf(request),
        );
        reply.status(result.created ? 201 : 200);
        return send(reply, format, 'service_requests', 'request', [
          {
            service_request_id: result.order.number,
            service_notice: result.merged
              ? '已并入同一事件的工单 Merged into an open request about the same incident'
              : null,
            account_id: null,
          },
        ]);
      },
    );

    app.get(
      `/open311/v2/requests.${format}`,
      {
        schema: {
          tags: ['open311'],
          summary: `Open311 GeoReport v2: 查询诉求 (${format}; 默认最近 90 天、最多 1000 条)`,
          security: [],
          querystring: Open311Query,
        },
      },
      async (request, reply) => {
        const q = request.query as Open311Query;
        await checkJurisdiction(q.jurisdiction_id);
        const full = (await validKey(database.db, q.api_key)) !== null;
        const rows = await findOpen311Requests(database.db, q);
        const out = [];
        for (const r of rows) out.push(await presentRequest(r, full));
        return send(reply, format, 'service_requests', 'request', out);
      },
    );
  }

  app.get(
    '/open311/v2/requests/:file',
    {
      schema: {
        tags: ['open311'],
        summary: 'Open311 GeoReport v2: 单个诉求 requests/{service_request_id}.json|xml',
        security: [],
        params: FileParams,
        querystring: Type.Object({
          jurisdiction_id: Type.Optional(Type.String({ maxLength: 64 })),
          api_key: Type.Optional(Type.String({ maxLength: 128 })),
        }),
      },
    },
    async (request: FastifyRequest, reply) => {
      const parsed = formatOf((request.params as { file: string }).file);
      if (!parsed) throw new AppError('ROUTE_NOT_FOUND');
      const q = request.query as { jurisdiction_id?: string; api_key?: string };
      await checkJurisdiction(q.jurisdiction_id);
      const row = await findOrderByNumber(database.db, parsed.name);
      if (!row) throw new AppError('ORDER_NOT_FOUND');
      const full = (await validKey(database.db, q.api_key)) !== null;
      return send(reply, parsed.format, 'service_requests', 'request', [await presentRequest(row, full)]);
    },
  );
}

async function findOpen311Requests(db: Db, q: Open311Query): Promise<OrderRow[]> {
  let query = db.selectFrom('work_order').selectAll();
  if (q.service_request_id) {
    const numbers = q.service_request_id
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .slice(0, 1000);
    query = query.where('number', 'in', numbers.length > 0 ? numbers : ['']);
  } else {
    const end = q.end_date ? new Date(q.end_date) : new Date();
    const start = q.start_date ? new Date(q.start_date) : new Date(end.getTime() - 90 * 86_400_000);
    query = query.where('received_at', '>=', start).where('received_at', '<=', end);
  }
  if (q.service_code) query = query.where('category_code', '=', q.service_code);
  if (q.status === 'closed') query = query.where('status', 'in', ['resolved', 'rated', 'closed', 'merged']);
  if (q.status === 'open') query = query.where('status', 'not in', ['resolved', 'rated', 'closed', 'merged']);
  return (await query
    .orderBy('received_at', 'desc')
    .limit(q.page_size)
    .offset((q.page - 1) * q.page_size)
    .execute()) as OrderRow[];
}
