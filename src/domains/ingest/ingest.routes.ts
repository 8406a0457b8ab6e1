// /api/ingest/…: upload and preview a department file, save a source's column mapping, run imports and read their
// reports, work the quarantine, read quality figures. Importing needs 'ingest:run' (district administrators;
// street officers for their street, whose rows elsewhere are quarantined as out of scope); quality figures
// need 'ingest:quality'.

import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { requirePermission } from '../../platform/auth/viewer.ts';
import { requestActor } from './import-actor.ts';
import {
  OffenderPageOut,
  OffenderQuery,
  PreviewOut,
  PreviewQuery,
  QualityOut,
  QualityQuery,
  QualityRulesBody,
  QualityRulesOut,
  QuarantineDismissBody,
  QuarantineExportQuery,
  QuarantineFixBody,
  QuarantineOut,
  QuarantinePageOut,
  QuarantineQuery,
  ReimportBody,
  ReimportOut,
  RunBody,
  RunListQuery,
  RunOut,
  RunPageOut,
  RunParams,
  SaveMappingBody,
  SourceOut,
  SourceParams,
  UploadParams,
  UploadQuery,
} from './ingest.schema.ts';
import { createIngestService } from './ingest.service.ts';

/** Uploads up to this size go through the console; larger files through `cbrain import`. */
export const UPLOAD_LIMIT_BYTES = 64 * 1024 * 1024;
const TAGS = ['ingest'];

export async function ingestRoutes(app: FastifyInstance) {
  const ingest = createIngestService(app.deps.database, app.deps.cipher, app.deps.config.dataDir);
  // Files arrive as the raw request body (no multipart needed): CSV, XLSX or JSON Lines.
  for (const type of [
    'application/octet-stream',
    'text/csv',
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    'application/x-ndjson',
  ]) {
    if (!app.hasContentTypeParser(type))
      app.addContentTypeParser(
        type,
        { parseAs: 'buffer', bodyLimit: UPLOAD_LIMIT_BYTES },
        (_req, body, done) => done(null, body),
      );
  }

  app.post(
    '/api/ingest/uploads',
    {
      bodyLimit: UPLOAD_LIMIT_BYTES,
      schema: {
        tags: TAGS,
        summary: '上传部门数据文件并预览（前 20 行脱敏、建议的字段对应）',
        querystring: UploadQuery,
        response: { 201: PreviewOut },
      },
    },
    async (request, reply) => {
      const viewer = requirePermission(request, 'ingest:run');
      const q = request.query as UploadQuery;
      const body = Buffer.isBuffer(request.body)
        ? request.body
        : Buffer.from(typeof request.body === 'string' ? request.body : '');
      const out = await ingest.upload(requestActor(request, viewer), q.fileName, body, q.source, q.encoding);
      return reply.code(201).send(out);
    },
  );

  app.get(
    '/api/ingest/uploads/:uploadId/preview',
    {
      schema: {
        tags: TAGS,
        summary: '预览已上传的文件（可指定来源以使用其保存的字段对应）',
        params: UploadParams,
        querystring: PreviewQuery,
        response: { 200: PreviewOut },
      },
    },
    async (request) => {
      const viewer = requirePermission(request, 'ingest:run');
      const q = request.query as PreviewQuery;
      return ingest.preview(
        requestActor(request, viewer),
        (request.params as UploadParams).uploadId,
        q.source,
        q.encoding,
      );
    },
  );

  app.get(
    '/api/ingest/sources',
    {
      schema: { tags: TAGS, summary: '数据来源及其保存的字段对应', response: { 200: Type.Array(SourceOut) } },
    },
    async (request) => {
      requirePermission(request, 'ingest:run');
      return ingest.listSources();
    },
  );

  app.put(
    '/api/ingest/sources/:name/mapping',
    {
      schema: {
        tags: TAGS,
        summary: '保存数据来源的字段对应，供以后导入使用',
        params: SourceParams,
        body: SaveMappingBody,
        response: { 200: SourceOut },
      },
    },
    async (request) => {
      const viewer = requirePermission(request, 'ingest:run');
      return ingest.saveMapping(
        requestActor(request, viewer),
        (request.params as SourceParams).name,
        request.body as SaveMappingBody,
      );
    },
  );

  app.post(
    '/api/ingest/runs',
    {
      schema: {
        tags: TAGS,
        summary: '导入已上传的文件（读取行数 = 接收 + 隔离）；background 为真时在后台导入并返回 202',
        body: RunBody,
        response: { 201: RunOut, 202: RunOut },
      },
    },
    async (request, reply) => {
      const viewer = requirePermission(request, 'ingest:run');
      const body = request.body as RunBody;
      if (body.background)
        return reply.code(202).send(await ingest.startRun(requestActor(request, viewer), body));
      return reply.code(201).send(await ingest.run(requestActor(request, viewer), body));
    },
  );

  app.get(
    '/api/ingest/runs',
    {
      schema: {
        tags: TAGS,
        summary: '导入批次（本管辖范围内）',
        querystring: RunListQuery,
        response: { 200: RunPageOut },
      },
    },
    async (request) => {
      const viewer = requirePermission(request, 'ingest:run');
      return ingest.listRuns(requestActor(request, viewer), request.query as RunListQuery);
    },
  );

  app.get(
    '/api/ingest/runs/:id',
    { schema: { tags: TAGS, summary: '导入报告', params: RunParams, response: { 200: RunOut } } },
    async (request) => {
      const viewer = requirePermission(request, 'ingest:run');
      return ingest.readRun(requestActor(request, viewer), (request.params as RunParams).id);
    },
  );

  app.get(
    '/api/ingest/quarantine',
    {
      schema: {
        tags: TAGS,
        summary: '隔离数据（逐字段说明原因，单元格脱敏）',
        querystring: QuarantineQuery,
        response: { 200: QuarantinePageOut },
      },
    },
    async (request) => {
      const viewer = requirePermission(request, 'ingest:run');
      return ingest.listQuarantine(requestActor(request, viewer), request.query as QuarantineQuery);
    },
  );

  app.get(
    '/api/ingest/quarantine/export.csv',
    {
      schema: {
        tags: TAGS,
        summary: '导出隔离数据 CSV（脱敏；以 = + - @ 开头的单元格加前导撇号）',
        querystring: QuarantineExportQuery,
      },
    },
    async (request, reply) => {
      const viewer = requirePermission(request, 'ingest:run');
      const { source } = request.query as { source: string };
      const csv = await ingest.exportQuarantine(requestActor(request, viewer), source);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="quarantine-${source}.csv"`)
        .send(csv);
    },
  );

  app.get(
    '/api/ingest/quarantine/export.xlsx',
    {
      schema: {
        tags: TAGS,
        summary: '导出隔离数据 XLSX（脱敏；以 = + - @ 开头的单元格加前导撇号）',
        querystring: QuarantineExportQuery,
      },
    },
    async (request, reply) => {
      const viewer = requirePermission(request, 'ingest:run');
      const { source } = request.query as { source: string };
      const book = await ingest.exportQuarantineXlsx(requestActor(request, viewer), source);
      return reply
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `attachment; filename="quarantine-${source}.xlsx"`)
        .send(book);
    },
  );

  app.get(
    '/api/ingest/quality/rules',
    {
      schema: {
        tags: TAGS,
        summary: '数据质量规则（阈值与参数；来源为空的规则适用于全部来源）',
        response: { 200: QualityRulesOut },
      },
    },
    async (request) => {
      requirePermission(request, 'ingest:quality');
      return { rules: await ingest.listRules() };
    },
  );

  app.put(
    '/api/ingest/quality/rules',
    {
      schema: {
        tags: TAGS,
        summary: '替换数据质量规则（校验后整体保存，下次导入起生效）',
        body: QualityRulesBody,
        response: { 200: QualityRulesOut },
      },
    },
    async (request) => {
      const viewer = requirePermission(request, 'ingest:quality');
      requirePermission(request, 'rules:write');
      const body = request.body as QualityRulesBody;
      return { rules: await ingest.saveRules(requestActor(request, viewer), body.rules) };
    },
  );

  app.patch(
    '/api/ingest/quarantine/:id',
    {
      schema: {
        tags: TAGS,
        summary: '修正隔离行的单元格（之后可重新导入）',
        params: RunParams,
        body: QuarantineFixBody,
        response: { 200: QuarantineOut },
      },
    },
    async (request) => {
      const viewer = requirePermission(request, 'ingest:run');
      return ingest.fixQuarantine(
        requestActor(request, viewer),
        (request.params as RunParams).id,
        request.body as QuarantineFixBody,
      );
    },
  );

  app.post(
    '/api/ingest/quarantine/:id/dismiss',
    {
      schema: {
        tags: TAGS,
        summary: '放弃隔离行（记入审计）',
        params: RunParams,
        body: Type.Optional(QuarantineDismissBody),
        response: { 200: QuarantineOut },
      },
    },
    async (request) => {
      const viewer = requirePermission(request, 'ingest:run');
      return ingest.dismissQuarantine(requestActor(request, viewer), (request.params as RunParams).id);
    },
  );

  app.post(
    '/api/ingest/quarantine/reimport',
    {
      schema: {
        tags: TAGS,
        summary: '重新导入已修正的隔离行',
        body: ReimportBody,
        response: { 200: ReimportOut },
      },
    },
    async (request) => {
      const viewer = requirePermission(request, 'ingest:run');
      return ingest.reimport(requestActor(request, viewer), request.body as ReimportBody);
    },
  );

  app.get(
    '/api/ingest/quality',
    {
      schema: {
        tags: TAGS,
        summary: '数据质量：按来源与字段的完整性、有效性、唯一性、一致性、及时性及其趋势',
        querystring: QualityQuery,
        response: { 200: QualityOut },
      },
    },
    async (request) => {
      requirePermission(request, 'ingest:quality');
      return ingest.quality((request.query as { source: string }).source);
    },
  );

  app.get(
    '/api/ingest/quality/offenders',
    {
      schema: {
        tags: TAGS,
        summary: '数据质量明细：不达标的记录（本管辖范围内，脱敏）',
        querystring: OffenderQuery,
        response: { 200: OffenderPageOut },
      },
    },
    async (request) => {
      const viewer = requirePermission(request, 'ingest:quality');
      return ingest.offenders(requestActor(request, viewer), request.query as OffenderQuery);
    },
  );
}
