// Precise-supply routes under /api/supply: the provider registry, procurement projects with bids, ranked and
// explained matching, the recorded choice, and service delivery records. Thin: permission, then the service.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { maskName } from '../../lib/masking.ts';
import { auditRequest } from '../../platform/audit/request-audit.ts';
import { requirePermission } from '../../platform/auth/viewer.ts';
import { allocateResource, DEFAULT_CARE_BANDS } from './allocation.service.ts';
import { findProjects } from './supply.repository.ts';
import {
  AllocationBody,
  BidBody,
  ChoiceOut,
  ChooseBody,
  ConfirmBody,
  CreatedOut,
  DeliveryBody,
  DeliveryPageOut,
  DeliveryQuery,
  IdParams,
  MatchBody,
  MatchChooseBody,
  ProjectBody,
  ProjectDetailOut,
  ProjectOut,
  ProviderBody,
  ProviderDetailOut,
  ProviderPageOut,
  ProviderQuery,
  QualificationBody,
  RankingOut,
} from './supply.schema.ts';
import {
  addQualification,
  awardProjectTo,
  chooseForRequest,
  confirmService,
  createProject,
  listDeliveries,
  listProviders,
  matchRequest,
  placeBid,
  presentProject,
  projectDetail,
  providerDetail,
  rankProject,
  recordDelivery,
  registerProvider,
} from './supply.service.ts';

const tags = ['supply'];

/** Residents read and confirm their own services; everyone else needs the delivery permission. */
function deliveryViewer(request: FastifyRequest, permission: 'delivery:read' | 'delivery:write') {
  if (request.viewer?.role === 'resident') return requirePermission(request, 'self:read');
  return requirePermission(request, permission);
}

export async function supplyRoutes(app: FastifyInstance) {
  const db = app.deps.database.db;
  const id = (request: FastifyRequest) => (request.params as { id: number }).id;

  app.get(
    '/api/supply/providers',
    {
      schema: {
        tags,
        summary: '服务商名录（服务本管辖范围者）',
        querystring: ProviderQuery,
        response: { 200: ProviderPageOut },
      },
    },
    async (request) => {
      const viewer = requirePermission(request, 'supply:read');
      return listProviders(db, viewer, request.query as ProviderQuery);
    },
  );

  app.post(
    '/api/supply/providers',
    {
      schema: {
        tags,
        summary: '登记服务商（企业、社会组织、志愿队伍）',
        body: ProviderBody,
        response: { 201: CreatedOut },
      },
    },
    async (request, reply) => {
      const viewer = requirePermission(request, 'supply:manage');
      reply.code(201);
      return { id: await registerProvider(db, request, viewer, request.body as ProviderBody) };
    },
  );

  app.get(
    '/api/supply/providers/:id',
    {
      schema: {
        tags,
        summary: '服务商详情：资质（是否有效）、价格、服务记录',
        params: IdParams,
        response: { 200: ProviderDetailOut },
      },
    },
    async (request) => {
      const viewer = requirePermission(request, 'supply:read');
      return providerDetail(db, viewer, id(request));
    },
  );

  app.post(
    '/api/supply/providers/:id/qualifications',
    {
      schema: {
        tags,
        summary: '登记服务商资质及有效期',
        params: IdParams,
        body: QualificationBody,
        response: { 201: CreatedOut },
      },
    },
    async (request, reply) => {
      const viewer = requirePermission(request, 'supply:manage');
      reply.code(201);
      return {
        id: await addQualification(db, request, viewer, id(request), request.body as QualificationBody),
      };
    },
  );

  app.get(
    '/api/supply/projects',
    {
      schema: {
        tags,
        summary: '采购项目（本管辖范围）',
        response: { 200: Type.Object({ items: Type.Array(ProjectOut) }) },
      },
    },
    async (request) => {
      const viewer = requirePermission(request, 'supply:read');
      return { items: (await findProjects(db, viewer.scopePath)).map(presentProject) };
    },
  );

  app.post(
    '/api/supply/projects',
    { schema: { tags, summary: '新建采购项目', body: ProjectBody, response: { 201: ProjectOut } } },
    async (request, reply) => {
      const viewer = requirePermission(request, 'supply:manage');
      reply.code(201);
      return presentProject(await createProject(db, request, viewer, request.body as ProjectBody));
    },
  );

  app.get(
    '/api/supply/projects/:id',
    {
      schema: {
        tags,
        summary: '采购项目详情：投标及定标记录（理由、是否改选）',
        params: IdParams,
        response: { 200: ProjectDetailOut },
      },
    },
    async (request) => {
      const viewer = requirePermission(request, 'supply:read');
      return projectDetail(db, viewer, id(request));
    },
  );

  app.post(
    '/api/supply/projects/:id/bids',
    { schema: { tags, summary: '登记投标', params: IdParams, body: BidBody, response: { 201: CreatedOut } } },
    async (request, reply) => {
      const viewer = requirePermission(request, 'supply:manage');
      reply.code(201);
      return { id: await placeBid(db, request, viewer, id(request), request.body as BidBody) };
    },
  );

  app.get(
    '/api/supply/projects/:id/ranking',
    {
      schema: {
        tags,
        summary: '投标服务商排名：每项得分、权重与理由',
        params: IdParams,
        response: { 200: RankingOut },
      },
    },
    async (request) => {
      const viewer = requirePermission(request, 'provider:score');
      const { weights, ranking } = await rankProject(db, viewer, id(request));
      return { weights, ranking };
    },
  );

  app.post(
    '/api/supply/projects/:id/award',
    {
      schema: {
        tags,
        summary: '定标：记录选择、理由及是否改选（写入审计）',
        params: IdParams,
        body: ChooseBody,
        response: { 200: ChoiceOut },
      },
    },
    async (request) => {
      const viewer = requirePermission(request, 'supply:manage');
      return awardProjectTo(db, request, viewer, id(request), request.body as ChooseBody);
    },
  );

  app.post(
    '/api/supply/match',
    {
      schema: {
        tags,
        summary: '为单个服务诉求匹配服务商（排名及每项得分）',
        body: MatchBody,
        response: { 200: RankingOut },
      },
    },
    async (request) => {
      const viewer = requirePermission(request, 'provider:score');
      return matchRequest(db, viewer, request.body as MatchBody);
    },
  );

  app.post(
    '/api/supply/match/choose',
    {
      schema: {
        tags,
        summary: '为诉求选定服务商（改选须说明理由，写入审计）',
        body: MatchChooseBody,
        response: { 200: ChoiceOut },
      },
    },
    async (request) => {
      const viewer = requirePermission(request, 'provider:score');
      return chooseForRequest(db, request, viewer, request.body as MatchChooseBody);
    },
  );

  app.post(
    '/api/supply/deliveries',
    {
      schema: {
        tags,
        summary: '登记一次服务（来源可追溯至诉求或政策）',
        body: DeliveryBody,
        response: { 201: CreatedOut },
      },
    },
    async (request, reply) => {
      const viewer = requirePermission(request, 'delivery:write');
      reply.code(201);
      return { id: await recordDelivery(db, request, viewer, request.body as DeliveryBody) };
    },
  );

  app.get(
    '/api/supply/deliveries',
    {
      schema: {
        tags,
        summary: '服务记录（居民姓名脱敏），含总时长与总费用',
        querystring: DeliveryQuery,
        response: { 200: DeliveryPageOut },
      },
    },
    async (request) => {
      const viewer = deliveryViewer(request, 'delivery:read');
      return listDeliveries(db, request, viewer, request.query as DeliveryQuery, maskName);
    },
  );

  app.post(
    '/api/supply/deliveries/:id/confirm',
    {
      schema: {
        tags,
        summary: '居民确认服务并评分',
        params: IdParams,
        body: ConfirmBody,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      const viewer = deliveryViewer(request, 'delivery:write');
      await confirmService(db, request, viewer, id(request), (request.body as { rating?: number }).rating);
      reply.code(204);
      return null;
    },
  );

  app.post(
    '/api/supply/allocations',
    {
      schema: {
        tags: ['supply'],
        summary: '按需求分配稀缺资源（护理工时、补贴预算），带公平下限与人均上限；可给出效率—公平曲线',
        body: AllocationBody,
      },
    },
    async (request) => {
      const viewer = requirePermission(request, 'supply:manage');
      const body = request.body as AllocationBody;
      const out = await allocateResource(db, viewer, { ...body, bands: body.bands ?? DEFAULT_CARE_BANDS });
      await auditRequest(db, request, {
        action: 'allocation.run',
        entityType: 'allocation',
        entityIds: [],
        details: { ...body, status: out.status, objective: out.objective, minGroupShare: out.minGroupShare },
      });
      return out;
    },
  );
}
