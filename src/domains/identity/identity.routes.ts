// /api/identity/…: identity runs and their progress, scored pairs with evidence, the review queue, golden
// records with provenance and the undo of a merge, survivorship rules; and the prefill API of a resident
// (/api/persons/:id/prefill for staff, /api/me/prefill for the resident). Reading needs 'identity:read',
// deciding a review pair 'identity:review', starting a run, undoing a merge or changing a rule 'identity:run'
// (roles in platform/auth/roles.ts); prefill needs 'person:read' or 'self:read'.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { appendAudit } from '../../platform/audit/audit-log.ts';
import { auditRequest } from '../../platform/audit/request-audit.ts';
import { requirePermission, type Viewer } from '../../platform/auth/viewer.ts';
import type { Db } from '../../platform/db/index.ts';
import { AppError } from '../../platform/http/errors.ts';
import {
  DecisionBody,
  EntityGoldenOut,
  EntityParams,
  EntityRuleParams,
  EntityTypeParams,
  EntityUndoOut,
  GoldenOut,
  IdParams,
  PageQuery,
  PairOut,
  PairQuery,
  PrefillOut,
  ReviewOut,
  ReviewPageOut,
  ReviewQuery,
  RuleBody,
  RuleOut,
  RuleParams,
  RunBody,
  RunOut,
  UndoBody,
  UndoOut,
} from './identity.schema.ts';
import { createIdentityService, type IdentityActor } from './identity.service.ts';

const TAGS = ['identity'];
type IdentityPermission = 'identity:read' | 'identity:review' | 'identity:run';

export function requestIdentityActor(request: FastifyRequest, viewer: Viewer): IdentityActor {
  return {
    username: viewer.username,
    scopePath: viewer.scopePath,
    audit: (db, entry) => auditRequest(db, request, entry),
  };
}

export function commandLineIdentityActor(username: string, scopePath: string): IdentityActor {
  return {
    username,
    scopePath,
    audit: (db: Db, entry) => appendAudit(db, { ...entry, username, role: 'cli', scopePath }),
  };
}

export async function identityRoutes(app: FastifyInstance) {
  const identity = createIdentityService(app.deps.database, app.deps.cipher);
  // A run left running by a previous server process (stopped or killed mid-run) is failed with its reason.
  app.addHook('onReady', async () => {
    const ids = await identity.failInterrupted();
    if (ids.length > 0)
      app.log.warn({ runIds: ids }, 'identity runs left running by a previous process marked failed');
  });
  const actor = (request: FastifyRequest, permission: IdentityPermission) =>
    requestIdentityActor(request, requirePermission(request, permission));

  app.post(
    '/api/identity/runs',
    {
      schema: {
        tags: TAGS,
        summary: '启动实体识别（后台线程运行，返回批次，进度见 GET）',
        body: RunBody,
        response: { 202: RunOut },
      },
    },
    async (request, reply) =>
      reply.code(202).send(await identity.start(actor(request, 'identity:run'), request.body as RunBody)),
  );

  app.get(
    '/api/identity/runs',
    {
      schema: {
        tags: TAGS,
        summary: '识别批次列表',
        querystring: PageQuery,
        response: { 200: Type.Array(RunOut) },
      },
    },
    async (request) => {
      const q = request.query as PageQuery;
      return identity.listRuns(actor(request, 'identity:read'), q.limit, q.offset);
    },
  );

  app.get(
    '/api/identity/runs/:id',
    {
      schema: {
        tags: TAGS,
        summary: '识别批次及进度（已比较 / 候选记录对）',
        params: IdParams,
        response: { 200: RunOut },
      },
    },
    async (request) => identity.readRun(actor(request, 'identity:read'), (request.params as IdParams).id),
  );

  app.get(
    '/api/identity/runs/:id/pairs',
    {
      schema: {
        tags: TAGS,
        summary: '批次中的匹配记录对及其证据（各比较项的一致程度与权重）',
        params: IdParams,
        querystring: PairQuery,
        response: { 200: Type.Array(PairOut) },
      },
    },
    async (request) =>
      identity.runPairs(
        actor(request, 'identity:read'),
        (request.params as IdParams).id,
        request.query as PairQuery,
      ),
  );

  app.get(
    '/api/identity/reviews',
    {
      schema: {
        tags: TAGS,
        summary: '待核对记录对（两条记录并列、脱敏，附证据）',
        querystring: ReviewQuery,
        response: { 200: ReviewPageOut },
      },
    },
    async (request) => identity.listReviews(actor(request, 'identity:read'), request.query as ReviewQuery),
  );

  app.post(
    '/api/identity/reviews/:id/decision',
    {
      schema: {
        tags: TAGS,
        summary: '确认、拆分、不予落位或选定户主，并说明依据（以后每次识别都沿用）',
        params: IdParams,
        body: DecisionBody,
        response: { 200: ReviewOut },
      },
    },
    async (request) =>
      identity.decide(
        actor(request, 'identity:review'),
        (request.params as IdParams).id,
        request.body as DecisionBody,
      ),
  );

  app.get(
    '/api/identity/persons/:id/golden',
    {
      schema: {
        tags: TAGS,
        summary: '居民的黄金记录：每个字段的值（脱敏）及来源、来源行、导入批次、规则',
        params: IdParams,
        response: { 200: GoldenOut },
      },
    },
    async (request) => identity.golden(actor(request, 'identity:read'), (request.params as IdParams).id),
  );

  app.post(
    '/api/identity/merges/:id/undo',
    {
      schema: {
        tags: TAGS,
        summary: '撤销一次合并（恢复合并前的记录）',
        params: IdParams,
        body: UndoBody,
        response: { 200: UndoOut },
      },
    },
    async (request) =>
      identity.undo(
        actor(request, 'identity:run'),
        (request.params as IdParams).id,
        (request.body as UndoBody).reason,
      ),
  );

  app.get(
    '/api/identity/entities/:type/:id/golden',
    {
      schema: {
        tags: TAGS,
        summary: '房屋、户或组织的黄金记录：每个字段的值及来源、来源行、规则，以及合并记录',
        params: EntityParams,
        response: { 200: EntityGoldenOut },
      },
    },
    async (request) => {
      const p = request.params as EntityParams;
      return identity.entityGolden(actor(request, 'identity:read'), p.type, p.id);
    },
  );

  app.post(
    '/api/identity/entity-merges/:id/undo',
    {
      schema: {
        tags: TAGS,
        summary: '撤销一次房屋、户或组织的合并（恢复合并前的字段及来源）',
        params: IdParams,
        body: UndoBody,
        response: { 200: EntityUndoOut },
      },
    },
    async (request) =>
      identity.undoEntityMerge(
        actor(request, 'identity:run'),
        (request.params as IdParams).id,
        (request.body as UndoBody).reason,
      ),
  );

  app.get(
    '/api/identity/entities/:type/rules',
    {
      schema: {
        tags: TAGS,
        summary: '房屋、户或组织的字段存活规则',
        params: EntityTypeParams,
        response: { 200: Type.Array(RuleOut) },
      },
    },
    async (request) => {
      actor(request, 'identity:read');
      return identity.listEntityRules((request.params as EntityTypeParams).type);
    },
  );

  app.put(
    '/api/identity/entities/:type/rules/:field',
    {
      schema: {
        tags: TAGS,
        summary: '修改房屋、户或组织的字段存活规则',
        params: EntityRuleParams,
        body: RuleBody,
        response: { 200: RuleOut },
      },
    },
    async (request) => {
      const p = request.params as EntityRuleParams;
      return identity.updateEntityRule(
        actor(request, 'identity:run'),
        p.type,
        p.field,
        request.body as RuleBody,
      );
    },
  );

  app.get(
    '/api/identity/rules',
    { schema: { tags: TAGS, summary: '字段存活规则', response: { 200: Type.Array(RuleOut) } } },
    async (request) => {
      actor(request, 'identity:read');
      return identity.listRules();
    },
  );

  app.put(
    '/api/identity/rules/:field',
    {
      schema: {
        tags: TAGS,
        summary: '修改字段存活规则（来源优先、最新、最常见；来源顺序）',
        params: RuleParams,
        body: RuleBody,
        response: { 200: RuleOut },
      },
    },
    async (request) =>
      identity.updateRule(
        actor(request, 'identity:run'),
        (request.params as RuleParams).field,
        request.body as RuleBody,
      ),
  );

  app.get(
    '/api/persons/:id/prefill',
    {
      schema: {
        tags: ['people'],
        summary: '预填信息（最多填一次）：平台已知的各项信息及来源、日期，按规则脱敏',
        params: IdParams,
        response: { 200: PrefillOut },
      },
    },
    async (request) => {
      const viewer = requirePermission(request, 'person:read');
      return identity.prefill(requestIdentityActor(request, viewer), (request.params as IdParams).id, false);
    },
  );

  app.get(
    '/api/me/prefill',
    {
      schema: {
        tags: ['people'],
        summary: '我的预填信息（本人，不脱敏）',
        response: { 200: PrefillOut },
      },
    },
    async (request) => {
      const viewer = requirePermission(request, 'self:read');
      if (viewer.personId === null) throw new AppError('PERSON_NOT_FOUND');
      return identity.prefill(requestIdentityActor(request, viewer), viewer.personId, true);
    },
  );
}
