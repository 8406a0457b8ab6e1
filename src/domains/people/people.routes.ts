// Resident search, records, purpose-bound unmasking, the resident's own record, households, and creating and
// correcting records. Routes are thin: they check the permission and hand over to the service, which applies
// the scope, writes the audit entry and presents through the one masking presenter.
import type { FastifyInstance } from 'fastify';
import { requirePermission } from '../../platform/auth/viewer.ts';
import { actorOf, createPeopleService } from './people.service.ts';
import {
  HouseholdWithMembersOut,
  HouseWithHouseholdsOut,
  IdParams,
  PersonCreateBody,
  PersonDetailOut,
  PersonPageOut,
  PersonSearchQuery,
  PersonUpdateBody,
  UnmaskBody,
  UnmaskOut,
} from './person.schema.ts';

export async function peopleRoutes(app: FastifyInstance) {
  const people = createPeopleService(app.deps.database, app.deps.cipher);

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
      return people.search(actorOf(request, viewer), request.query as PersonSearchQuery);
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
      return people.read(actorOf(request, viewer), (request.params as IdParams).id);
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
      return people.unmask(actorOf(request, viewer), id, request.body as UnmaskBody);
    },
  );

  app.get(
    '/api/me/person',
    {
      schema: { tags: ['people'], summary: '居民本人的档案（不脱敏）', response: { 200: PersonDetailOut } },
    },
    async (request) => {
      const viewer = requirePermission(request, 'self:read');
      return people.readSelf(actorOf(request, viewer));
    },
  );

  app.post(
    '/api/persons',
    {
      schema: {
        tags: ['people'],
        summary: '登记居民（身份证号须与性别、出生日期一致；重复登记返回 409）',
        body: PersonCreateBody,
        response: { 201: PersonDetailOut },
      },
    },
    async (request, reply) => {
      const viewer = requirePermission(request, 'person:write');
      const created = await people.create(actorOf(request, viewer), request.body as PersonCreateBody);
      return reply.code(201).send(created);
    },
  );

  app.patch(
    '/api/persons/:id',
    {
      schema: {
        tags: ['people'],
        summary: '更正居民信息（范围外一律 404）',
        params: IdParams,
        body: PersonUpdateBody,
        response: { 200: PersonDetailOut },
      },
    },
    async (request) => {
      const viewer = requirePermission(request, 'person:write');
      const { id } = request.params as IdParams;
      return people.update(actorOf(request, viewer), id, request.body as PersonUpdateBody);
    },
  );

  app.get(
    '/api/households/:id',
    {
      schema: {
        tags: ['people'],
        summary: '户的信息与成员（成员字段脱敏；范围外一律 404）',
        params: IdParams,
        response: { 200: HouseholdWithMembersOut },
      },
    },
    async (request) => {
      const viewer = requirePermission(request, 'person:read');
      return people.readHousehold(actorOf(request, viewer), (request.params as IdParams).id);
    },
  );

  app.get(
    '/api/houses/:id',
    {
      schema: {
        tags: ['people'],
        summary: '房屋及其中的户和成员（成员字段脱敏；范围外一律 404）',
        params: IdParams,
        response: { 200: HouseWithHouseholdsOut },
      },
    },
    async (request) => {
      const viewer = requirePermission(request, 'person:read');
      return people.readHouse(actorOf(request, viewer), (request.params as IdParams).id);
    },
  );
}
