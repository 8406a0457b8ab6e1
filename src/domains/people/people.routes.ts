// Resident search, detail, purpose-bound unmasking and the resident's own record. Scope and masking are
// enforced here and in the presenter; every response with personal data is audited.
import type { FastifyInstance } from 'fastify';
import { normaliseIdInput, parseIdNumber } from '../../lib/id-number.ts';
import { maskIdNumber, maskPhone } from '../../lib/masking.ts';
import { auditRequest } from '../../platform/audit/request-audit.ts';
import { roleMayUnmask, type SensitiveField } from '../../platform/auth/roles.ts';
import { requirePermission, type Viewer } from '../../platform/auth/viewer.ts';
import { AppError } from '../../platform/http/errors.ts';
import { offsetOf } from '../../platform/http/pagination.ts';
import { codeLabelsOf } from '../codes/index.ts';
import {
  type Presenting,
  presentPersonDetail,
  presentPersonSummary,
  unmaskedValues,
} from './person.presenter.ts';
import { countPersons, findPersonInScope, findPersons, type PersonQuery } from './person.repository.ts';
import {
  IdParams,
  PersonDetailOut,
  PersonPageOut,
  PersonSearchQuery,
  UnmaskBody,
  UnmaskOut,
} from './person.schema.ts';

/** Totals above this are reported as a lower bound (`totalExact: false`), so a page never counts a district. */
const COUNT_CAP = 10_000;

function yearsBefore(date: Date, years: number): string {
  const d = new Date(date);
  d.setUTCFullYear(d.getUTCFullYear() - years);
  return d.toISOString().slice(0, 10);
}

export async function peopleRoutes(app: FastifyInstance) {
  const { database, cipher } = app.deps;
  const db = database.db;
  const presenting = async (viewer: Viewer): Promise<Presenting> => ({
    viewer,
    cipher,
    labels: await codeLabelsOf(db),
    today: new Date().toISOString().slice(0, 10),
  });

  app.get(
    '/api/persons',
    {
      schema: {
        tags: ['people'],
        summary: '居民查询（本管辖范围内，字段默认脱敏）',
        querystring: PersonSearchQuery,
        response: { 200: PersonPageOut },
      },
    },
    async (request) => {
      const viewer = requirePermission(request, 'person:read');
      const q = request.query as PersonSearchQuery;
      if (q.ageMin !== undefined && q.ageMax !== undefined && q.ageMin > q.ageMax) {
        throw new AppError('VALIDATION_FAILED', [
          { field: 'querystring/ageMin', message: '最小年龄不能大于最大年龄' },
        ]);
      }
      const query: PersonQuery = {
        scopePath: viewer.scopePath,
        limit: q.pageSize,
        offset: offsetOf(q),
        gridId: q.gridId,
        within: q.within,
        tag: q.tag,
        sex: q.sex,
        registrationType: q.registrationType,
      };
      const now = new Date();
      if (q.ageMin !== undefined) query.bornOnOrBefore = yearsBefore(now, q.ageMin);
      if (q.ageMax !== undefined) query.bornAfter = yearsBefore(now, q.ageMax + 1);
      // The one search box: a full ID number or phone is looked up exactly through its blind index (and never
      // written to the audit trail in clear); anything else is a name prefix.
      let auditedQuery: string | undefined;
      const text = q.q?.trim();
      if (text) {
        const compact = normaliseIdInput(text);
        const id = /^\d{15}$|^\d{17}[\dX]$/.test(compact) ? parseIdNumber(compact) : null;
        if (id) {
          if (!id.ok) {
            throw new AppError('ID_NUMBER_INVALID', [
              { field: 'querystring/q', message: '身份证号码校验未通过' },
            ]);
          }
          query.idNumberHash = cipher.blindIndex(id.value);
          auditedQuery = maskIdNumber(id.value);
        } else if (/^1\d{10}$/.test(compact)) {
          query.phoneHash = cipher.blindIndex(compact);
          auditedQuery = maskPhone(compact);
        } else {
          query.namePrefix = text;
          auditedQuery = text;
        }
      }
      const [rows, counted] = await Promise.all([
        findPersons(db, query),
        countPersons(db, query, COUNT_CAP + 1),
      ]);
      const totalExact = counted <= COUNT_CAP;
      const total = Math.min(counted, COUNT_CAP);
      await auditRequest(db, request, {
        action: 'person.search',
        entityType: 'person',
        entityIds: rows.map((r) => r.id),
        details: { q: auditedQuery ?? null, filters: { ...q, q: undefined }, total },
      });
      const ctx = await presenting(viewer);
      return {
        items: rows.map((r) => presentPersonSummary(r, ctx)),
        total,
        totalExact,
        page: q.page,
        pageSize: q.pageSize,
      };
    },
  );

  app.get(
    '/api/persons/:id',
    {
      schema: {
        tags: ['people'],
        summary: '居民档案（范围外的居民一律 404）',
        params: IdParams,
        response: { 200: PersonDetailOut },
      },
    },
    async (request) => {
      const viewer = requirePermission(request, 'person:read');
      const { id } = request.params as IdParams;
      const person = await findPersonInScope(db, viewer.scopePath, id);
      if (!person) throw new AppError('PERSON_NOT_FOUND');
      await auditRequest(db, request, { action: 'person.read', entityType: 'person', entityIds: [id] });
      return presentPersonDetail(person, await presenting(viewer));
    },
  );

  app.post(
    '/api/persons/:id/unmask',
    {
      schema: {
        tags: ['people'],
        summary: '说明用途后查看某位居民的完整信息（逐条、逐字段，记入审计）',
        params: IdParams,
        body: UnmaskBody,
        response: { 200: UnmaskOut },
      },
    },
    async (request) => {
      const viewer = requirePermission(request, 'person:unmask');
      const { id } = request.params as IdParams;
      const body = request.body as UnmaskBody;
      const purpose = body.purpose.trim();
      if (Array.from(purpose).length < 4) {
        throw new AppError('PURPOSE_REQUIRED', [
          { field: 'body/purpose', message: '请填写查看用途，至少 4 个字' },
        ]);
      }
      const fields = body.fields as SensitiveField[];
      const refused = fields.filter((f) => !roleMayUnmask(viewer.role, f));
      if (refused.length > 0) {
        await auditRequest(db, request, {
          action: 'person.unmask',
          outcome: 'denied',
          entityType: 'person',
          entityIds: [id],
          purpose,
          details: { fields, refused },
        });
        throw new AppError(
          'FORBIDDEN',
          refused.map((f) => ({ field: `body/fields/${f}`, message: `您的角色不能查看该字段的完整信息` })),
        );
      }
      const person = await findPersonInScope(db, viewer.scopePath, id);
      if (!person) throw new AppError('PERSON_NOT_FOUND');
      await auditRequest(db, request, {
        action: 'person.unmask',
        entityType: 'person',
        entityIds: [id],
        purpose,
        details: { fields },
      });
      return { id, purpose, values: unmaskedValues(person, fields, cipher) };
    },
  );

  app.get(
    '/api/me/person',
    {
      schema: { tags: ['people'], summary: '居民本人的档案（不脱敏）', response: { 200: PersonDetailOut } },
    },
    async (request) => {
      const viewer = requirePermission(request, 'self:read');
      if (!viewer.personId) throw new AppError('PERSON_NOT_FOUND');
      const person = await findPersonInScope(db, viewer.scopePath, viewer.personId);
      if (!person) throw new AppError('PERSON_NOT_FOUND');
      await auditRequest(db, request, {
        action: 'person.read',
        entityType: 'person',
        entityIds: [person.id],
      });
      return presentPersonDetail(person, await presenting(viewer));
    },
  );
}
