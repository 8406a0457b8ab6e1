import { expect, it } from 'vitest';
import { seedMiniDistrict } from '../../testing/fixtures.ts';
import { authed, login } from '../../testing/http.ts';
import { createTestApp, describeEachBackend } from '../../testing/test-context.ts';

const PASSWORD = 'Passw0rd!2026';

describeEachBackend(
  'account management',
  async (backend) => {
    const ctx = await createTestApp(backend);
    await seedMiniDistrict(ctx.database.db, ctx.cipher);
    return ctx;
  },
  (ctx) => {
    const newWorker = (username: string, scope: string, password = 'Worker2026ok') => ({
      username,
      password,
      displayName: '新社工',
      role: 'community_worker',
      scope,
    });

    it('the district admin creates a community worker inside its scope, who can then sign in', async () => {
      const { app } = ctx();
      const token = await login(app, 'admin', PASSWORD);
      const res = await app.inject({
        method: 'POST',
        url: '/api/accounts',
        headers: authed(token),
        payload: newWorker('worker_b', '330192001002'),
      });
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({
        username: 'worker_b',
        scopeName: '和平社区',
        roleLabel: '社区工作者',
      });
      await login(app, 'worker_b', 'Worker2026ok');
    });

    it('refuses a scope outside the admin scope with 403 and an unknown scope with 400', async () => {
      const { app, database } = ctx();
      // A second district the admin does not govern.
      await database.db
        .insertInto('admin_division')
        .values({
          code: '330193000000',
          edition: 2025,
          level: 3,
          kind: '市辖区',
          name: '别区',
          parent_code: null,
          path: '/330193/',
          source: 'test',
          source_updated_at: null,
          boundary: null,
          center_lng: null,
          center_lat: null,
          ur_class: null,
        })
        .execute();
      const token = await login(app, 'admin', PASSWORD);
      const outside = await app.inject({
        method: 'POST',
        url: '/api/accounts',
        headers: authed(token),
        payload: newWorker('worker_x', '330193'),
      });
      expect(outside.statusCode).toBe(403);
      expect(outside.json().error.code).toBe('OUT_OF_SCOPE');
      const unknown = await app.inject({
        method: 'POST',
        url: '/api/accounts',
        headers: authed(token),
        payload: newWorker('worker_y', '999999'),
      });
      expect(unknown.statusCode).toBe(400);
      expect(unknown.json().error.code).toBe('SCOPE_INVALID');
    });

    it('rejects a weak password with 400 naming the field, and a taken username with 409', async () => {
      const { app } = ctx();
      const token = await login(app, 'admin', PASSWORD);
      const weak = await app.inject({
        method: 'POST',
        url: '/api/accounts',
        headers: authed(token),
        payload: newWorker('worker_w', '330192001001', 'abcdefgh'),
      });
      expect(weak.statusCode).toBe(400);
      expect(weak.json().error.details[0]).toMatchObject({
        field: 'password',
        message: '密码须同时包含字母和数字',
      });
      const taken = await app.inject({
        method: 'POST',
        url: '/api/accounts',
        headers: authed(token),
        payload: newWorker('cw_a', '330192001001'),
      });
      expect(taken.statusCode).toBe(409);
    });

    it('gives every other role 403 on the accounts API', async () => {
      const { app } = ctx();
      for (const user of ['street1', 'cw_a', 'gw_a1', 'hotline', 'auditor', 'resident_a1']) {
        const token = await login(app, user, PASSWORD);
        const res = await app.inject({ method: 'GET', url: '/api/accounts', headers: authed(token) });
        expect(res.statusCode, user).toBe(403);
      }
    });

    it('lists accounts inside the scope with search, and disabling ends the account’s sessions', async () => {
      const { app } = ctx();
      const admin = await login(app, 'admin', PASSWORD);
      const list = await app.inject({
        method: 'GET',
        url: '/api/accounts?q=cw_&pageSize=50',
        headers: authed(admin),
      });
      expect(
        list
          .json()
          .items.map((a: { username: string }) => a.username)
          .sort(),
      ).toEqual(['cw_a', 'cw_c']);
      const victim = list.json().items.find((a: { username: string }) => a.username === 'cw_c');
      const victimToken = await login(app, 'cw_c', PASSWORD);
      const disabled = await app.inject({
        method: 'PATCH',
        url: `/api/accounts/${victim.id}`,
        headers: authed(admin),
        payload: { disabled: true },
      });
      expect(disabled.json().disabled).toBe(true);
      const me = await app.inject({ method: 'GET', url: '/api/auth/me', headers: authed(victimToken) });
      expect(me.statusCode).toBe(401);
      const again = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: 'cw_c', password: PASSWORD },
      });
      expect(again.statusCode).toBe(403);
      expect(again.json().error.code).toBe('ACCOUNT_DISABLED');
    });

    it('unlocks a locked account, and an admin cannot disable itself', async () => {
      const { app, database } = ctx();
      await database.db
        .updateTable('account')
        .set({ locked_until: new Date(Date.now() + 3600_000) })
        .where('username', '=', 'gw_a1')
        .execute();
      const admin = await login(app, 'admin', PASSWORD);
      const gw = await database.db
        .selectFrom('account')
        .select('id')
        .where('username', '=', 'gw_a1')
        .executeTakeFirstOrThrow();
      const unlock = await app.inject({
        method: 'PATCH',
        url: `/api/accounts/${gw.id}`,
        headers: authed(admin),
        payload: { unlock: true },
      });
      expect(unlock.json().locked).toBe(false);
      await login(app, 'gw_a1', PASSWORD);
      const self = await database.db
        .selectFrom('account')
        .select('id')
        .where('username', '=', 'admin')
        .executeTakeFirstOrThrow();
      const res = await app.inject({
        method: 'PATCH',
        url: `/api/accounts/${self.id}`,
        headers: authed(admin),
        payload: { disabled: true },
      });
      expect(res.statusCode).toBe(403);
      const audit = await database.db
        .selectFrom('audit_log')
        .select('details')
        .where('action', '=', 'account.update')
        .execute();
      expect(JSON.stringify(audit)).not.toContain(PASSWORD);
    });
  },
);
