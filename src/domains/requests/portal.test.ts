// The resident portal's own routes: a signed-in resident sees the requests they filed (anonymous ones are not
// linked to the account) with status, unit, handler and steps, and the notifications sent to them; staff and
// strangers get nothing; the public lookup names the handler masked; community outlines are public.
import { expect, it } from 'vitest';
import { MINI } from '../../testing/fixtures.ts';
import { authed, login } from '../../testing/http.ts';
import { describeEachBackend } from '../../testing/test-context.ts';
import { callAs, createRequestsTestApp, PLACES } from './requests-fixture.testing.ts';

describeEachBackend('requests: resident portal', createRequestsTestApp, (ctx) => {
  const call = callAs(ctx);
  let ip = 0;
  const submit = (token: string | null, payload: object) =>
    ctx().app.inject({
      method: 'POST',
      url: '/api/requests',
      payload,
      headers: token ? authed(token) : {},
      remoteAddress: `10.0.9.${++ip}`,
    });

  it('a resident sees their own requests with unit, masked handler, steps and notifications; anonymous ones are not linked', async () => {
    const resident = await login(ctx().app, 'resident_a1', MINI.password);
    await ctx()
      .database.db.updateTable('account')
      .set({ display_name: '王建国' })
      .where('username', '=', 'water_staff')
      .execute();
    const identified = await submit(resident, {
      description: '楼下水管爆了，路面都是水',
      categoryCode: '0401',
      ...PLACES.a1,
      address: '一号楼门口',
    });
    expect(identified.statusCode).toBe(201);
    const number = identified.json().order.number as string;
    const anonymous = await submit(resident, {
      description: '小区里有人乱扔垃圾',
      ...PLACES.a2,
      anonymous: true,
    });
    expect(anonymous.statusCode).toBe(201);
    const id = Number(
      (
        await ctx()
          .database.db.selectFrom('work_order')
          .select('id')
          .where('number', '=', number)
          .executeTakeFirstOrThrow()
      ).id,
    );
    expect((await call('water_staff', 'POST', `/api/requests/${id}/accept`, {})).statusCode).toBe(200);

    const mine = await ctx().app.inject({
      method: 'GET',
      url: '/api/requests/mine',
      headers: authed(resident),
    });
    expect(mine.statusCode).toBe(200);
    const body = mine.json();
    expect(body.total).toBe(1);
    expect(body.items[0]).toMatchObject({
      number,
      status: 'accepted',
      responsibleUnit: '供水公司',
      handler: '王*国',
      description: '楼下水管爆了，路面都是水',
      address: '一号楼门口',
      anonymous: false,
    });
    expect(body.items[0].steps.map((s: { action: string }) => s.action)).toEqual([
      'receive',
      'dispatch',
      'accept',
    ]);

    const notes = await ctx().app.inject({
      method: 'GET',
      url: '/api/requests/mine/notifications',
      headers: authed(resident),
    });
    expect(notes.statusCode).toBe(200);
    const items = notes.json().items as Array<{ number: string; kind: string; message: string }>;
    expect(items.every((n) => n.number === number)).toBe(true);
    expect(items.map((n) => n.kind)).toEqual(expect.arrayContaining(['received', 'dispatch']));
    expect(items.length).toBeGreaterThanOrEqual(3);

    // The public lookup shows the same handler, masked, and still nothing the resident wrote.
    const lookup = (await call(null, 'GET', `/api/public/requests/${number}`)).json();
    expect(lookup.handler).toBe('王*国');
    expect(JSON.stringify(lookup)).not.toContain('水管爆了');
  });

  it('staff and strangers cannot list anyone\'s "my requests" or notifications', async () => {
    expect((await call('cw_a', 'GET', '/api/requests/mine')).statusCode).toBe(403);
    expect((await call('hotline', 'GET', '/api/requests/mine/notifications')).statusCode).toBe(403);
    const anon = await call(null, 'GET', '/api/requests/mine');
    expect(anon.statusCode).toBe(401);
    expect(anon.json().error.message).toBeTruthy();
  });

  it('before anyone of the unit takes the order in hand there is no handler', async () => {
    const res = await submit(null, {
      description: '路灯不亮了',
      categoryCode: '0106',
      ...PLACES.c1,
      anonymous: true,
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().order.handler).toBeNull();
  });

  it('area outlines are public: community names and boundaries only', async () => {
    const res = await call(null, 'GET', '/api/public/map/areas.geojson');
    expect(res.statusCode).toBe(200);
    const fc = res.json();
    expect(fc.type).toBe('FeatureCollection');
    expect(fc.features.length).toBeGreaterThan(0);
    for (const f of fc.features) {
      expect(Object.keys(f.properties).sort()).toEqual(['code', 'name']);
      expect(['Polygon', 'MultiPolygon']).toContain(f.geometry.type);
    }
  });
});
