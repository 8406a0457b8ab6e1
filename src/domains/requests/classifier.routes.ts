// HTTP of the classifier in service: suggestions while an operator types, the suggestion stored with an order,
// the operators' queue of uncertain suggestions, and the model versions (train, activate, roll back).
import type { FastifyInstance } from 'fastify';
import { auditEntryFor } from '../../platform/audit/request-audit.ts';
import { requirePermission } from '../../platform/auth/viewer.ts';
import { AppError } from '../../platform/http/errors.ts';
import { presentModel, presentOrderClassification } from './classifier.presenter.ts';
import {
  ClassifyBody,
  ModelListOut,
  ModelOut,
  OrderClassificationOut,
  ReviewOut,
  ReviewQuery,
  SuggestionOut,
  TrainBody,
  TrainOut,
  VersionParams,
} from './classifier.schema.ts';
import type { ClassifierService } from './classifier.service.ts';
import type { RequestsContext } from './context.ts';
import { IdParams } from './requests.schema.ts';

export async function classifierRoutes(
  app: FastifyInstance,
  ctx: RequestsContext,
  classifier: ClassifierService,
) {
  const tags = ['requests'];
  const actorOf = (request: Parameters<typeof auditEntryFor>[0]) => {
    const { action: _action, ...actor } = auditEntryFor(request, { action: '' });
    return actor;
  };

  app.post(
    '/api/requests/classify',
    {
      schema: {
        tags,
        summary: '诉求智能分类：前 3 个类别及置信度、承办部门、起作用的关键词',
        body: ClassifyBody,
        response: { 200: SuggestionOut },
      },
    },
    async (request) => {
      requirePermission(request, 'request:intake');
      const body = request.body as ClassifyBody;
      return classifier.suggest(body.text, body.top ?? 3);
    },
  );

  app.get(
    '/api/requests/:id/classification',
    {
      schema: {
        tags,
        summary: '工单受理时的分类建议与话务员最终确认的类别',
        params: IdParams,
        response: { 200: OrderClassificationOut },
      },
    },
    async (request) => {
      const viewer = requirePermission(request, 'request:read');
      const { id } = request.params as { id: number };
      await ctx.service.visibleOrder(ctx.database.db, viewer, id);
      const row = await classifier.orderClassification(id);
      if (!row) throw new AppError('NOT_FOUND', undefined, '该工单受理时没有分类建议（当时尚无启用的模型）');
      return presentOrderClassification(classifier, row);
    },
  );

  app.get(
    '/api/requests/classifier/review',
    {
      schema: {
        tags,
        summary: '置信度低、待话务员确认分类的工单',
        querystring: ReviewQuery,
        response: { 200: ReviewOut },
      },
    },
    async (request) => {
      const viewer = requirePermission(request, 'request:dispatch');
      const { limit } = request.query as { limit: number };
      const rows = await classifier.reviewQueue(viewer.scopePath, limit);
      return {
        items: rows.map((r) => ({
          orderId: Number(r.id),
          number: r.number,
          description: r.description,
          receivedAt: new Date(r.received_at).toISOString(),
          modelVersion: r.model_version,
          suggested: classifier.guessOf(r.suggested_category, r.confidence),
          alternatives: (r.top3 as Array<{ label: string; probability: number }>).map((a) =>
            classifier.guessOf(a.label, a.probability),
          ),
        })),
      };
    },
  );

  app.get(
    '/api/requests/classifier/models',
    {
      schema: {
        tags,
        summary: '分类模型各版本：留出集指标、易混类别、话务员采纳率、训练进度',
        response: { 200: ModelListOut },
      },
    },
    async (request) => {
      requirePermission(request, 'request:evaluate');
      const versions = await classifier.versions();
      return {
        items: versions.map((v) => presentModel(classifier, v.model, v.agreement)),
        training: classifier.progress(),
      };
    },
  );

  app.post(
    '/api/requests/classifier/models',
    {
      schema: {
        tags,
        summary: '立即训练新版本（后台线程，从已确认类别的工单学习）',
        body: TrainBody,
        response: { 202: TrainOut },
      },
    },
    async (request, reply) => {
      requirePermission(request, 'classifier:manage');
      const { version } = await classifier.startTraining((request.body ?? {}) as TrainBody, actorOf(request));
      return reply.code(202).send({ version });
    },
  );

  async function modelOut(version: number) {
    const versions = await classifier.versions();
    const v = versions.find((x) => x.model.version === version);
    if (!v) throw new AppError('CLASSIFIER_VERSION_NOT_FOUND');
    return presentModel(classifier, v.model, v.agreement);
  }

  app.get(
    '/api/requests/classifier/models/:version',
    {
      schema: { tags, summary: '一个模型版本', params: VersionParams, response: { 200: ModelOut } },
    },
    async (request) => {
      requirePermission(request, 'request:evaluate');
      return modelOut((request.params as { version: number }).version);
    },
  );

  app.post(
    '/api/requests/classifier/models/:version/activate',
    {
      schema: {
        tags,
        summary: '启用该版本（此后的分类建议均由它给出）',
        params: VersionParams,
        response: { 200: ModelOut },
      },
    },
    async (request) => {
      requirePermission(request, 'classifier:manage');
      const { version } = request.params as { version: number };
      await classifier.activate(version, actorOf(request));
      return modelOut(version);
    },
  );

  app.post(
    '/api/requests/classifier/rollback',
    {
      schema: { tags, summary: '回退到上一个启用过的版本', response: { 200: ModelOut } },
    },
    async (request) => {
      requirePermission(request, 'classifier:manage');
      const version = await classifier.rollback(actorOf(request));
      return modelOut(version);
    },
  );
}
