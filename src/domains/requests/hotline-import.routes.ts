// POST /api/requests/import: a 12345 export (CSV UTF-8/GBK or XLSX) as the raw request body becomes orders, with
// a report of every row (read = accepted + rejected) and the row-level errors.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { requirePermission } from '../../platform/auth/viewer.ts';
import { AppError } from '../../platform/http/errors.ts';
import type { RequestsContext } from './context.ts';
import { importHotlineFile } from './hotline-import.ts';
import { callerOf } from './requests.routes.ts';

/** A month of a busy district's calls fits well within this. */
const IMPORT_LIMIT_BYTES = 50 * 1024 * 1024;

const ImportQuery = Type.Object({
  fileName: Type.String({ minLength: 1, maxLength: 200 }),
  encoding: Type.Optional(Type.String({ maxLength: 20 })),
});

const RowErrorOut = Type.Object({
  row: Type.Integer(),
  record: Type.Union([Type.String(), Type.Null()]),
  code: Type.String(),
  message: Type.String(),
  messageEn: Type.String(),
});

const ImportOut = Type.Object({
  read: Type.Integer(),
  accepted: Type.Integer(),
  rejected: Type.Integer(),
  created: Type.Integer(),
  joined: Type.Integer(),
  alreadyImported: Type.Integer(),
  errors: Type.Array(RowErrorOut),
});

export async function hotlineImportRoutes(app: FastifyInstance, ctx: RequestsContext) {
  for (const type of [
    'application/octet-stream',
    'text/csv',
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  ]) {
    if (!app.hasContentTypeParser(type)) {
      app.addContentTypeParser(
        type,
        { parseAs: 'buffer', bodyLimit: IMPORT_LIMIT_BYTES },
        (_req, body, done) => done(null, body),
      );
    }
  }

  app.post(
    '/api/requests/import',
    {
      bodyLimit: IMPORT_LIMIT_BYTES,
      schema: {
        tags: ['requests'],
        summary: '批量导入 12345 热线工单（CSV UTF-8/GBK、XLSX；按热线工单编号去重，逐行报告错误）',
        querystring: ImportQuery,
        response: { 200: ImportOut },
      },
    },
    async (request) => {
      requirePermission(request, 'request:intake');
      const q = request.query as { fileName: string; encoding?: string };
      if (!Buffer.isBuffer(request.body) || request.body.length === 0) {
        throw new AppError('INGEST_FILE_EMPTY');
      }
      const dir = mkdtempSync(path.join(tmpdir(), 'cbrain-hotline-'));
      try {
        const file = path.join(dir, 'upload');
        writeFileSync(file, request.body, { mode: 0o600 });
        const report = await importHotlineFile(
          ctx.service,
          ctx.catalog,
          callerOf(request),
          file,
          q.fileName,
          {
            encoding: q.encoding,
          },
        );
        await ctx.audit(request, {
          action: 'request.import',
          entityType: 'work_order',
          details: {
            fileName: q.fileName,
            read: report.read,
            accepted: report.accepted,
            rejected: report.rejected,
          },
        });
        return report;
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
}
