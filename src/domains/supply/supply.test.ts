import { expect, it } from 'vitest';
import { MINI, type MiniDistrict, seedMiniDistrict } from '../../testing/fixtures.ts';
import { authed, login } from '../../testing/http.ts';
import { createTestApp, describeEachBackend, type TestAppContext } from '../../testing/test-context.ts';

interface Ctx extends TestAppContext {
  mini: MiniDistrict;
  tokens: Record<string, string>;
}

const NEAR = { lng: 120.105, lat: 30.285 };

describeEachBackend(
  'supply: providers, procurement, explained matching, choices and delivery records',
  async (backend): Promise<Ctx> => {
    const ctx = await createTestApp(backend);
    const mini = await seedMiniDistrict(ctx.database.db, ctx.cipher);
    const tokens: Record<string, string> = {};
    for (const user of ['admin', 'cw_a', 'cw_c', 'auditor', 'resident_a1', 'street1', 'hotline']) {
      tokens[user] = await login(ctx.app, user, MINI.password);
    }
    return { ...ctx, mini, tokens };
  },
  (ctx) => {
    const call = (method: 'GET' | 'POST', user: string, url: string, payload?: unknown) =>
      ctx().app.inject({
        method,
        url,
        ...(payload ? { payload: payload as object } : {}),
        headers: authed(ctx().tokens[user]!),
      });
    const ids: Record<string, number> = {};

    const provider = async (name: string, extra: Record<string, unknown>) => {
      const res = await call('POST', 'street1', '/api/supply/providers', {
        name,
        kind: 'social_org',
        categories: ['home_care'],
        capacityPerMonth: 100,
        pricePerHour: 50,
        rating: 4.5,
        lng: NEAR.lng,
        lat: NEAR.lat,
        serviceRadiusM: 5000,
        ...extra,
      });
      expect(res.statusCode).toBe(201);
      return res.json().id as number;
    };

    it('registers providers of the street with qualifications and their validity', async () => {
      ids.good = await provider('颐康居家养老服务中心', {});
      ids.expired = await provider('夕阳红养老服务社', { pricePerHour: 40 });
      ids.pricey = await provider('安心护理有限公司', {
        kind: 'company',
        pricePerHour: 80,
        lng: 120.13,
        lat: 30.3,
      });
      const qual = (providerId: number, validUntil: string) =>
        call('POST', 'street1', `/api/supply/providers/${providerId}/qualifications`, {
          kind: '养老服务机构备案',
          number: `YL-${providerId}`,
          categories: ['home_care'],
          validFrom: '2024-01-01',
          validUntil,
        });
      expect((await qual(ids.good, '2099-12-31')).statusCode).toBe(201);
      expect((await qual(ids.expired, '2025-06-30')).statusCode).toBe(201);
      expect((await qual(ids.pricey, '2099-12-31')).statusCode).toBe(201);
      const detail = (await call('GET', 'cw_a', `/api/supply/providers/${ids.expired}`)).json();
      expect(detail.qualifications).toEqual([
        expect.objectContaining({ validUntil: '2025-06-30', valid: false }),
      ]);
      expect(detail.history).toEqual({
        deliveries: 0,
        confirmed: 0,
        averageResidentRating: null,
        last30Days: 0,
      });
    });

    it('lists the registry a page at a time, searched by name and category, with qualification expiry and history', async () => {
      // A second licence of the good provider that ends in 30 days: still valid, but highlighted.
      const soon = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
      const added = await call('POST', 'street1', `/api/supply/providers/${ids.good}/qualifications`, {
        kind: '食品经营许可证',
        number: 'JY-1',
        validFrom: '2024-01-01',
        validUntil: soon,
      });
      expect(added.statusCode).toBe(201);
      const page1 = (await call('GET', 'cw_a', '/api/supply/providers?pageSize=2')).json();
      expect(page1).toMatchObject({ total: 3, page: 1, pageSize: 2 });
      expect(page1.items.map((p: { id: number }) => p.id)).toEqual([ids.good, ids.expired]);
      const page2 = (await call('GET', 'cw_a', '/api/supply/providers?pageSize=2&page=2')).json();
      expect(page2.items.map((p: { id: number }) => p.id)).toEqual([ids.pricey]);
      const good = page1.items[0];
      expect(good.qualifications).toEqual([
        expect.objectContaining({ kind: '养老服务机构备案', valid: true, expiringSoon: false }),
        expect.objectContaining({ kind: '食品经营许可证', valid: true, expiringSoon: true }),
      ]);
      expect(Math.abs(good.qualifications[1].daysLeft - 30)).toBeLessThanOrEqual(1);
      expect(page1.items[1].qualifications[0]).toMatchObject({ valid: false, expiringSoon: false });
      expect(page1.items[1].qualifications[0].daysLeft).toBeLessThan(0);
      expect(good.history).toMatchObject({ deliveries: 0 });
      const found = (
        await call('GET', 'cw_a', `/api/supply/providers?q=${encodeURIComponent('夕阳')}`)
      ).json();
      expect(found.items.map((p: { id: number }) => p.id)).toEqual([ids.expired]);
      // A LIKE wildcard in the search is taken literally.
      expect((await call('GET', 'cw_a', '/api/supply/providers?q=%25')).json().total).toBe(0);
      expect((await call('GET', 'cw_a', '/api/supply/providers?category=legal_aid')).json().total).toBe(0);
      expect((await call('GET', 'cw_a', '/api/supply/providers?pageSize=500')).statusCode).toBe(400);
    });

    it('rejects bad provider input: empty categories (400), a validity that ends before it starts (400), an area outside scope (403)', async () => {
      const empty = await call('POST', 'street1', '/api/supply/providers', {
        name: '空类别',
        kind: 'company',
        categories: [],
      });
      expect(empty.statusCode).toBe(400);
      const backwards = await call('POST', 'street1', `/api/supply/providers/${ids.good}/qualifications`, {
        kind: 'x',
        number: '1',
        validFrom: '2026-01-01',
        validUntil: '2025-01-01',
      });
      expect(backwards.statusCode).toBe(400);
      expect(backwards.json().error.details[0].field).toBe('/validUntil');
      const outside = await call('POST', 'cw_a', '/api/supply/providers', {
        name: '外区机构',
        kind: 'company',
        categories: ['home_care'],
        areaPath: MINI.communityC.path,
      });
      expect(outside.statusCode).toBe(403);
      expect(outside.json().error.code).toBe('OUT_OF_SCOPE');
    });

    it('ranks the bidders with every component, weight and reason; an expired licence is a blocker', async () => {
      const project = await call('POST', 'cw_a', '/api/supply/projects', {
        title: '2027 年居家养老上门服务',
        category: 'home_care',
        budget: 100000,
        requiredCapacity: 50,
        ...NEAR,
      });
      expect(project.statusCode).toBe(201);
      ids.project = project.json().id;
      for (const [key, price] of [
        ['good', 60000],
        ['expired', 50000],
        ['pricey', 90000],
      ] as const) {
        const bid = await call('POST', 'cw_a', `/api/supply/projects/${ids.project}/bids`, {
          providerId: ids[key],
          price,
          capacity: 60,
        });
        expect(bid.statusCode).toBe(201);
      }
      const again = await call('POST', 'cw_a', `/api/supply/projects/${ids.project}/bids`, {
        providerId: ids.good,
        price: 1,
        capacity: 1,
      });
      expect(again.statusCode).toBe(409);
      const res = await call('GET', 'cw_a', `/api/supply/projects/${ids.project}/ranking`);
      expect(res.statusCode).toBe(200);
      const { ranking, weights } = res.json();
      expect(Object.keys(weights).sort()).toEqual([
        'capacity',
        'category',
        'distance',
        'performance',
        'price',
        'qualification',
        'rating',
      ]);
      expect(ranking.map((r: { providerId: number }) => r.providerId)).toEqual([
        ids.good,
        ids.pricey,
        ids.expired,
      ]);
      const [first, , last] = ranking;
      expect(first).toMatchObject({ rank: 1, eligible: true, blockers: [] });
      expect(first.components).toHaveLength(7);
      const sum = first.components.reduce((a: number, c: { contribution: number }) => a + c.contribution, 0);
      expect(first.score).toBeCloseTo(sum, 3);
      expect(first.components.find((c: { component: string }) => c.component === 'price')).toMatchObject({
        value: 60000,
        score: 0.8333,
      });
      expect(last.eligible).toBe(false);
      expect(last.blockers).toEqual([
        { zh: '资质已于 2025-06-30 过期', en: 'qualification expired on 2025-06-30' },
      ]);
    });

    it('an award other than the top needs a reason; the choice, reason and override land in the audit trail', async () => {
      const noReason = await call('POST', 'cw_a', `/api/supply/projects/${ids.project}/award`, {
        providerId: ids.pricey,
      });
      expect(noReason.statusCode).toBe(400);
      expect(noReason.json().error.code).toBe('OVERRIDE_REASON_REQUIRED');
      const res = await call('POST', 'cw_a', `/api/supply/projects/${ids.project}/award`, {
        providerId: ids.pricey,
        reason: '需要24小时护理资质，仅该公司具备',
      });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ providerId: ids.pricey, override: true, topProviderId: ids.good });
      const entry = await ctx()
        .database.db.selectFrom('audit_log')
        .select(['purpose', 'details', 'entity_ids'])
        .where('action', '=', 'provider.choose')
        .executeTakeFirstOrThrow();
      expect(entry.purpose).toBe('需要24小时护理资质，仅该公司具备');
      expect(entry.details).toMatchObject({
        override: true,
        chosenProviderId: ids.pricey,
        topProviderId: ids.good,
      });
      const closed = await call('POST', 'cw_a', `/api/supply/projects/${ids.project}/bids`, {
        providerId: ids.good,
        price: 1,
        capacity: 1,
      });
      expect(closed.json().error.code).toBe('PROJECT_CLOSED');
      const project = (await call('GET', 'cw_a', `/api/supply/projects/${ids.project}`)).json();
      expect(project.status).toBe('awarded');
      expect(project.bids.map((b: { providerId: number }) => b.providerId).sort()).toEqual(
        [ids.good, ids.expired, ids.pricey].sort(),
      );
      expect(project.choices).toEqual([
        expect.objectContaining({
          providerId: ids.pricey,
          providerName: '安心护理有限公司',
          topProviderId: ids.good,
          override: true,
          reason: '需要24小时护理资质，仅该公司具备',
        }),
      ]);
      expect((await call('GET', 'cw_c', `/api/supply/projects/${ids.project}`)).statusCode).toBe(404);
    });

    it('matches a single request by hourly price and records the top choice without a reason', async () => {
      const res = await call('POST', 'hotline', '/api/supply/match', {
        category: 'home_care',
        hours: 2,
        ...NEAR,
      });
      expect(res.statusCode).toBe(200);
      const top = res.json().ranking[0];
      expect(top).toMatchObject({ providerId: ids.good, eligible: true });
      expect(top.components.find((c: { component: string }) => c.component === 'price').value).toBe(100);
      const chose = await call('POST', 'hotline', '/api/supply/match/choose', {
        category: 'home_care',
        hours: 2,
        ...NEAR,
        requestRef: 'RQ-2026-0001',
        providerId: ids.good,
      });
      expect(chose.json()).toMatchObject({ override: false, providerId: ids.good });
      expect(
        (await call('POST', 'hotline', '/api/supply/match', { category: 'home_care', hours: -1, ...NEAR }))
          .statusCode,
      ).toBe(400);
    });

    it('records a home-care visit traceable from its request to its cost, masked for workers and full for the resident', async () => {
      const person = ctx().mini.persons[0]!;
      const res = await call('POST', 'cw_a', '/api/supply/deliveries', {
        providerId: ids.good,
        personId: person.id,
        workerName: '护理员甲',
        category: 'home_care',
        description: '助浴、测血压',
        startedAt: '2026-11-20T02:00:00Z',
        minutes: 90,
        cost: 75,
        sourceKind: 'request',
        sourceId: 'RQ-2026-0001',
      });
      expect(res.statusCode).toBe(201);
      ids.delivery = res.json().id;
      const list = (
        await call('GET', 'cw_a', '/api/supply/deliveries?sourceKind=request&sourceId=RQ-2026-0001')
      ).json();
      expect(list.totals).toEqual({ deliveries: 1, minutes: 90, cost: 75 });
      expect(list.items[0]).toMatchObject({
        residentName: '张*国',
        source: { kind: 'request', id: 'RQ-2026-0001' },
        confirmedAt: null,
      });
      const own = (await call('GET', 'resident_a1', '/api/supply/deliveries')).json();
      expect(own.items[0].residentName).toBe(person.name);
      const audit = await ctx()
        .database.db.selectFrom('audit_log')
        .select('action')
        .where('action', 'in', ['delivery.create', 'delivery.read'])
        .execute();
      expect(audit.length).toBeGreaterThanOrEqual(3);
    });

    it('refuses bad delivery records: a resident outside scope (404), a half source (400), a future time (400)', async () => {
      const base = {
        providerId: ids.good,
        personId: ctx().mini.persons[0]!.id,
        workerName: '甲',
        category: 'home_care',
        startedAt: '2026-11-20T02:00:00Z',
        minutes: 30,
        cost: 10,
      };
      expect((await call('POST', 'cw_c', '/api/supply/deliveries', base)).json().error.code).toBe(
        'PERSON_NOT_FOUND',
      );
      const half = await call('POST', 'cw_a', '/api/supply/deliveries', { ...base, sourceKind: 'policy' });
      expect(half.statusCode).toBe(400);
      expect(half.json().error.details[0].field).toBe('/sourceId');
      const future = await call('POST', 'cw_a', '/api/supply/deliveries', {
        ...base,
        startedAt: '2099-01-01T00:00:00Z',
      });
      expect(future.statusCode).toBe(400);
      expect((await call('POST', 'cw_a', '/api/supply/deliveries', { ...base, minutes: 0 })).statusCode).toBe(
        400,
      );
    });

    it('the resident confirms and rates once; the rating feeds the provider history', async () => {
      const ok = await call('POST', 'resident_a1', `/api/supply/deliveries/${ids.delivery}/confirm`, {
        rating: 5,
      });
      expect(ok.statusCode).toBe(204);
      const twice = await call('POST', 'resident_a1', `/api/supply/deliveries/${ids.delivery}/confirm`, {
        rating: 1,
      });
      expect(twice.json().error.code).toBe('DELIVERY_ALREADY_CONFIRMED');
      const detail = (await call('GET', 'cw_a', `/api/supply/providers/${ids.good}`)).json();
      expect(detail.history).toMatchObject({ deliveries: 1, confirmed: 1, averageResidentRating: 5 });
    });

    it('guards roles: a resident may not register providers, the auditor may not read them', async () => {
      expect(
        (
          await call('POST', 'resident_a1', '/api/supply/providers', {
            name: '某机构',
            kind: 'company',
            categories: ['x'],
          })
        ).statusCode,
      ).toBe(403);
      expect((await call('GET', 'auditor', '/api/supply/providers')).statusCode).toBe(403);
      expect((await call('GET', 'cw_c', `/api/supply/providers/${ids.good}`)).statusCode).toBe(404);
    });
  },
);
