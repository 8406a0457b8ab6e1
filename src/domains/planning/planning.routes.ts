// Facility planning routes under /api/planning: life-circle coverage per area, the uncovered buildings as
// GeoJSON, siting of new facilities, and saved scenarios compared side by side. Everything is bounded by the
// viewer's scope; coverage reads and scenario writes are audited.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { auditRequest } from '../../platform/audit/request-audit.ts';
import { requirePermission } from '../../platform/auth/viewer.ts';
import { findScenarios } from './planning.repository.ts';
import {
  CompareQuery,
  CoverageOut,
  CoverageQuery,
  ScenarioBody,
  ScenarioOut,
  SitingBody,
  SitingOut,
  UncoveredOut,
} from './planning.schema.ts';
import {
  compareScenarios,
  lifeCircleCoverage,
  presentScenario,
  saveScenario,
  siteFacilities,
  uncoveredBuildings,
} from './planning.service.ts';

export async function planningRoutes(app: FastifyInstance) {
  const db = app.deps.database.db;

  app.get(
    '/api/planning/coverage',
    {
      schema: {
        tags: ['planning'],
        summary: '生活圈覆盖：各类设施步行范围内的居民（按年龄段），按街道/社区/网格汇总',
        querystring: CoverageQuery,
        response: { 200: CoverageOut },
      },
    },
    async (request) => {
      const viewer = requirePermission(request, 'planning:read');
      const q = request.query as CoverageQuery;
      const out = await lifeCircleCoverage(db, viewer, q);
      await auditRequest(db, request, {
        action: 'planning.coverage',
        entityType: 'facility_type',
        entityIds: [q.type],
        details: { ...q },
      });
      return out;
    },
  );

  app.get(
    '/api/planning/coverage/uncovered',
    {
      schema: {
        tags: ['planning'],
        summary: '未覆盖楼栋（GeoJSON 点，含最近设施及距离），供地图展示',
        querystring: CoverageQuery,
        response: { 200: UncoveredOut },
      },
    },
    async (request) => {
      const viewer = requirePermission(request, 'planning:read');
      const q = request.query as CoverageQuery;
      const out = await uncoveredBuildings(db, viewer, q);
      await auditRequest(db, request, {
        action: 'planning.coverage',
        entityType: 'building',
        entityIds: out.features.slice(0, 200).map((f) => f.properties.buildingId),
        details: { ...q, uncoveredBuildings: out.features.length },
      });
      return out;
    },
  );

  app.post(
    '/api/planning/siting',
    {
      schema: {
        tags: ['planning'],
        summary: '新增 k 个设施的最优选址（最大覆盖模型，现有设施保留；有时限，未证明最优时给出差距）',
        body: SitingBody,
        response: { 200: SitingOut },
      },
    },
    async (request) => {
      const viewer = requirePermission(request, 'planning:write');
      const body = request.body as SitingBody;
      const out = await siteFacilities(db, viewer, body);
      await auditRequest(db, request, {
        action: 'planning.siting',
        entityType: 'facility_type',
        entityIds: [body.type],
        details: {
          ...body,
          sites: body.sites?.length ?? 0,
          status: out.status,
          objective: out.objective,
          newSites: out.newSites.map((s) => s.id),
        },
      });
      return out;
    },
  );

  app.post(
    '/api/planning/scenarios',
    {
      schema: {
        tags: ['planning'],
        summary: '运行选址并保存为规划情景',
        body: ScenarioBody,
        response: { 201: ScenarioOut },
      },
    },
    async (request, reply) => {
      const viewer = requirePermission(request, 'planning:write');
      const { name, ...input } = request.body as ScenarioBody;
      const { save } = await saveScenario(db, viewer, name, input);
      const row = await db.transaction().execute(async (tx) => {
        const saved = await save(tx);
        await auditRequest(tx, request, {
          action: 'planning.scenario.create',
          entityType: 'planning_scenario',
          entityIds: [saved.id],
          details: { name, type: input.type, k: input.k },
        });
        return saved;
      });
      reply.code(201);
      return presentScenario(row);
    },
  );

  app.get(
    '/api/planning/scenarios',
    {
      schema: {
        tags: ['planning'],
        summary: '本管辖范围内保存的规划情景（最近 200 个）',
        response: { 200: Type.Object({ items: Type.Array(ScenarioOut) }) },
      },
    },
    async (request) => {
      const viewer = requirePermission(request, 'planning:read');
      const rows = await findScenarios(db, viewer.scopePath);
      return { items: rows.map(presentScenario) };
    },
  );

  app.get(
    '/api/planning/scenarios/compare',
    {
      schema: {
        tags: ['planning'],
        summary: '情景并列比较：覆盖率前后、目标值、差距',
        querystring: CompareQuery,
        response: { 200: Type.Object({ items: Type.Array(ScenarioOut) }) },
      },
    },
    async (request) => {
      const viewer = requirePermission(request, 'planning:read');
      const ids = (request.query as { ids: string }).ids.split(',').map(Number);
      return { items: await compareScenarios(db, viewer, ids) };
    },
  );
}
