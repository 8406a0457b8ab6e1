// Account management for the district administrator: list, create, disable, unlock, reset passwords, change
// role or scope — always inside the administrator's own scope, always audited (never the password itself).
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { auditRequest } from '../audit/request-audit.ts';
import type { Role } from '../db/schema.ts';
import { AppError } from '../http/errors.ts';
import { offsetOf, PageQuery, pageOf } from '../http/pagination.ts';
import { AccountOut, presentAccount } from './account.presenter.ts';
import { createAccount } from './accounts.service.ts';
import { hashPassword, passwordProblems } from './passwords.ts';
import { ROLES } from './roles.ts';
import { resolveScope } from './scope.ts';
import { revokeAllSessions } from './sessions.ts';
import { inScope, requirePermission, scopeLikePattern } from './viewer.ts';

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

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

export async function accountsRoutes(app: FastifyInstance) {
  const db = app.deps.database.db;
  const names = async (paths: string[]) => {
    const unique = [...new Set(paths)];
    const out = new Map<string, string>();
    for (const p of unique) out.set(p, (await resolveScope(db, p))?.name ?? p);
    return out;
  };

  app.get(
    '/api/accounts',
    {
      schema: {
        tags: ['accounts'],
        summary: '账号列表（区级管理员，仅本管辖范围）',
        querystring: AccountQuery,
        response: { 200: pageOf(AccountOut) },
      },
    },
    async (request) => {
      const viewer = requirePermission(request, 'account:manage');
      const q = request.query as Static<typeof AccountQuery>;
      let base = db.selectFrom('account').where('scope_path', 'like', scopeLikePattern(viewer.scopePath));
      if (q.role) base = base.where('role', '=', q.role);
      if (q.q) {
        const like = `%${q.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        base = base.where((eb) => eb.or([eb('username', 'like', like), eb('display_name', 'like', like)]));
      }
      const [rows, count] = await Promise.all([
        base.selectAll().orderBy('id').limit(q.pageSize).offset(offsetOf(q)).execute(),
        base.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow(),
      ]);
      const scopeNames = await names(rows.map((r) => r.scope_path));
      return {
        items: rows.map((r) => presentAccount(r, scopeNames.get(r.scope_path) ?? r.scope_path)),
        total: Number(count.n),
        page: q.page,
        pageSize: q.pageSize,
      };
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
      const viewer = requirePermission(request, 'account:manage');
      const body = request.body as Static<typeof CreateBody>;
      const scope = await resolveScope(db, body.scope);
      if (!scope)
        throw new AppError('SCOPE_INVALID', [{ field: 'scope', message: `管辖范围 ${body.scope} 不存在` }]);
      if (!inScope(viewer, scope.path)) throw new AppError('OUT_OF_SCOPE');
      const account = await db.transaction().execute(async (trx) => {
        const created = await createAccount(trx, {
          username: body.username,
          password: body.password,
          displayName: body.displayName,
          role: body.role as Role,
          scopePath: scope.path,
          personId: body.personId ?? null,
          providerId: body.providerId ?? null,
        });
        await auditRequest(trx, request, {
          action: 'account.create',
          entityType: 'account',
          entityIds: [created.id],
          details: { username: body.username, role: body.role, scopePath: scope.path },
        });
        return trx.selectFrom('account').selectAll().where('id', '=', created.id).executeTakeFirstOrThrow();
      });
      reply.status(201);
      return presentAccount(account, scope.name);
    },
  );

  app.patch(
    '/api/accounts/:id',
    {
      schema: {
        tags: ['accounts'],
        summary: '修改账号：停用/启用、解锁、重置密码、改角色或范围',
        params: IdParams,
        body: UpdateBody,
        response: { 200: AccountOut },
      },
    },
    async (request) => {
      const viewer = requirePermission(request, 'account:manage');
      const { id } = request.params as Static<typeof IdParams>;
      const body = request.body as Static<typeof UpdateBody>;
      const account = await db.selectFrom('account').selectAll().where('id', '=', id).executeTakeFirst();
      if (!account || !inScope(viewer, account.scope_path)) throw new AppError('ACCOUNT_NOT_FOUND');
      if (id === viewer.accountId && (body.disabled === true || (body.role && body.role !== account.role))) {
        throw new AppError('FORBIDDEN', [{ field: 'id', message: '不能停用自己或更改自己的角色' }]);
      }
      const changes: Record<string, unknown> = { updated_at: new Date() };
      const changed: string[] = [];
      if (body.displayName !== undefined) {
        changes['display_name'] = body.displayName;
        changed.push('displayName');
      }
      if (body.disabled !== undefined) {
        changes['disabled'] = body.disabled;
        changed.push('disabled');
      }
      if (body.unlock) {
        changes['locked_until'] = null;
        changes['failed_logins'] = 0;
        changed.push('unlock');
      }
      if (body.password !== undefined) {
        const problems = passwordProblems(body.password, account.username);
        if (problems.length > 0) {
          throw new AppError(
            'VALIDATION_FAILED',
            problems.map((message) => ({ field: 'body/password', message })),
          );
        }
        changes['password_hash'] = await hashPassword(body.password);
        changed.push('password');
      }
      if (body.role !== undefined) {
        changes['role'] = body.role;
        changed.push('role');
      }
      if (body.scope !== undefined) {
        const scope = await resolveScope(db, body.scope);
        if (!scope)
          throw new AppError('SCOPE_INVALID', [{ field: 'scope', message: `管辖范围 ${body.scope} 不存在` }]);
        if (!inScope(viewer, scope.path)) throw new AppError('OUT_OF_SCOPE');
        changes['scope_path'] = scope.path;
        changed.push('scope');
      }
      const updated = await db.transaction().execute(async (trx) => {
        const row = await trx
          .updateTable('account')
          .set(changes)
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirstOrThrow();
        // A disabled account, a new password or new rights end every open session of that account.
        if (body.disabled || body.password || body.role || body.scope) await revokeAllSessions(trx, id);
        await auditRequest(trx, request, {
          action: 'account.update',
          entityType: 'account',
          entityIds: [id],
          details: { username: account.username, changed },
        });
        return row;
      });
      return presentAccount(
        updated,
        (await resolveScope(db, updated.scope_path))?.name ?? updated.scope_path,
      );
    },
  );
}
