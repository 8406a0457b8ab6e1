// Account management for the district administrator (permission 'account:manage'): list, create, disable,
// unlock, reset passwords, change role or scope. The rules live in accounts.service.ts; these routes validate,
// check the permission and hand over.
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { auditRequest } from '../audit/request-audit.ts';
import { PageQuery, pageOf } from '../http/pagination.ts';
import { IdParams } from '../http/params.ts';
import { AccountOut } from './account.presenter.ts';
import { type AuditWriter, addAccount, changeAccount, listAccounts } from './accounts.service.ts';
import { ROLES } from './roles.ts';
import { requirePermission } from './viewer.ts';

const RoleSchema = Type.Union(ROLES.map((r) => Type.Literal(r)));

const AccountQuery = Type.Intersect([
  PageQuery,
  Type.Object({ q: Type.Optional(Type.String({ maxLength: 64 })), role: Type.Optional(RoleSchema) }),
]);

const CreateBody = Type.Object(
  {
    username: Type.String({ minLength: 3, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: 128 }),
    displayName: Type.String({ minLength: 1, maxLength: 64 }),
    role: RoleSchema,
    scope: Type.String({ minLength: 1, maxLength: 200, description: '区划代码、网格或路径' }),
    personId: Type.Optional(Type.Integer({ minimum: 1 })),
    providerId: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);

const UpdateBody = Type.Object(
  {
    displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    disabled: Type.Optional(Type.Boolean()),
    unlock: Type.Optional(Type.Literal(true)),
    password: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    role: Type.Optional(RoleSchema),
    scope: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false, minProperties: 1 },
);

const auditOf =
  (request: FastifyRequest): AuditWriter =>
  (db, entry) =>
    auditRequest(db, request, entry);

export async function accountsRoutes(app: FastifyInstance) {
  const db = app.deps.database.db;

  app.get(
    '/api/accounts',
    {
      schema: {
        tags: ['accounts'],
        summary: '账号列表（区级管理员，仅本管辖范围），可按用户名/姓名和角色筛选',
        querystring: AccountQuery,
        response: { 200: pageOf(AccountOut) },
      },
    },
    async (request) => {
      const admin = requirePermission(request, 'account:manage');
      return listAccounts(db, admin, request.query as Static<typeof AccountQuery>);
    },
  );

  app.post(
    '/api/accounts',
    {
      schema: {
        tags: ['accounts'],
        summary: '新建账号（管辖范围须在本人范围之内）',
        body: CreateBody,
        response: { 201: AccountOut },
      },
    },
    async (request, reply) => {
      const admin = requirePermission(request, 'account:manage');
      const created = await addAccount(
        db,
        admin,
        auditOf(request),
        request.body as Static<typeof CreateBody>,
      );
      return reply.status(201).send(created);
    },
  );

  app.patch(
    '/api/accounts/:id',
    {
      schema: {
        tags: ['accounts'],
        summary: '修改账号：姓名、停用/启用、解锁、重置密码、改角色或管辖范围',
        params: IdParams,
        body: UpdateBody,
        response: { 200: AccountOut },
      },
    },
    async (request) => {
      const admin = requirePermission(request, 'account:manage');
      const { id } = request.params as IdParams;
      return changeAccount(db, admin, auditOf(request), id, request.body as Static<typeof UpdateBody>);
    },
  );
}
