import { describe, expect, it } from 'vitest';
import { seedMiniDistrict } from '../../testing/fixtures.ts';
import { authed, login } from '../../testing/http.ts';
import { createTestApp, describeEachBackend } from '../../testing/test-context.ts';
import { contentSecurityPolicy } from '../http/security-headers.ts';

const PASSWORD = 'Passw0rd!2026';

describeEachBackend(
  'sign-in, sessions and lockout',
  async (backend) => {
    const ctx = await createTestApp(backend, {
      loginMaxFailures: 3,
      loginLockMinutes: 15,
      sessionIdleMinutes: 30,
    });
    await seedMiniDistrict(ctx.database.db, ctx.cipher);
    return ctx;
  },
  (ctx) => {
    it('signs in with the right password and answers /api/auth/me with role, scope and permissions', async () => {
      const { app } = ctx();
      const token = await login(app, 'cw_a', PASSWORD);
      const me = await app.inject({ method: 'GET', url: '/api/auth/me', headers: authed(token) });
      expect(me.statusCode).toBe(200);
      expect(me.json()).toMatchObject({
        username: 'cw_a',
        role: 'community_worker',
        roleLabel: '社区工作者',
        scopePath: '/330192/330192001/330192001001/',
        scopeName: '幸福社区',
      });
      expect(me.json().permissions).toContain('person:unmask');
    });

    it('stores only a hash of the password (argon2id) and of the session token', async () => {
      const { database } = ctx();
      const account = await database.db
        .selectFrom('account')
        .selectAll()
        .where('username', '=', 'cw_a')
        .executeTakeFirstOrThrow();
      expect(account.password_hash).toMatch(/^\$argon2id\$/);
      const token = await login(ctx().app, 'cw_a', PASSWORD);
      const sessions = await database.db.selectFrom('login_session').select('token_hash').execute();
      expect(sessions.map((s) => s.token_hash)).not.toContain(token);
    });

    it('answers 401 LOGIN_FAILED for a wrong password and for an unknown user alike', async () => {
      const { app } = ctx();
      const wrong = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: 'street1', password: 'nope' },
      });
      const unknown = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: 'ghost', password: 'nope' },
      });
      expect(wrong.statusCode).toBe(401);
      expect(unknown.statusCode).toBe(401);
      expect(wrong.json().error.code).toBe('LOGIN_FAILED');
      expect(unknown.json().error.code).toBe('LOGIN_FAILED');
    });

    it('locks an account after the configured number of failures, even against the right password', async () => {
      const { app } = ctx();
      const attempt = (password: string) =>
        app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'hotline', password } });
      expect((await attempt('wrong-1')).statusCode).toBe(401);
      expect((await attempt('wrong-2')).statusCode).toBe(401);
      const third = await attempt('wrong-3');
      expect(third.statusCode).toBe(423);
      expect(third.json().error.code).toBe('ACCOUNT_LOCKED');
      const right = await attempt(PASSWORD);
      expect(right.statusCode).toBe(423);
      expect(right.json().error.message).toMatch(/分钟后再试/);
    });

    it('rejects a missing token with 401 UNAUTHENTICATED and a garbage token likewise', async () => {
      const { app } = ctx();
      expect((await app.inject({ method: 'GET', url: '/api/auth/me' })).json().error.code).toBe(
        'UNAUTHENTICATED',
      );
      const garbage = await app.inject({
        method: 'GET',
        url: '/api/auth/me',
        headers: authed('x'.repeat(43)),
      });
      expect(garbage.statusCode).toBe(401);
    });

    it('expires an idle session with 401 SESSION_EXPIRED', async () => {
      const { app, database } = ctx();
      const token = await login(app, 'auditor', PASSWORD);
      await database.db
        .updateTable('login_session')
        .set({ last_seen_at: new Date(Date.now() - 31 * 60_000) })
        .where('revoked_at', 'is', null)
        .execute();
      const res = await app.inject({ method: 'GET', url: '/api/auth/me', headers: authed(token) });
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe('SESSION_EXPIRED');
    });

    it('ends the session on logout', async () => {
      const { app } = ctx();
      const token = await login(app, 'admin', PASSWORD);
      await app.inject({ method: 'POST', url: '/api/auth/logout', headers: authed(token) });
      expect(
        (await app.inject({ method: 'GET', url: '/api/auth/me', headers: authed(token) })).statusCode,
      ).toBe(401);
    });

    it('audits successful and failed sign-ins', async () => {
      const { database } = ctx();
      const rows = await database.db
        .selectFrom('audit_log')
        .select(['action', 'outcome', 'username'])
        .execute();
      expect(rows).toContainEqual({ action: 'auth.login', outcome: 'ok', username: 'cw_a' });
      expect(rows).toContainEqual({ action: 'auth.login', outcome: 'failed', username: 'ghost' });
    });

    it('answers a login body with a missing field with 400 and the field named', async () => {
      const res = await ctx().app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: 'a' },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.details[0].field).toBe('body/password');
    });
  },
);

describeEachBackend(
  'sign-in throttling and security headers',
  (backend) => createTestApp(backend, { loginRatePerClient: 3, loginRatePerUsername: 100 }),
  (ctx) => {
    it('answers the fourth sign-in attempt within a minute from one address with 429 RATE_LIMITED', async () => {
      const { app } = ctx();
      const attempt = () =>
        app.inject({
          method: 'POST',
          url: '/api/auth/login',
          payload: { username: 'nobody', password: 'x' },
        });
      for (let i = 0; i < 3; i++) expect((await attempt()).statusCode).toBe(401);
      const limited = await attempt();
      expect(limited.statusCode).toBe(429);
      expect(limited.json().error).toMatchObject({ code: 'RATE_LIMITED', messageEn: expect.any(String) });
      const retryAfter = Number(limited.headers['retry-after']);
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(limited.json().error.message).toBe(`登录尝试过于频繁，请 ${retryAfter} 秒后再试`);
      // Another address is not affected.
      const other = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        remoteAddress: '10.0.0.9',
        payload: { username: 'nobody', password: 'x' },
      });
      expect(other.statusCode).toBe(401);
    });

    it('sends security headers and no-store on API answers, errors included', async () => {
      for (const url of ['/api/health', '/api/persons', '/api/no-such-route']) {
        const res = await ctx().app.inject({ method: 'GET', url });
        expect(res.headers['x-content-type-options'], url).toBe('nosniff');
        expect(res.headers['x-frame-options'], url).toBe('DENY');
        expect(res.headers['referrer-policy'], url).toBe('no-referrer');
        expect(res.headers['cache-control'], url).toBe('no-store');
        expect(res.headers['content-security-policy'], url).toContain("frame-ancestors 'none'");
      }
    });
  },
);

describeEachBackend(
  'sign-in throttling per username',
  (backend) => createTestApp(backend, { loginRatePerClient: 1000, loginRatePerUsername: 2 }),
  (ctx) => {
    it('refuses the third attempt at one username within a minute even from different addresses', async () => {
      const attempt = (username: string, remoteAddress: string) =>
        ctx().app.inject({
          method: 'POST',
          url: '/api/auth/login',
          remoteAddress,
          payload: { username, password: 'wrong-password-1' },
        });
      expect((await attempt('target', '10.0.0.1')).statusCode).toBe(401);
      expect((await attempt('Target', '10.0.0.2')).statusCode).toBe(401);
      const third = await attempt('TARGET', '10.0.0.3');
      expect(third.statusCode).toBe(429);
      expect(third.json().error.code).toBe('RATE_LIMITED');
      expect((await attempt('someone_else', '10.0.0.3')).statusCode).toBe(401);
    });
  },
);

describe('content security policy', () => {
  it('allows the console its blob: workers and images, and a configured tile server, nothing else', () => {
    const csp = contentSecurityPolicy('https://tiles.example.org/{z}/{x}/{y}.png');
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("worker-src 'self' blob:");
    expect(csp).toContain("img-src 'self' data: blob: https://tiles.example.org");
    expect(csp).toContain("connect-src 'self' https://tiles.example.org");
    expect(contentSecurityPolicy(undefined)).toContain("connect-src 'self';");
  });
});
