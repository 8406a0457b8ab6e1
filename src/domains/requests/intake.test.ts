// Intake from the portal, the hotline and grid patrols: what a good submission creates, and what every bad input
// gets (400/413/415/429, never a partial write); idempotency; same-incident merging; the public lookup by number.
import { expect, it } from 'vitest';
import { verifyAuditChain } from '../../platform/audit/audit-log.ts';
import { describeEachBackend } from '../../testing/test-context.ts';
import {
  callAs,
  createRequestsTestApp,
  danglingOrderRows,
  jpegOf,
  PLACES,
} from './requests-fixture.testing.ts';

describeEachBackend('requests: intake', createRequestsTestApp, (ctx) => {
  const call = callAs(ctx);
  const db = () => ctx().database.db;
  const count = async (
    table: 'work_order' | 'order_requester' | 'order_attachment' | 'notification_outbox',
  ) =>
    Number(
      (
        await db()
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  let ip = 0;
  /** A portal submission from its own client address, so the per-client limit only bites where a test wants. */
  const portal = (payload: object, headers: Record<string, string> = {}, remoteAddress = `10.0.1.${++ip}`) =>
    ctx().app.inject({ method: 'POST', url: '/api/requests', payload, headers, remoteAddress });

  it('an anonymous portal request with a category is received, classified and dispatched to its unit at once', async () => {
    const res = await portal({
      description: '小区门口停水了，一直没有来水',
      categoryCode: '0401',
      ...PLACES.a1,
      anonymous: true,
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.merged).toBe(false);
    expect(body.accessCode).toMatch(/^\d{6}$/);
    expect(body.order).toMatchObject({
      status: 'dispatched',
      responsibleUnit: '供水公司',
      categoryName: '停水',
    });
    expect(body.order.steps.map((s: { action: string }) => s.action)).toEqual(['receive', 'dispatch']);
    const row = await db()
      .selectFrom('work_order')
      .selectAll()
      .where('number', '=', body.order.number)
      .executeTakeFirstOrThrow();
    expect(row.scope_path).toBe(ctx().mini.grids.a1.path);
    expect(row.lead_unit_code).toBe('water');
    // 停水 is a 24-hour utility tier on the wall clock.
    expect(new Date(row.resolve_due!).getTime() - new Date(row.dispatched_at!).getTime()).toBe(24 * 3600_000);
    const requester = await db()
      .selectFrom('order_requester')
      .selectAll()
      .where('order_id', '=', row.id)
      .executeTakeFirstOrThrow();
    expect(requester).toMatchObject({ anonymous: true, name: null, phone_hash: null });
    const audits = await db()
      .selectFrom('audit_log')
      .select(['entity_ids', 'role'])
      .where('action', '=', 'request.create')
      .execute();
    const audit = audits.find((a) => a.entity_ids.includes(String(row.id)));
    expect(audit?.role).toBe('anonymous');
  });

  it('the same Idempotency-Key twice answers the same order with 200 and writes no second row', async () => {
    const payload = {
      description: '路灯不亮已经三天了',
      categoryCode: '0106',
      ...PLACES.a2,
      anonymous: true,
    };
    const headers = { 'idempotency-key': 'portal-test-key-0001' };
    const first = await portal(payload, headers);
    const before = await count('work_order');
    const second = await portal(payload, headers);
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(200);
    expect(second.json().order.number).toBe(first.json().order.number);
    expect(second.json().accessCode).toBeNull();
    expect(await count('work_order')).toBe(before);
  });

  it('bad input gets a clear 4xx and writes nothing', async () => {
    const before = await count('work_order');
    const cases: Array<[object, number, string]> = [
      [{ description: '噪音扰民', categoryCode: '9999', ...PLACES.a1 }, 400, 'CATEGORY_UNKNOWN'],
      [{ description: '噪音扰民', ...PLACES.outside }, 400, 'LOCATION_OUTSIDE_DISTRICT'],
      [{ description: '噪音扰民', lat: 30.285 }, 400, 'VALIDATION_FAILED'],
      [{ description: '噪音扰民', lat: 95, lng: 120.1 }, 400, 'VALIDATION_FAILED'],
      [{ description: '扰'.repeat(2001), ...PLACES.a1 }, 413, 'REQUEST_TEXT_TOO_LONG'],
      [{ description: ' ', ...PLACES.a1 }, 400, 'VALIDATION_FAILED'],
      [{ description: '噪音扰民', phone: '12345', ...PLACES.a1 }, 400, 'PHONE_INVALID'],
      [{ description: '噪音扰民', colour: 'red' }, 400, 'VALIDATION_FAILED'],
      [
        {
          description: '井盖丢了',
          ...PLACES.a1,
          photos: [
            {
              fileName: 'a.png',
              contentType: 'image/png',
              dataBase64: Buffer.from('not an image').toString('base64'),
            },
          ],
        },
        415,
        'ATTACHMENT_TYPE_UNSUPPORTED',
      ],
      [
        {
          description: '井盖丢了',
          ...PLACES.a1,
          photos: [{ fileName: 'a.gif', contentType: 'image/gif', dataBase64: jpegOf(100) }],
        },
        415,
        'ATTACHMENT_TYPE_UNSUPPORTED',
      ],
      [
        {
          description: '井盖丢了',
          ...PLACES.a1,
          photos: [
            { fileName: 'big.jpg', contentType: 'image/jpeg', dataBase64: jpegOf(2 * 1024 * 1024 + 1) },
          ],
        },
        413,
        'ATTACHMENT_TOO_LARGE',
      ],
    ];
    for (const [payload, status, code] of cases) {
      const res = await portal(payload);
      expect({ payload: Object.keys(payload), status: res.statusCode, code: res.json().error?.code }).toEqual(
        {
          payload: Object.keys(payload),
          status,
          code,
        },
      );
      expect(res.json().error.messageEn).toBeTruthy();
    }
    expect(await count('work_order')).toBe(before);
  });

  it('a body over 10 MB gets 413 and a body that is not JSON gets 415', async () => {
    const huge = await portal({ description: 'x'.repeat(11 * 1024 * 1024) });
    expect(huge.statusCode).toBe(413);
    const text = await ctx().app.inject({
      method: 'POST',
      url: '/api/requests',
      payload: 'description=hello',
      headers: { 'content-type': 'text/plain' },
      remoteAddress: '10.0.9.1',
    });
    expect(text.statusCode).toBe(415);
    expect(text.json().error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('a photo within the limits is stored with its hash', async () => {
    const res = await portal({
      description: '井盖缺失很危险',
      categoryCode: '0105',
      ...PLACES.a2,
      photos: [{ fileName: 'cover.jpg', contentType: 'image/jpeg', dataBase64: jpegOf(5000) }],
    });
    expect(res.statusCode).toBe(201);
    const order = await db()
      .selectFrom('work_order')
      .select('id')
      .where('number', '=', res.json().order.number)
      .executeTakeFirstOrThrow();
    const photo = await db()
      .selectFrom('order_attachment')
      .select(['byte_size', 'content_type', 'sha256'])
      .where('order_id', '=', order.id)
      .executeTakeFirstOrThrow();
    expect(photo).toMatchObject({ byte_size: 5000, content_type: 'image/jpeg' });
    expect(photo.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('HTML in a request is kept as text and escaped where shown as XML', async () => {
    const script = '<script>alert("x")</script> 楼道灯坏了 & 没人修';
    const res = await portal({ description: script, categoryCode: '0106', lng: 120.135, lat: 30.281 });
    expect(res.statusCode).toBe(201);
    const number = res.json().order.number;
    const stored = await db()
      .selectFrom('work_order')
      .select('description')
      .where('number', '=', number)
      .executeTakeFirstOrThrow();
    expect(stored.description).toBe(script);
    const key = await import('./open311.routes.ts').then((m) => m.createOpen311Key(db(), 'escape-test'));
    const xml = await call(null, 'GET', `/open311/v2/requests/${number}.xml?api_key=${key}`);
    expect(xml.body).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; 楼道灯坏了 &amp; 没人修');
    expect(xml.body).not.toContain('<script>');
  });

  it('too many submissions from one client get 429 with Retry-After', async () => {
    let last = null;
    for (let i = 0; i < 21; i++) {
      last = await portal(
        { description: `第${i}次反映：垃圾没人清运`, lng: 120.101 + i * 0.0004, lat: 30.2815 },
        {},
        '10.9.9.9',
      );
      if (last.statusCode === 429) break;
      expect(last.statusCode).toBe(201);
    }
    expect(last!.statusCode).toBe(429);
    expect(last!.json().error.code).toBe('RATE_LIMITED');
    expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('too many submissions from one phone number get 429, whatever the address', async () => {
    let last = null;
    for (let i = 0; i < 11; i++) {
      last = await portal({
        description: `电话反映第${i}次：楼下施工噪音很大`,
        phone: '13912345678',
        name: '赵小明',
        lng: 120.1005 + i * 0.0008,
        lat: 30.2895,
      });
      if (last.statusCode === 429) break;
      expect(last.statusCode).toBe(201);
    }
    expect(last!.statusCode).toBe(429);
    expect(last!.headers['retry-after']).toBeDefined();
  });

  it('a second report of the same incident joins the open order; both requesters are kept and notified', async () => {
    const first = await portal({
      description: '和平社区3号楼门口自来水管爆了，水流了一地',
      categoryCode: '0404',
      lng: 120.125,
      lat: 30.288,
      phone: '13800001111',
      name: '钱多多',
    });
    const second = await portal({
      description: '3号楼门口自来水管爆管，路上全是水',
      lng: 120.1252,
      lat: 30.2881,
      phone: '13800002222',
      name: '孙悟能',
    });
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(201);
    expect(second.json().merged).toBe(true);
    expect(second.json().order.number).toBe(first.json().order.number);
    const order = await db()
      .selectFrom('work_order')
      .select(['id', 'requester_count'])
      .where('number', '=', first.json().order.number)
      .executeTakeFirstOrThrow();
    expect(order.requester_count).toBe(2);
    const requesters = await db()
      .selectFrom('order_requester')
      .select('id')
      .where('order_id', '=', order.id)
      .execute();
    expect(requesters).toHaveLength(2);
    const notified = await db()
      .selectFrom('notification_outbox')
      .select('requester_id')
      .distinct()
      .where('order_id', '=', order.id)
      .execute();
    expect(notified).toHaveLength(2);
    // The joined requester can follow the order with their own access code.
    const rating = await call(null, 'POST', `/api/public/requests/${first.json().order.number}/reopen`, {
      accessCode: second.json().accessCode,
      reason: '还没修好',
    });
    expect(rating.statusCode).toBe(409);
  });

  it('reports of one incident arriving together are written in one group: one order, the others join it, each with its own answer', async () => {
    const before = await count('work_order');
    const texts = [
      '幸福路12号门口井盖丢了，晚上很危险',
      '幸福路12号门口的井盖没了，怕有人掉下去',
      '幸福路12号楼前井盖丢失，请尽快处理',
    ];
    // Sent at once: they reach the writer together, and the later ones must find the order the first one opens.
    const answers = await Promise.all(
      texts.map((description, i) =>
        portal({ description, lng: 120.131 + i * 0.0001, lat: 30.2851, anonymous: true }),
      ),
    );
    expect(answers.map((a) => a.statusCode)).toEqual([201, 201, 201]);
    expect(answers.map((a) => a.json().merged)).toEqual([false, true, true]);
    const numbers = new Set(answers.map((a) => a.json().order.number));
    expect(numbers.size).toBe(1);
    expect(await count('work_order')).toBe(before + 1);
    expect(new Set(answers.map((a) => a.json().accessCode)).size).toBe(3);
    // The last to join sees its own step at the end of the public steps.
    expect(answers[2]!.json().order.steps.at(-1)).toMatchObject({ action: 'join' });
    const order = await db()
      .selectFrom('work_order')
      .select(['requester_count'])
      .where('number', '=', answers[0]!.json().order.number)
      .executeTakeFirstOrThrow();
    expect(order.requester_count).toBe(3);
  });

  it('reports of one incident arriving one after another while earlier ones are still being written all join one order, and each answer shows every step before its own', async () => {
    const n = 24;
    const sent = [];
    // Staggered by a turn of the event loop each: they form several groups, later ones looked up while earlier
    // ones are still being written, joining the order the first one opens.
    for (let i = 0; i < n; i++) {
      sent.push(
        portal({
          description: `文化路8号门前消防栓漏水，水一直往外冒（第${i + 1}位居民反映）`,
          lng: 120.1155 + (i % 4) * 0.0001,
          lat: 30.2855,
          anonymous: true,
        }),
      );
      await new Promise((resolve) => setImmediate(resolve));
    }
    const answers = (await Promise.all(sent)).map((a) => {
      expect(a.statusCode).toBe(201);
      return a.json();
    });
    expect(new Set(answers.map((a) => a.order.number)).size).toBe(1);
    expect(answers.filter((a) => !a.merged)).toHaveLength(1);
    // The k-th requester to join sees k joins: none is missing from an answer, none is shown twice.
    const joinsShown = answers
      .filter((a) => a.merged)
      .map((a) => a.order.steps.filter((s: { action: string }) => s.action === 'join').length)
      .sort((x, y) => x - y);
    expect(joinsShown).toEqual(Array.from({ length: n - 1 }, (_, k) => k + 1));
    for (const a of answers.filter((x) => x.merged)) expect(a.order.steps.at(-1).action).toBe('join');
    const order = await db()
      .selectFrom('work_order')
      .select(['id', 'requester_count'])
      .where('number', '=', answers[0]!.order.number)
      .executeTakeFirstOrThrow();
    expect(order.requester_count).toBe(n);
    const joinEvents = await db()
      .selectFrom('order_event')
      .select('id')
      .where('order_id', '=', order.id)
      .where('action', '=', 'join')
      .execute();
    expect(joinEvents).toHaveLength(n - 1);
    expect(await verifyAuditChain(db())).toMatchObject({ ok: true });
  });

  it('a group that fails while later ones are on their way fails none of them: the same key twice answers one order, the others are written', async () => {
    const headers = { 'idempotency-key': 'portal-test-key-staggered' };
    const texts = ['东门菜市场门口污水外溢', '西街公交站棚顶漏雨', '南湖公园健身器材损坏'];
    const sent = [
      portal({ description: '北桥下路面塌了一个大坑', ...PLACES.a1, anonymous: true }, headers),
      portal({ description: '北桥下路面塌了一个大坑', ...PLACES.c1, anonymous: true }, headers),
    ];
    await new Promise((resolve) => setImmediate(resolve));
    for (const [i, description] of texts.entries()) {
      sent.push(portal({ description, lng: 120.1105 + i * 0.004, lat: 30.2865, anonymous: true }));
      await new Promise((resolve) => setImmediate(resolve));
    }
    const answers = await Promise.all(sent);
    const keyed = answers.slice(0, 2);
    expect(keyed.map((a) => a.statusCode).sort()).toEqual([200, 201]);
    expect(keyed[0]!.json().order.number).toBe(keyed[1]!.json().order.number);
    expect(answers.slice(2).map((a) => a.statusCode)).toEqual([201, 201, 201]);
    const withKey = await db()
      .selectFrom('work_order')
      .select('id')
      .where('idempotency_key', 'like', '%portal-test-key-staggered')
      .execute();
    expect(withKey).toHaveLength(1);
    for (const a of answers.slice(2)) {
      const row = await db()
        .selectFrom('work_order')
        .select('id')
        .where('number', '=', a.json().order.number)
        .executeTakeFirst();
      expect(row).toBeDefined();
    }
    expect(await verifyAuditChain(db())).toMatchObject({ ok: true });
  });

  it('the public lookup shows status, unit and steps without personal data', async () => {
    const res = await portal({
      description: '我叫周大福，住在幸福小区5号楼，电话13811112222，楼下烧烤油烟很大',
      categoryCode: '0104',
      ...PLACES.a1,
      name: '周大福',
      phone: '13811112222',
    });
    const number = res.json().order.number;
    const pub = await call(null, 'GET', `/api/public/requests/${number}`);
    expect(pub.statusCode).toBe(200);
    expect(pub.json()).toMatchObject({ number, status: 'dispatched', responsibleUnit: '区城管局' });
    expect(pub.body).not.toContain('周大福');
    expect(pub.body).not.toContain('13811112222');
    expect(pub.body).not.toContain('油烟');
    expect((await call(null, 'GET', '/api/public/requests/2026010199999999')).statusCode).toBe(404);
    expect((await call(null, 'GET', '/api/public/requests/abc')).statusCode).toBe(400);
  });

  it('the hotline operator looks up the caller (masked) and sees similar open orders while typing', async () => {
    const person = ctx().mini.persons[0]!;
    const caller = await call('hotline', 'GET', `/api/requests/callers?phone=${person.phone}`);
    expect(caller.statusCode).toBe(200);
    expect(caller.json().residents).toHaveLength(1);
    expect(caller.json().residents[0].name).not.toBe(person.name);
    expect(caller.json().residents[0].phone).toContain('****');
    expect(caller.body).not.toContain(person.phone);
    const bad = await call('hotline', 'GET', '/api/requests/callers?phone=abcdefgh');
    expect(bad.json().error.code).toBe('PHONE_INVALID');

    await portal({
      description: '幸福小区东门垃圾桶满了没人清运',
      categoryCode: '0201',
      lng: 120.1032,
      lat: 30.2833,
    });
    const similar = await call(
      'hotline',
      'GET',
      `/api/requests/similar?text=${encodeURIComponent('东门垃圾桶满了')}&lng=120.1031&lat=30.2832`,
    );
    expect(similar.statusCode).toBe(200);
    expect(similar.json().items[0].description).toBe('幸福小区东门垃圾桶满了没人清运');
    expect(similar.json().items[0].distanceMetres).toBeLessThan(50);
    // A resident may not use the operator's tools.
    expect((await call(null, 'GET', '/api/requests/similar?text=abc')).statusCode).toBe(401);
  });

  it('the hotline enters a call for a known resident; the detail shows the requester masked', async () => {
    const person = ctx().mini.persons[1]!;
    const res = await call('hotline', 'POST', '/api/requests/hotline', {
      description: '家里暖气不热',
      categoryCode: '0501',
      ...PLACES.a1,
      callerName: person.name,
      callerPhone: person.phone,
      personId: person.id,
    });
    expect(res.statusCode).toBe(201);
    const id = Number(
      (
        await db()
          .selectFrom('work_order')
          .select('id')
          .where('number', '=', res.json().order.number)
          .executeTakeFirstOrThrow()
      ).id,
    );
    const detail = await call('hotline', 'GET', `/api/requests/${id}`);
    expect(detail.statusCode).toBe(200);
    expect(detail.json().channel).toBe('hotline');
    expect(detail.json().requesters[0].name).not.toBe(person.name);
    expect(detail.json().requesters[0].phone).toMatch(/^\d{3}\*{4}\d{4}$/);
    expect((await call(null, 'POST', '/api/requests/hotline', { description: '暖气不热' })).statusCode).toBe(
      401,
    );
  });

  it('a grid worker reports on patrol with an urban-management event code; an unknown code gets 400', async () => {
    const ok = await call('gw_a1', 'POST', '/api/requests/patrol', {
      description: '路边暴露垃圾一堆',
      eventCode: 'E0102',
      ...PLACES.a1,
    });
    expect(ok.statusCode).toBe(201);
    const row = await db()
      .selectFrom('work_order')
      .select(['channel', 'event_code', 'status'])
      .where('number', '=', ok.json().order.number)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ channel: 'patrol', event_code: 'E0102', status: 'received' });
    const bad = await call('gw_a1', 'POST', '/api/requests/patrol', {
      description: '路边暴露垃圾一堆',
      eventCode: 'E9999',
      ...PLACES.a1,
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('CATEGORY_UNKNOWN');
    // Patrol reports need a place.
    const noPlace = await call('gw_a1', 'POST', '/api/requests/patrol', {
      description: '暴露垃圾',
      eventCode: 'E0102',
    });
    expect(noPlace.statusCode).toBe(400);
    // The auditor may not take in requests.
    const auditor = await call('auditor', 'POST', '/api/requests/patrol', {
      description: '暴露垃圾',
      eventCode: 'E0102',
      ...PLACES.a1,
    });
    expect(auditor.statusCode).toBe(403);
  });

  // Last in the file: every writer above has run.
  it('leaves no requester, step, assignment, photo or notice pointing at a missing order', async () => {
    const { steps, dangling } = await danglingOrderRows(db());
    expect(steps).toBeGreaterThan(0);
    expect(dangling).toEqual([]);
  });
});
