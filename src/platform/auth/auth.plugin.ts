// Authentication: reads the bearer token of every request into request.viewer, and the login, logout and
// "who am I" routes. Lockout after repeated failures; every login attempt is audited.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { appendAudit } from '../audit/audit-log.ts';
import { auditEntryFor } from '../audit/request-audit.ts';
import type { AccountRow } from '../db/schema.ts';
import { AppError } from '../http/errors.ts';
import { AccountOut, presentAccount } from './account.presenter.ts';
import { SlidingWindowThrottle } from './login-throttle.ts';
import { verifyAgainstDummy, verifyPassword } from './passwords.ts';
import { scopeName } from './scope.ts';
import { checkSession, openSession, revokeSession, type SessionPolicy } from './sessions.ts';
import type { Viewer } from './viewer.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Why a presented token was not accepted, so that routes can say "expired" rather than "sign in". */
    authProblem: 'invalid' | 'expired' | 'disabled' | null;
    bearerToken: string | null;
  }
}

export function viewerOf(a: AccountRow): Viewer {
  return {
    accountId: a.id,
    username: a.username,
    displayName: a.display_name,
    role: a.role,
    scopePath: a.scope_path,
    personId: a.person_id,
    providerId: a.provider_id,
  };
}

function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (!header) return null;
  const m = header.match(/^Bearer\s+([A-Za-z0-9_-]{20,200})$/);
  return m ? m[1]! : null;
}

const LoginBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: 128 }),
  },
  { additionalProperties: false },
);

const LoginResponse = Type.Object({ token: Type.String(), expiresAt: Type.String(), account: AccountOut });

async function authPluginImpl(app: FastifyInstance) {
  const { database, config } = app.deps;
  const db = database.db;
  const policy: SessionPolicy = { idleMinutes: config.sessionIdleMinutes, maxHours: config.sessionMaxHours };

  const perClient = new SlidingWindowThrottle({ limit: config.loginRatePerClient, windowMs: 60_000 });
  const perUsername = new SlidingWindowThrottle({ limit: config.loginRatePerUsername, windowMs: 60_000 });

  app.decorateRequest('authProblem', null);
  app.decorateRequest('bearerToken', null);
  app.addHook('onRequest', async (request) => {
    const token = bearerToken(request);
    request.bearerToken = token;
    if (!token) return;
    const check = await checkSession(db, token, policy);
    if (check.ok) request.viewer = viewerOf(check.account);
    else request.authProblem = check.problem;
  });

  app.post(
    '/api/auth/login',
    {
      schema: {
        tags: ['auth'],
        summary: '登录：用户名和密码换取令牌（连续失败将临时锁定账号）',
        security: [],
        body: LoginBody,
        response: { 200: LoginResponse },
      },
    },
    async (request, reply) => {
      const { username, password } = request.body as { username: string; password: string };
      const waitMs = perClient.take(request.ip) || perUsername.take(username.toLowerCase());
      if (waitMs > 0) {
        const seconds = Math.max(1, Math.ceil(waitMs / 1000));
        reply.header('retry-after', String(seconds));
        throw new AppError('RATE_LIMITED', undefined, `登录尝试过于频繁，请 ${seconds} 秒后再试`);
      }
      const now = new Date();
      const account = await db
        .selectFrom('account')
        .selectAll()
        .where('username', '=', username)
        .executeTakeFirst();
      const audit = (outcome: 'ok' | 'denied' | 'failed', reason: string, a?: AccountRow) =>
        appendAudit(db, {
          ...auditEntryFor(request, { action: 'auth.login', outcome, details: { reason } }),
          accountId: a?.id ?? null,
          username,
          role: a?.role ?? null,
          scopePath: a?.scope_path ?? null,
        });
      if (!account) {
        await verifyAgainstDummy(password);
        await audit('failed', 'unknown_username');
        throw new AppError('LOGIN_FAILED');
      }
      if (account.disabled) {
        await audit('denied', 'disabled', account);
        throw new AppError('ACCOUNT_DISABLED');
      }
      if (account.locked_until && new Date(account.locked_until) > now) {
        await audit('denied', 'locked', account);
        const minutes = Math.ceil((new Date(account.locked_until).getTime() - now.getTime()) / 60_000);
        throw new AppError(
          'ACCOUNT_LOCKED',
          undefined,
          `登录失败次数过多，账号已临时锁定，请 ${minutes} 分钟后再试`,
        );
      }
      if (!(await verifyPassword(account.password_hash, password))) {
        const failures = account.failed_logins + 1;
        const lock = failures >= config.loginMaxFailures;
        await db
          .updateTable('account')
          .set({
            failed_logins: lock ? 0 : failures,
            locked_until: lock
              ? new Date(now.getTime() + config.loginLockMinutes * 60_000)
              : account.locked_until,
          })
          .where('id', '=', account.id)
          .execute();
        await audit('failed', lock ? 'wrong_password_locked' : 'wrong_password', account);
        if (lock) {
          throw new AppError(
            'ACCOUNT_LOCKED',
            undefined,
            `连续 ${failures} 次密码错误，账号已锁定 ${config.loginLockMinutes} 分钟`,
          );
        }
        throw new AppError(
          'LOGIN_FAILED',
          undefined,
          `用户名或密码错误（还可尝试 ${config.loginMaxFailures - failures} 次）`,
        );
      }
      const updated = await db
        .updateTable('account')
        .set({ failed_logins: 0, locked_until: null, last_login_at: now })
        .where('id', '=', account.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      const session = await openSession(db, account.id, policy, {
        ip: request.ip,
        userAgent: request.headers['user-agent'] ?? null,
      });
      request.viewer = viewerOf(updated);
      await audit('ok', 'password', updated);
      return {
        token: session.token,
        expiresAt: session.expiresAt.toISOString(),
        account: presentAccount(updated, await scopeName(db, updated.scope_path)),
      };
    },
  );

  app.post(
    '/api/auth/logout',
    {
      schema: { tags: ['auth'], summary: '退出登录', response: { 200: Type.Object({ ok: Type.Boolean() }) } },
    },
    async (request) => {
      if (request.bearerToken) {
        await revokeSession(db, request.bearerToken);
        if (request.viewer) await appendAudit(db, auditEntryFor(request, { action: 'auth.logout' }));
      }
      return { ok: true };
    },
  );

  app.get(
    '/api/auth/me',
    { schema: { tags: ['auth'], summary: '当前登录账号', response: { 200: AccountOut } } },
    async (request) => {
      const viewer = requireViewer(request);
      const account = await db
        .selectFrom('account')
        .selectAll()
        .where('id', '=', viewer.accountId)
        .executeTakeFirstOrThrow();
      return presentAccount(account, await scopeName(db, account.scope_path));
    },
  );
}

/** The signed-in viewer, or 401 saying whether the session expired or nobody signed in. */
export function requireViewer(request: FastifyRequest): Viewer {
  if (request.viewer) return request.viewer;
  if (request.authProblem === 'expired') throw new AppError('SESSION_EXPIRED');
  if (request.authProblem === 'disabled') throw new AppError('ACCOUNT_DISABLED');
  throw new AppError('UNAUTHENTICATED');
}

export const authPlugin = fp(authPluginImpl, { name: 'auth' });
