import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { MINI, type MiniDistrict, seedMiniDistrict } from '../../testing/fixtures.ts';
import { authed, login } from '../../testing/http.ts';
import { createTestApp, describeEachBackend, type TestAppContext } from '../../testing/test-context.ts';
import { createAccount } from './accounts.service.ts';

const PASSWORD = MINI.password;

/** The mini district, plus a second district '别区' (330193) with an account the district admin must not see. */
async function setup(backend: Parameters<typeof createTestApp>[0]) {
  const ctx = await createTestApp(backend);
  const mini = await seedMiniDistrict(ctx.database.db, ctx.cipher);
  await ctx.database.db
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
  const elsewhere = await createAccount(ctx.database.db, {
    username: 'other_admin',
    password: PASSWORD,
    displayName: '别区管理员',
    role: 'district_admin',
    scopePath: '330193',
  });
  return { ...ctx, mini, elsewhereId: elsewhere.id };
}

describeEachBackend<TestAppContext & { mini: MiniDistrict; elsewhereId: number }>(
  'account management',
  setup,
  (ctx) => {
    const newWorker = (username: string, scope: string, password = 'Worker2026ok') => ({
      username,
      password,
      displayName: '新社工',
      role: 'community_worker',
      scope,
    });
    const as = async (username: string) => authed(await login(ctx().app, username, PASSWORD));
    const post = async (payload: object) =>
      ctx().app.inject({ method: 'POST', url: '/api/accounts', headers: await as('admin'), payload });
    const patch = async (id: number, payload: object, username = 'admin') =>
      ctx().app.inject({
        method: 'PATCH',
        url: `/api/accounts/${id}`,
        headers: await as(username),
        payload,
      });
    const auditDetails = async (id: number) =>
      (
        await ctx()
          .database.db.selectFrom('audit_log')
          .select(['action', 'details'])
          .where('entity_type', '=', 'account')
          .where(sql<boolean>`${String(id)} = ANY(entity_ids)`)
          .orderBy('seq')
          .execute()
      ).map((r) => ({ action: r.action, ...r.details }));

    it('the district admin creates a community worker inside its scope, who can then sign in', async () => {
      const res = await post(newWorker('worker_b', '330192001002'));
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({
        username: 'worker_b',
        scopePath: MINI.communityB.path,
        scopeName: '和平社区',
        roleLabel: '社区工作者',
        disabled: false,
      });
      await login(ctx().app, 'worker_b', 'Worker2026ok');
      expect(await auditDetails(res.json().id)).toEqual([
        {
          action: 'account.create',
          username: 'worker_b',
          role: 'community_worker',
          scopePath: MINI.communityB.path,
        },
      ]);
    });

    it('refuses a scope outside the admin scope with 403 OUT_OF_SCOPE and an unknown one with 400', async () => {
      const outside = await post(newWorker('worker_x', '330193'));
      expect(outside.statusCode).toBe(403);
      expect(outside.json().error.code).toBe('OUT_OF_SCOPE');
      const unknown = await post(newWorker('worker_y', '999999'));
      expect(unknown.statusCode).toBe(400);
      expect(unknown.json().error).toMatchObject({ code: 'SCOPE_INVALID', details: [{ field: 'scope' }] });
      const rows = await ctx()
        .database.db.selectFrom('account')
        .select('id')
        .where('username', 'in', ['worker_x', 'worker_y'])
        .execute();
      expect(rows).toEqual([]);
    });

    it('rejects a weak password with 400 naming the field, a bad role with 400 and a taken name (in any case) with 409', async () => {
      const weak = await post(newWorker('worker_w', '330192001001', 'abcdefgh'));
      expect(weak.statusCode).toBe(400);
      expect(weak.json().error.details).toEqual([
        { field: 'password', message: '密码须同时包含字母和数字', messageEn: 'Use both letters and digits' },
      ]);
      const badRole = await post({ ...newWorker('worker_r', '330192001001'), role: 'king' });
      expect(badRole.statusCode).toBe(400);
      expect(badRole.json().error.details[0].field).toBe('body/role');
      for (const name of ['cw_a', 'CW_A']) {
        const taken = await post(newWorker(name, '330192001001'));
        expect(taken.statusCode, name).toBe(409);
        expect(taken.json().error.code).toBe('USERNAME_TAKEN');
      }
    });

    it('of two simultaneous requests for one new username, one gets 201 and the other 409', async () => {
      const [a, b] = await Promise.all([
        post(newWorker('worker_twin', '330192001001')),
        post(newWorker('worker_twin', '330192001002')),
      ]);
      expect([a.statusCode, b.statusCode].sort()).toEqual([201, 409]);
    });

    it('a resident account needs a person record inside its scope', async () => {
      const resident = { ...newWorker('resident_new', ctx().mini.grids.a1.path), role: 'resident' };
      const missing = await post(resident);
      expect(missing.statusCode).toBe(400);
      expect(missing.json().error.details[0].field).toBe('personId');
      const elsewhere = ctx().mini.persons.find((p) => p.gridPath !== ctx().mini.grids.a1.path)!;
      const wrongGrid = await post({ ...resident, personId: elsewhere.id });
      expect(wrongGrid.statusCode).toBe(400);
      expect(wrongGrid.json().error.details[0].field).toBe('personId');
    });

    it('gives every other role 403 on the accounts API, and nobody signed in 401', async () => {
      for (const user of ['street1', 'cw_a', 'gw_a1', 'hotline', 'auditor', 'resident_a1']) {
        const headers = await as(user);
        const list = await ctx().app.inject({ method: 'GET', url: '/api/accounts', headers });
        expect(list.statusCode, user).toBe(403);
        const create = await ctx().app.inject({
          method: 'POST',
          url: '/api/accounts',
          headers,
          payload: newWorker(`by_${user}`, '330192001001'),
        });
        expect(create.statusCode, user).toBe(403);
      }
      expect((await ctx().app.inject({ method: 'GET', url: '/api/accounts' })).statusCode).toBe(401);
    });

    it('lists only accounts inside the admin scope, with search, role filter and pages', async () => {
      const get = async (query: string) =>
        (
          await ctx().app.inject({ method: 'GET', url: `/api/accounts?${query}`, headers: await as('admin') })
        ).json();
      const all = await get('pageSize=200');
      const names = all.items.map((a: { username: string }) => a.username);
      expect(names).toContain('cw_a');
      expect(names).not.toContain('other_admin');
      expect(all.total).toBe(all.items.length);
      const search = await get('q=CW_');
      expect(search.items.map((a: { username: string }) => a.username).sort()).toEqual(['cw_a', 'cw_c']);
      const byRole = await get('role=grid_worker');
      expect(byRole.items.map((a: { username: string }) => a.username)).toEqual(['gw_a1']);
      const page2 = await get('pageSize=2&page=2');
      expect(page2).toMatchObject({ total: all.total, page: 2, pageSize: 2 });
      expect(page2.items.map((a: { username: string }) => a.username)).toEqual(names.slice(2, 4));
    });

    it('disabling ends the account’s sessions and refuses sign-in; enabling lets it back in', async () => {
      const cw = ctx().mini.accounts['cw_c']!.id;
      const victimToken = await login(ctx().app, 'cw_c', PASSWORD);
      const disabled = await patch(cw, { disabled: true });
      expect(disabled.json().disabled).toBe(true);
      const me = await ctx().app.inject({ method: 'GET', url: '/api/auth/me', headers: authed(victimToken) });
      expect(me.statusCode).toBe(401);
      const again = await ctx().app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: 'cw_c', password: PASSWORD },
      });
      expect(again.statusCode).toBe(403);
      expect(again.json().error.code).toBe('ACCOUNT_DISABLED');
      expect((await patch(cw, { disabled: false })).json().disabled).toBe(false);
      await login(ctx().app, 'cw_c', PASSWORD);
    });

    it('a password reset obeys the policy, ends sessions and is audited without the password', async () => {
      const created = (await post(newWorker('worker_reset', '330192001001'))).json();
      const oldToken = await login(ctx().app, 'worker_reset', 'Worker2026ok');
      const weak = await patch(created.id, { password: 'worker_reset1' });
      expect(weak.statusCode).toBe(400);
      expect(weak.json().error.details).toEqual([
        {
          field: 'password',
          message: '密码不能包含用户名',
          messageEn: 'The password must not contain the username',
        },
      ]);
      expect((await patch(created.id, { password: 'NewSecret2027' })).statusCode).toBe(200);
      const me = await ctx().app.inject({ method: 'GET', url: '/api/auth/me', headers: authed(oldToken) });
      expect(me.statusCode).toBe(401);
      await login(ctx().app, 'worker_reset', 'NewSecret2027');
      const audit = await auditDetails(created.id);
      expect(audit.at(-1)).toEqual({
        action: 'account.update',
        username: 'worker_reset',
        changed: ['password'],
        changes: { password: 'reset' },
      });
      expect(JSON.stringify(audit)).not.toContain('NewSecret2027');
    });

    it('changes role and scope only inside the admin scope, and the change ends the sessions', async () => {
      const created = (await post(newWorker('worker_move', '330192001001'))).json();
      const token = await login(ctx().app, 'worker_move', 'Worker2026ok');
      const outside = await patch(created.id, { scope: '330193' });
      expect(outside.statusCode).toBe(403);
      expect(outside.json().error.code).toBe('OUT_OF_SCOPE');
      const resident = await patch(created.id, { role: 'resident' });
      expect(resident.statusCode).toBe(400);
      expect(resident.json().error.details[0].field).toBe('personId');
      const moved = await patch(created.id, { role: 'grid_worker', scope: ctx().mini.grids.a2.path });
      expect(moved.statusCode).toBe(200);
      expect(moved.json()).toMatchObject({ role: 'grid_worker', scopePath: ctx().mini.grids.a2.path });
      const me = await ctx().app.inject({ method: 'GET', url: '/api/auth/me', headers: authed(token) });
      expect(me.statusCode).toBe(401);
      expect((await auditDetails(created.id)).at(-1)).toMatchObject({
        changes: {
          role: { from: 'community_worker', to: 'grid_worker' },
          scopePath: { from: MINI.communityA.path, to: ctx().mini.grids.a2.path },
        },
      });
    });

    it('answers 404 for an account outside the admin scope, and changes nothing', async () => {
      const res = await patch(ctx().elsewhereId, { disabled: true });
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe('ACCOUNT_NOT_FOUND');
      await login(ctx().app, 'other_admin', PASSWORD);
    });

    it('unlocks a locked account', async () => {
      await ctx()
        .database.db.updateTable('account')
        .set({ locked_until: new Date(Date.now() + 3600_000), failed_logins: 3 })
        .where('username', '=', 'gw_a1')
        .execute();
      const unlock = await patch(ctx().mini.accounts['gw_a1']!.id, { unlock: true });
      expect(unlock.json().locked).toBe(false);
      await login(ctx().app, 'gw_a1', PASSWORD);
    });

    it('an admin cannot disable, demote or move itself, but may rename itself', async () => {
      const self = ctx().mini.accounts['admin']!.id;
      for (const change of [{ disabled: true }, { role: 'auditor' }, { scope: MINI.street1.code }]) {
        const res = await patch(self, change);
        expect(res.statusCode, JSON.stringify(change)).toBe(403);
      }
      const renamed = await patch(self, { displayName: '区管理员' });
      expect(renamed.json()).toMatchObject({
        displayName: '区管理员',
        role: 'district_admin',
        disabled: false,
      });
    });

    it('answers an empty or unknown change with 400', async () => {
      const id = ctx().mini.accounts['cw_a']!.id;
      expect((await patch(id, {})).statusCode).toBe(400);
      const unknown = await patch(id, { passwordHash: 'x' });
      expect(unknown.statusCode).toBe(400);
      expect(unknown.json().error.details[0].message).toContain('passwordHash');
    });
  },
);
