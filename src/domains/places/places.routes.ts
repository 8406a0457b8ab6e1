// Organizations (法人单位), facilities (公共服务设施), facility types and service providers: lists bounded by
// the viewer's scope, with totals counted inside it.

import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { parseUscc } from '../../lib/uscc.ts';
import { requirePermission } from '../../platform/auth/viewer.ts';
import { AppError } from '../../platform/http/errors.ts';
import { offsetOf, pageOf } from '../../platform/http/pagination.ts';
import { presentFacility, presentOrganization, presentProvider } from './places.presenter.ts';
import { findFacilities, findFacilityTypes, findOrganizations, findProviders } from './places.repository.ts';
import {
  FacilityOut,
  FacilityQuery,
  FacilityTypeOut,
  OrganizationOut,
  OrganizationQuery,
  ProviderOut,
  ProviderQuery,
} from './places.schema.ts';

const USCC_PROBLEMS: Record<string, string> = {
  alphabet: '含有统一社会信用代码不使用的字符（I、O、Z、S、V 等）',
  division: '第 3–8 位应为行政区划代码',
  org_check: '组织机构代码校验位错误',
  check_char: '统一社会信用代码校验位错误',
};

/**
 * The organizations search box: 18 letters and digits are meant as a unified social credit code (GB 32100),
 * checked and matched exactly, so a mistyped code answers 400 rather than an empty list; anything else is part
 * of a name.
 */
function organizationSearch(text: string | undefined): { q?: string; uscc?: string } {
  const trimmed = text?.trim();
  if (!trimmed) return {};
  const compact = trimmed.replace(/[\s-]/g, '').toUpperCase();
  if (!/^[0-9A-Z]{18}$/.test(compact)) return { q: trimmed };
  const parsed = parseUscc(compact);
  if (!parsed.ok) {
    throw new AppError('USCC_INVALID', [
      {
        field: 'querystring/q',
        message: USCC_PROBLEMS[parsed.problem] ?? '统一社会信用代码不正确',
        messageEn: `Check failed: ${parsed.problem}`,
      },
    ]);
  }
  return { uscc: parsed.value };
}

export async function placesRoutes(app: FastifyInstance) {
  const db = app.deps.database.db;

  app.get(
    '/api/organizations',
    {
      schema: {
        tags: ['places'],
        summary: '辖区内的法人单位与组织（法定代表人姓名、电话脱敏）',
        querystring: OrganizationQuery,
        response: { 200: pageOf(OrganizationOut) },
      },
    },
    async (request) => {
      const viewer = requirePermission(request, 'org:read');
      const q = request.query as OrganizationQuery;
      const { rows, total } = await findOrganizations(db, {
        scopePath: viewer.scopePath,
        limit: q.pageSize,
        offset: offsetOf(q),
        ...organizationSearch(q.q),
        kind: q.kind,
        gridId: q.gridId,
      });
      return { items: rows.map(presentOrganization), total, page: q.page, pageSize: q.pageSize };
    },
  );

  app.get(
    '/api/facilities',
    {
      schema: {
        tags: ['places'],
        summary: '辖区内的公共服务设施',
        querystring: FacilityQuery,
        response: { 200: pageOf(FacilityOut) },
      },
    },
    async (request) => {
      const viewer = requirePermission(request, 'facility:read');
      const q = request.query as FacilityQuery;
      const { rows, total } = await findFacilities(db, {
        scopePath: viewer.scopePath,
        limit: q.pageSize,
        offset: offsetOf(q),
        q: q.q?.trim() || undefined,
        type: q.type,
        gridId: q.gridId,
      });
      return { items: rows.map(presentFacility), total, page: q.page, pageSize: q.pageSize };
    },
  );

  app.get(
    '/api/facility-types',
    {
      schema: {
        tags: ['places'],
        summary: '设施类型（依据 GB 50180-2018 生活圈配建要求）',
        response: { 200: Type.Array(FacilityTypeOut) },
      },
    },
    async (request) => {
      requirePermission(request, 'facility:read');
      const types = await findFacilityTypes(db);
      return types.map((t) => ({
        code: t.code,
        nameZh: t.name_zh,
        nameEn: t.name_en,
        lifeCircle: t.life_circle,
        mandatory: t.mandatory,
        maxRadiusM: t.max_radius_m,
        capacityUnit: t.capacity_unit,
        sourceClause: t.source_clause,
      }));
    },
  );

  app.get(
    '/api/providers',
    {
      schema: {
        tags: ['places'],
        summary: '辖区内的服务商（社会组织、企业、志愿队伍）',
        querystring: ProviderQuery,
        response: { 200: pageOf(ProviderOut) },
      },
    },
    async (request) => {
      const viewer = requirePermission(request, 'provider:read');
      const q = request.query as ProviderQuery;
      const { rows, total } = await findProviders(db, {
        scopePath: viewer.scopePath,
        limit: q.pageSize,
        offset: offsetOf(q),
        q: q.q?.trim() || undefined,
        category: q.category,
      });
      return { items: rows.map(presentProvider), total, page: q.page, pageSize: q.pageSize };
    },
  );
}
