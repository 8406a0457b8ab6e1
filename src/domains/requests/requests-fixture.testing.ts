// Test fixture of the requests domain on top of the mini district: staff of the water company and of the urban
// management bureau (unit_handler accounts with their unit memberships), signed-in tokens, and points inside
// and outside the district's grids.
import { sql } from 'kysely';
import { createAccount } from '../../platform/auth/accounts.service.ts';
import type { Backend, Db } from '../../platform/db/index.ts';
import { MINI, type MiniDistrict, seedMiniDistrict } from '../../testing/fixtures.ts';
import { authed, login } from '../../testing/http.ts';
import { createTestApp, type TestAppContext } from '../../testing/test-context.ts';

export interface RequestsTestContext extends TestAppContext {
  mini: MiniDistrict;
  tokens: Record<string, string>;
}

/** Points (lng, lat) in the mini district's grids: a1 and a2 in community A, c1 in street 2. */
export const PLACES = {
  a1: { lng: 120.105, lat: 30.285 },
  a2: { lng: 120.115, lat: 30.285 },
  c1: { lng: 120.135, lat: 30.285 },
  outside: { lng: 121.5, lat: 31.2 },
} as const;

export async function createRequestsTestApp(backend: Backend): Promise<RequestsTestContext> {
  const ctx = await createTestApp(backend);
  const db = ctx.database.db;
  const mini = await seedMiniDistrict(db, ctx.cipher);
  await db
    .insertInto('handling_unit')
    .values([
      { code: 'water', name: '供水公司', kind: 'utility', scope_path: null },
      { code: 'cityManagement', name: '区城管局', kind: 'department', scope_path: null },
    ])
    .execute();
  for (const [username, unit] of [
    ['water_staff', 'water'],
    ['cm_staff', 'cityManagement'],
  ] as const) {
    const account = await createAccount(db, {
      username,
      password: MINI.password,
      displayName: username,
      role: 'unit_handler',
      scopePath: MINI.district.path,
    });
    await db.insertInto('handling_unit_member').values({ account_id: account.id, unit_code: unit }).execute();
  }
  const tokens: Record<string, string> = {};
  for (const user of [
    'admin',
    'street1',
    'cw_a',
    'cw_c',
    'gw_a1',
    'hotline',
    'auditor',
    'water_staff',
    'cm_staff',
  ]) {
    tokens[user] = await login(ctx.app, user, MINI.password);
  }
  return { ...ctx, mini, tokens };
}

export function callAs(ctx: () => RequestsTestContext) {
  return (
    user: string | null,
    method: 'GET' | 'POST',
    url: string,
    payload?: object,
    headers: Record<string, string> = {},
  ) =>
    ctx().app.inject({
      method,
      url,
      ...(payload !== undefined ? { payload } : {}),
      headers: { ...(user ? authed(ctx().tokens[user]!) : {}), ...headers },
    });
}

/** The smallest JPEG header the photo check recognises, padded to `size` bytes. */
export function jpegOf(size: number): string {
  const b = Buffer.alloc(size, 0);
  b[0] = 0xff;
  b[1] = 0xd8;
  b[2] = 0xff;
  b[3] = 0xe0;
  return b.toString('base64');
}

/**
 * How many order steps there are, and the rows of requesters, steps, assignments, photos and notices that point at
 * an order, requester or step that does not exist. These tables keep no foreign keys (migration 0035: the
 * statements that write them keep the references true), so the tests that exercise every writer end by asking for
 * this and expect steps but nothing dangling.
 */
export async function danglingOrderRows(
  db: Db,
): Promise<{ steps: number; dangling: Array<{ table: string; id: string }> }> {
  const steps = await sql<{ n: string }>`select count(*) as n from order_event`.execute(db);
  const r = await sql<{ table: string; id: string }>`
    select 'order_requester' as table, x.id::text as id from order_requester x
      where not exists (select 1 from work_order w where w.id = x.order_id)
    union all
    select 'order_event', x.id::text from order_event x
      where not exists (select 1 from work_order w where w.id = x.order_id)
    union all
    select 'order_assignment', x.order_id::text from order_assignment x
      where not exists (select 1 from work_order w where w.id = x.order_id)
    union all
    select 'order_attachment', x.id::text from order_attachment x
      where not exists (select 1 from work_order w where w.id = x.order_id)
    union all
    select 'notification_outbox', x.id::text from notification_outbox x
      where not exists (select 1 from work_order w where w.id = x.order_id)
        or (x.requester_id is not null and not exists (select 1 from order_requester q where q.id = x.requester_id))
        or (x.event_id is not null and not exists (select 1 from order_event e where e.id = x.event_id))
  `.execute(db);
  return { steps: Number(steps.rows[0]!.n), dangling: r.rows };
}
