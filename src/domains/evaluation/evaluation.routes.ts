// Evaluation routes under /api/evaluation: DEA of communities and providers, indicators for ECharts, and the
// community report as XLSX or PDF (Chinese font embedded). Read-only; exports are audited.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { CjkFontMissingError, findCjkFont, reportToPdf } from '../../lib/report/pdf.ts';
import { reportToXlsx } from '../../lib/report/xlsx.ts';
import { auditRequest } from '../../platform/audit/request-audit.ts';
import { requirePermission } from '../../platform/auth/viewer.ts';
import { AppError } from '../../platform/http/errors.ts';
import {
  communityDea,
  communityIndicators,
  communityReport,
  type DeaQuery,
  providerDea,
} from './evaluation.service.ts';

const tags = ['evaluation'];
const Year = Type.Integer({ minimum: 2000, maximum: 2100, description: '年度' });
const DeaQuerySchema = Type.Object({
  year: Year,
  model: Type.Optional(Type.Union([Type.Literal('ccr'), Type.Literal('bcc')], { description: '默认 bcc' })),
  orientation: Type.Optional(
    Type.Union([Type.Literal('input'), Type.Literal('output')], { description: '默认 output' }),
  ),
});
const DeaOut = Type.Object({
  model: Type.String(),
  orientation: Type.String(),
  inputs: Type.Array(Type.String()),
  outputs: Type.Array(Type.String()),
  units: Type.Array(
    Type.Object({
      id: Type.String(),
      name: Type.String(),
      status: Type.String(),
      efficiency: Type.Union([Type.Number(), Type.Null()]),
      peers: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), lambda: Type.Number() })),
      inputValues: Type.Record(Type.String(), Type.Number()),
      outputValues: Type.Record(Type.String(), Type.Number()),
      targets: Type.Object({
        inputs: Type.Record(Type.String(), Type.Number()),
        outputs: Type.Record(Type.String(), Type.Number()),
      }),
    }),
  ),
});
const YearQuery = Type.Object({ year: Year });

export async function evaluationRoutes(app: FastifyInstance) {
  const db = app.deps.database.db;
  const configuredFont = app.deps.config.cjkFont;

  app.get(
    '/api/evaluation/dea/communities',
    {
      schema: {
        tags,
        summary: '社区效率 DEA（预算、人员、设施 → 服务次数、时长、满意次数）',
        querystring: DeaQuerySchema,
        response: { 200: DeaOut },
      },
    },
    async (request) => {
      const viewer = requirePermission(request, 'evaluation:read');
      return communityDea(db, viewer, request.query as DeaQuery);
    },
  );

  app.get(
    '/api/evaluation/dea/providers',
    {
      schema: {
        tags,
        summary: '服务商效率 DEA（费用、能力 → 服务次数、时长、满意次数）',
        querystring: DeaQuerySchema,
        response: { 200: DeaOut },
      },
    },
    async (request) => {
      const viewer = requirePermission(request, 'evaluation:read');
      return providerDea(db, viewer, request.query as DeaQuery);
    },
  );

  app.get(
    '/api/evaluation/indicators',
    { schema: { tags, summary: '社区服务指标（ECharts 格式：xAxis + series）', querystring: YearQuery } },
    async (request) => {
      const viewer = requirePermission(request, 'evaluation:read');
      return communityIndicators(db, viewer, (request.query as { year: number }).year);
    },
  );

  app.get(
    '/api/evaluation/report.xlsx',
    { schema: { tags, summary: '导出社区评价报告（XLSX）', querystring: YearQuery } },
    async (request, reply) => {
      const viewer = requirePermission(request, 'evaluation:read');
      const year = (request.query as { year: number }).year;
      const body = await reportToXlsx(await communityReport(db, viewer, year));
      await auditRequest(db, request, {
        action: 'evaluation.export',
        entityType: 'report',
        entityIds: [`community-${year}`],
        details: { format: 'xlsx' },
      });
      return reply
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `attachment; filename="evaluation-${year}.xlsx"`)
        .send(body);
    },
  );

  app.get(
    '/api/evaluation/report.pdf',
    { schema: { tags, summary: '导出社区评价报告（PDF，内嵌中文字体）', querystring: YearQuery } },
    async (request, reply) => {
      const viewer = requirePermission(request, 'evaluation:read');
      const year = (request.query as { year: number }).year;
      let font: ReturnType<typeof findCjkFont>;
      try {
        font = findCjkFont(configuredFont);
      } catch (error) {
        if (error instanceof CjkFontMissingError)
          throw new AppError('CJK_FONT_MISSING', [{ field: 'CBRAIN_CJK_FONT', message: error.message }]);
        throw error;
      }
      const body = await reportToPdf(await communityReport(db, viewer, year), font);
      await auditRequest(db, request, {
        action: 'evaluation.export',
        entityType: 'report',
        entityIds: [`community-${year}`],
        details: { format: 'pdf' },
      });
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="evaluation-${year}.pdf"`)
        .send(body);
    },
  );
}
