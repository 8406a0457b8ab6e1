// Routes of resident profiles (/api/profiles/...) and proactive services (/api/eligibility/...). Thin: each checks
// the permission and hands the viewer to the service, which scopes, audits and presents.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requirePermission, type Viewer } from '../../platform/auth/viewer.ts';
import { AppError } from '../../platform/http/errors.ts';
import { chinaToday } from '../stats/index.ts';
import { toCsv } from './csv-export.ts';
import { demandService } from './demand.service.ts';
import {
  AppealBody,
  AppealOut,
  AppealPageOut,
  AppealQuery,
  CaseDetailOut,
  CasePageOut,
  CaseQuery,
  CaseReadQuery,
  DemandQuery,
  IdParams,
  OwnAppealsOut,
  ProfileOut,
  PublicPoliciesOut,
  ResolveBody,
  ReviewBody,
  RuleSetOut,
  RulesBody,
  RunBody,
  RunOut,
  UnmaskBody,
  ValidateBody,
} from './profiles.schema.ts';
import { actorOf, createProfilesService } from './profiles.service.ts';
import { RESIDENT_FIELDS } from './resident-fields.ts';

// The export is read in a spreadsheet by people, not parsed by programs: decisions and review states in words,
// as the console shows them.
const CASE_STATUS_LABEL: Record<string, string> = {
  eligible: '符合未享受',
  near_miss: '临界（差一项）',
  excluded: '符合但被排除',
  not_eligible: '不符合',
};
const REVIEW_STATE_LABEL: Record<string, string> = {
  pending: '待审核',
  approved: '已批准联系',
  rejected: '已驳回',
};

/** Residents appeal for themselves; workers with the permission appeal for residents of their area. */
function requireAppellant(request: FastifyRequest): Viewer {
  if (request.viewer?.role === 'resident') return requirePermission(request, 'self:read');
  return requirePermission(request, 'eligibility:appeal');
}

export async function profilesRoutes(app: FastifyInstance) {
  const service = createProfilesService(app.deps.database);
  const demand = demandService(app.deps.database.db);
  const tags = ['profiles'];
  const etags = ['eligibility'];

  app.get(
    '/api/profiles/rules',
    { schema: { tags, summary: '现行画像标签与政策规则（JSON，可读）', response: { 200: RuleSetOut } } },
    async (request) => {
      requirePermission(request, 'profile:read');
      const r = await service.rules();
      return {
        id: r.id,
        version: r.version,
        createdBy: r.createdBy,
        createdAt: new Date(r.createdAt).toISOString(),
        document: r.document,
        fields: RESIDENT_FIELDS,
      };
    },
  );

  app.post(
    '/api/profiles/rules/validate',
    {
      schema: {
        tags,
        summary: '检查规则文件（错误指明 JSON 路径，400）',
        body: ValidateBody,
        response: {
          200: Type.Object({ ok: Type.Boolean(), tags: Type.Integer(), policies: Type.Integer() }),
        },
      },
    },
    async (request) => {
      const viewer = request.viewer;
      if (!viewer) throw new AppError('UNAUTHENTICATED');
      const doc = service.validate((request.body as ValidateBody).rules);
      return { ok: true, tags: doc.tags.length, policies: doc.policies.length };
    },
  );

  app.put(
    '/api/profiles/rules',
    {
      schema: {
        tags,
        summary: '保存新版本规则（须说明原因，记入审计）',
        body: RulesBody,
        response: { 200: Type.Object({ id: Type.Integer() }) },
      },
    },
    async (request) => {
      const viewer = requirePermission(request, 'rules:write');
      return { id: await service.saveRules(actorOf(request, viewer), request.body as RulesBody) };
    },
  );

  app.post(
    '/api/profiles/runs',
    { schema: { tags, summary: '在本管辖范围内重新计算画像标签', body: RunBody, response: { 200: RunOut } } },
    async (request) => {
      const viewer = requirePermission(request, 'profile:run');
      return service.run(actorOf(request, viewer), request.body as RunBody, ['tags']);
    },
  );

  app.get(
    '/api/profiles/persons/:id',
    {
      schema: {
        tags,
        summary: '居民画像（标签默认脱敏，只给数量；范围外 404）',
        params: IdParams,
        response: { 200: ProfileOut },
      },
    },
    async (request) => {
      const viewer = requirePermission(request, 'profile:read');
      return service.readProfile(actorOf(request, viewer), (request.params as IdParams).id);
    },
  );

  app.post(
    '/api/profiles/persons/:id/unmask',
    {
      schema: {
        tags,
        summary: '说明用途后查看居民画像标签及其依据（记入审计）',
        params: IdParams,
        body: UnmaskBody,
        response: { 200: ProfileOut },
      },
    },
    async (request) => {
      const viewer = requirePermission(request, 'profile:read');
      const { id } = request.params as IdParams;
      return service.unmaskProfile(actorOf(request, viewer), id, (request.body as UnmaskBody).purpose);
    },
  );

  app.get(
    '/api/profiles/demand',
    {
      schema: {
        tags,
        summary: '需求分析：按网格/社区/街道/年龄段统计各标签人数、符合未享受人数与临界人数',
        querystring: DemandQuery,
      },
    },
    async (request) => {
      const viewer = requirePermission(request, 'profile:read');
      const q = request.query as DemandQuery;
      return demand.needs(viewer.scopePath, q.by, chinaToday());
    },
  );

  app.get(
    '/api/profiles/supply-gap',
    {
      schema: {
        tags,
        summary: '供需缺口：各社区 60 岁以上老人与养老床位、日间照料托位',
        querystring: Type.Object({
          residentialPer100: Type.Number({ minimum: 0, maximum: 100, default: 3 }),
          dayCarePer100: Type.Number({ minimum: 0, maximum: 100, default: 2 }),
        }),
      },
    },
    async (request) => {
      const viewer = requirePermission(request, 'profile:read');
      const q = request.query as { residentialPer100: number; dayCarePer100: number };
      return demand.elderCareGap(viewer.scopePath, chinaToday(), q);
    },
  );

  app.post(
    '/api/eligibility/runs',
    {
      schema: {
        tags: etags,
        summary: '免申即享：按现行政策规则找出符合但未享受、临界和被排除的居民',
        body: RunBody,
        response: { 200: RunOut },
      },
    },
    async (request) => {
      const viewer = requirePermission(request, 'profile:run');
      return service.run(actorOf(request, viewer), request.body as RunBody, ['tags', 'eligibility']);
    },
  );

  app.get(
    '/api/eligibility/cases',
    {
      schema: {
        tags: etags,
        summary: '待核查事项（本管辖范围内，姓名与敏感依据脱敏）',
        querystring: CaseQuery,
        response: { 200: CasePageOut },
      },
    },
    async (request) => {
      const viewer = requirePermission(request, 'profile:read');
      return service.listCases(actorOf(request, viewer), request.query as CaseQuery);
    },
  );

  app.get(
    '/api/eligibility/cases/export.csv',
    {
      schema: {
        tags: etags,
        summary: '导出核查事项 CSV（UTF-8 BOM，公式字符已转义，敏感依据脱敏）',
        querystring: Type.Omit(CaseQuery, ['page', 'pageSize']),
      },
    },
    async (request, reply) => {
      const viewer = requirePermission(request, 'profile:read');
      const { rows, total } = await service.exportCases(actorOf(request, viewer), request.query as CaseQuery);
      const csv = toCsv(rows, [
        ['事项号 case', (r) => r.id],
        ['居民 resident', (r) => r.name],
        ['年龄 age', (r) => r.age],
        ['社区 community', (r) => r.communityName],
        ['网格 grid', (r) => r.gridName],
        ['政策 policy', (r) => r.policyName],
        ['判定 status', (r) => CASE_STATUS_LABEL[r.status] ?? r.status],
        ['金额 amount', (r) => r.amount],
        ['原因 reasons', (r) => r.reasons.join('；')],
        ['缺数据 missing data', (r) => (r.missingData ? '是' : '否')],
        ['审核 review', (r) => REVIEW_STATE_LABEL[r.reviewState] ?? r.reviewState],
        ['审核意见 review reason', (r) => r.reviewReason],
      ]);
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="eligibility-cases.csv"')
        .header('x-total-count', String(total))
        .send(csv);
    },
  );

  app.get(
    '/api/eligibility/cases/:id',
    {
      schema: {
        tags: etags,
        summary: '核查事项详情：政策依据与判定树（带 purpose 时显示敏感依据，记入审计；范围外 404）',
        params: IdParams,
        querystring: CaseReadQuery,
        response: { 200: CaseDetailOut },
      },
    },
    async (request) => {
      const viewer = requirePermission(request, 'profile:read');
      const { id } = request.params as IdParams;
      return service.readCase(actorOf(request, viewer), id, (request.query as CaseReadQuery).purpose);
    },
  );

  app.post(
    '/api/eligibility/cases/:id/review',
    {
      schema: {
        tags: etags,
        summary: '审核：批准后生成联系任务；驳回须写明原因；已审核的再次审核返回 409',
        params: IdParams,
        body: ReviewBody,
        response: { 200: CaseDetailOut },
      },
    },
    async (request) => {
      const viewer = requirePermission(request, 'eligibility:review');
      const { id } = request.params as IdParams;
      return service.review(actorOf(request, viewer), id, request.body as ReviewBody);
    },
  );

  app.post(
    '/api/eligibility/appeals',
    {
      schema: {
        tags: etags,
        summary: '申诉：居民或工作人员认为某户被错误排除，重新打开事项并附上规则判定',
        body: AppealBody,
        response: {
          201: Type.Object({ appealId: Type.Integer(), caseId: Type.Integer(), status: Type.String() }),
        },
      },
    },
    async (request, reply) => {
      const viewer = requireAppellant(request);
      const out = await service.fileAppeal(actorOf(request, viewer), request.body as AppealBody);
      return reply.code(201).send(out);
    },
  );

  app.get(
    '/api/eligibility/appeals',
    {
      schema: {
        tags: etags,
        summary: '申诉列表（本管辖范围内）',
        querystring: AppealQuery,
        response: { 200: AppealPageOut },
      },
    },
    async (request) => {
      const viewer = requirePermission(request, 'eligibility:review');
      return service.listAppeals(actorOf(request, viewer), request.query as AppealQuery);
    },
  );

  app.get(
    '/api/eligibility/policies',
    {
      schema: {
        tags: etags,
        summary: '现行惠民政策：名称、依据、条件与档次（公开，无需登录）',
        security: [],
        response: { 200: PublicPoliciesOut },
      },
    },
    async () => {
      // Policies are public documents: a resident must be able to read what they may appeal against.
      const r = await service.rules();
      // Names for the values rules compare against (tag codes, policy ids), so no reader meets a bare code.
      const tagLabels = await app.deps.database.db
        .selectFrom('code_value')
        .select(['code', 'label_zh', 'label_en'])
        .where('code_set', '=', 'person_tag')
        .execute();
      const tagNames = Object.fromEntries(tagLabels.map((t) => [t.code, { zh: t.label_zh, en: t.label_en }]));
      const profileTagNames = Object.fromEntries(r.document.tags.map((t) => [t.id, t.label]));
      const policyNames = Object.fromEntries(r.document.policies.map((p) => [p.id, p.name]));
      return {
        version: r.version,
        valueLabels: { tags: tagNames, profile_tags: profileTagNames, receives: policyNames },
        policies: r.document.policies.map((p) => ({
          id: p.id,
          name: p.name,
          legalBasis: p.legalBasis,
          benefit: p.benefit,
          conditions: p.conditions,
          exclusions: p.exclusions.map((e) => ({ id: e.id, label: e.label })),
          tiers: p.tiers.map((t) => ({ label: t.label, amount: t.amount })),
        })),
        fields: Object.fromEntries(Object.entries(RESIDENT_FIELDS).map(([k, f]) => [k, f.label])),
      };
    },
  );

  app.get(
    '/api/eligibility/my-appeals',
    {
      schema: {
        tags: etags,
        summary: '居民本人的申诉及处理结果',
        response: { 200: OwnAppealsOut },
      },
    },
    async (request) => {
      const viewer = requirePermission(request, 'self:read');
      return service.listOwnAppeals(actorOf(request, viewer));
    },
  );

  app.post(
    '/api/eligibility/appeals/:id/resolve',
    {
      schema: {
        tags: etags,
        summary: '处理申诉：维持或改判；可更正数据（重新判定）或记录规则已修改；已处理的返回 409',
        params: IdParams,
        body: ResolveBody,
        response: { 200: AppealOut },
      },
    },
    async (request) => {
      const viewer = requirePermission(request, 'eligibility:review');
      const { id } = request.params as IdParams;
      return service.resolveAppeal(actorOf(request, viewer), id, request.body as ResolveBody);
    },
  );
}
