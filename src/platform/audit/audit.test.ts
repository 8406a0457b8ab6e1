import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { seedMiniDistrict } from '../../testing/fixtures.ts';
import { authed, login } from '../../testing/http.ts';
import { createTestApp, describeEachBackend } from '../../testing/test-context.ts';
import { createFieldCipher } from '../crypto/field-cipher.ts';
import { type Database, migrate, openDatabase } from '../db/index.ts';
import {
  type AuditEntry,
  appendAudit,
  type ChainHead,
  chainRows,
  guardedAuditAppend,
  lockAuditHead,
  verifyAuditChain,
} from './audit-log.ts';

const PASSWORD = 'Passw0rd!2026';

async function writeEntries(database: Database, n: number) {
  for (let i = 0; i < n; i++) {
    await appendAudit(database.db, {
      action: 'person.read',
      entityType: 'person',
      entityIds: [i],
      username: 'u',
    });
  }
}

/** What a database superuser could do behind the application's back. */
async function tamper(database: Database, statement: string) {
  await database.bulk(async (s) => {
    await s.exec('ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update');
    await s.exec(statement);
    await s.exec('ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update');
  });
}

describeEachBackend(
  'audit trail',
  async (backend) => {
    const ctx = await createTestApp(backend);
    await seedMiniDistrict(ctx.database.db, ctx.cipher);
    return ctx;
  },
  (ctx) => {
    it('an intact chain verifies, and the application cannot update or delete entries', async () => {
      const { database } = ctx();
      await writeEntries(database, 5);
      expect((await verifyAuditChain(database.db)).ok).toBe(true);
      await expect(sql`UPDATE audit_log SET action = 'x' WHERE seq = 1`.execute(database.db)).rejects.toThrow(
        /append-only/,
      );
      await expect(sql`DELETE FROM audit_log WHERE seq = 1`.execute(database.db)).rejects.toThrow(
        /append-only/,
      );
    });

    it('a guarded append writes only on the head it expects, and chains exactly like appendAudit', async () => {
      const { database } = ctx();
      const db = database.db;
      const count = async () =>
        Number((await sql<{ n: number }>`select count(*) as n from audit_log`.execute(db)).rows[0]!.n);
      // As the request intake makes it: the rows and the head's move in one statement, no transaction.
      const appendOn = async (expected: ChainHead, entries: AuditEntry[]): Promise<ChainHead | null> => {
        const audit = guardedAuditAppend(chainRows(entries, expected.seq, expected.hash), expected, 'h');
        const r = await sql`with h as (${audit.guard}) ${audit.insert}`.execute(db);
        return Number(r.numAffectedRows ?? 0) === entries.length ? audit.head : null;
      };
      const entry = (i: number) => ({ action: 'request.create', entityType: 'work_order', entityIds: [i] });
      const before = await count();
      const start = await db.transaction().execute((trx) => lockAuditHead(trx));
      const first = await appendOn(start, [entry(1), entry(2)]);
      expect(first).not.toBeNull();
      const second = await appendOn(first!, [entry(3)]);
      expect(second).not.toBeNull();
      // Another writer moves the head: an append on the old head writes nothing at all.
      await appendAudit(db, entry(4));
      expect(await appendOn(second!, [entry(5), entry(6)])).toBeNull();
      expect(await count()).toBe(before + 4);
      // Written again on the head read afresh, it goes in.
      const fresh = await db.transaction().execute((trx) => lockAuditHead(trx));
      expect(await appendOn(fresh, [entry(5), entry(6)])).not.toBeNull();
      expect(await count()).toBe(before + 6);
      expect(await verifyAuditChain(db)).toMatchObject({ ok: true });
    });

    it('only the auditor may read, verify and export the trail; every other role gets 403', async () => {
      const { app } = ctx();
      for (const user of ['admin', 'street1', 'cw_a', 'gw_a1', 'hotline', 'resident_a1']) {
        const token = await login(app, user, PASSWORD);
        for (const url of ['/api/audit', '/api/audit/verify', '/api/audit/export.csv']) {
          const res = await app.inject({ method: 'GET', url, headers: authed(token) });
          expect(res.statusCode, `${user} ${url}`).toBe(403);
        }
      }
      expect((await app.inject({ method: 'GET', url: '/api/audit' })).statusCode).toBe(401);
    });

    it('lists newest first with filters, and records that the auditor read it', async () => {
      const { app, database } = ctx();
      const token = await login(app, 'auditor', PASSWORD);
      const res = await app.inject({
        method: 'GET',
        url: '/api/audit?action=auth.login&outcome=ok&pageSize=5',
        headers: authed(token),
      });
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.items.length).toBeGreaterThan(0);
      expect(body.items.every((i: { action: string }) => i.action === 'auth.login')).toBe(true);
      expect(body.items[0].actionLabel).toBe('登录');
      const seqs = body.items.map((i: { seq: number }) => i.seq);
      expect([...seqs].sort((a, b) => b - a)).toEqual(seqs);
      const reads = await database.db
        .selectFrom('audit_log')
        .select('action')
        .where('action', '=', 'audit.read')
        .execute();
      expect(reads.length).toBeGreaterThan(0);
    });

    it('filters by username, entity, outcome and China-time dates, and answers bad filters with 400', async () => {
      const { app, database } = ctx();
      await appendAudit(database.db, [
        { action: 'person.read', username: 'filter_u', entityType: 'person', entityIds: [4242] },
        {
          action: 'person.read',
          username: 'filter_u',
          entityType: 'person',
          entityIds: [7],
          outcome: 'denied',
        },
        { action: 'household.read', username: 'filter_v', entityType: 'household', entityIds: [4242] },
      ]);
      const token = await login(app, 'auditor', PASSWORD);
      const get = async (query: string) => {
        const res = await app.inject({ method: 'GET', url: `/api/audit?${query}`, headers: authed(token) });
        expect(res.statusCode, query).toBe(200);
        return res.json() as { total: number; items: Array<Record<string, unknown>> };
      };
      const byUser = await get('username=filter_u');
      expect(byUser.total).toBe(2);
      expect(byUser.items.map((i) => i['entityIds'])).toEqual([['7'], ['4242']]);
      expect((await get('username=filter_u&outcome=denied')).items.map((i) => i['entityIds'])).toEqual([
        ['7'],
      ]);
      const byEntity = await get('entityType=person&entityId=4242');
      expect(byEntity.items.map((i) => i['username'])).toEqual(['filter_u']);
      const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
      const tomorrow = new Date(Date.now() + 32 * 3600_000).toISOString().slice(0, 10);
      expect((await get(`username=filter_v&from=${today}&to=${today}`)).total).toBe(1);
      expect((await get(`username=filter_v&from=${tomorrow}`)).total).toBe(0);
      for (const [query, field] of [
        ['from=yesterday', 'from'],
        [`from=${tomorrow}&to=${today}`, 'to'],
        ['outcome=maybe', 'outcome'],
        ['pageSize=500', 'pageSize'],
      ] as const) {
        const res = await app.inject({ method: 'GET', url: `/api/audit?${query}`, headers: authed(token) });
        expect(res.statusCode, query).toBe(400);
        expect(res.json().error.details[0].field, query).toContain(field);
      }
    });

    it('lists the actions with Chinese labels, including actions only found in the trail', async () => {
      const { app, database } = ctx();
      await appendAudit(database.db, { action: 'custom.thing', username: 'u' });
      const token = await login(app, 'auditor', PASSWORD);
      const res = await app.inject({ method: 'GET', url: '/api/audit/actions', headers: authed(token) });
      const actions = res.json() as Array<{ action: string; label: string; labelEn: string }>;
      expect(actions).toContainEqual({
        action: 'person.unmask',
        label: '查看完整个人信息',
        labelEn: 'Unmask personal data',
      });
      expect(actions).toContainEqual({
        action: 'custom.thing',
        label: 'custom.thing',
        labelEn: 'custom.thing',
      });
    });

    it('exports CSV with a BOM and formula-looking values escaped', async () => {
      const { app, database } = ctx();
      await appendAudit(database.db, {
        action: 'person.unmask',
        purpose: '=HYPERLINK("http://x")',
        username: 'u',
      });
      await appendAudit(database.db, {
        action: 'person.read',
        username: '@evil',
        purpose: '+A1',
        entityIds: [-5],
      });
      const token = await login(app, 'auditor', PASSWORD);
      const res = await app.inject({
        method: 'GET',
        url: '/api/audit/export.csv?action=person.unmask',
        headers: authed(token),
      });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/text\/csv/);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body.startsWith('\uFEFF序号')).toBe(true);
      expect(res.body).toContain(`"'=HYPERLINK(""http://x"")"`);
      expect(res.body).not.toMatch(/(^|,)=HYPERLINK/m);
      expect(res.body).not.toContain('@evil');
      const all = await app.inject({ method: 'GET', url: '/api/audit/export.csv', headers: authed(token) });
      const lines = all.body.split('\r\n');
      expect(lines.length - 2).toBe(Number(all.headers['x-total-count']));
      const evil = lines.find((l) => l.includes('evil'))!;
      expect(evil).toContain(",'@evil,");
      expect(evil).toContain(",'+A1,");
      // A plain negative number is data, not a formula: it is exported as it is.
      expect(evil).toContain(',-5,');
      const exports = await database.db
        .selectFrom('audit_log')
        .select('details')
        .where('action', '=', 'audit.export')
        .execute();
      expect(exports.map((e) => e.details['filter'])).toContainEqual({ action: 'person.unmask' });
    });

    it('reports an altered entry at exactly its sequence number, through the API too', async () => {
      const { app, database } = ctx();
      await writeEntries(database, 3);
      const target = Number(
        (await sql<{ s: number }>`select max(seq) - 1 as s from audit_log`.execute(database.db)).rows[0]!.s,
      );
      await tamper(database, `UPDATE audit_log SET purpose = 'forged' WHERE seq = ${target}`);
      const result = await verifyAuditChain(database.db);
      expect(result).toMatchObject({ ok: false, firstProblem: { seq: target, kind: 'altered' } });
      const token = await login(app, 'auditor', PASSWORD);
      const res = await app.inject({ method: 'GET', url: '/api/audit/verify', headers: authed(token) });
      expect(res.json()).toMatchObject({ ok: false, firstProblem: { seq: target, kind: 'altered' } });
    });
  },
);

describeEachBackend(
  'audit chain tampering',
  async (backend) => {
    const ctx = await createTestApp(backend);
    return ctx;
  },
  (ctx) => {
    it('finds a deleted middle entry, a forged insertion and a truncated tail', async () => {
      const { database } = ctx();
      await writeEntries(database, 6);
      await tamper(database, 'DELETE FROM audit_log WHERE seq = 3');
      expect(await verifyAuditChain(database.db)).toMatchObject({
        ok: false,
        firstProblem: { seq: 4, kind: 'deleted' },
      });
      // Put a forged entry in the gap: right number, but it cannot carry the right links.
      await tamper(
        database,
        `INSERT INTO audit_log (seq, occurred_at, action, outcome, prev_hash, hash)
         VALUES (3, now(), 'person.read', 'ok', repeat('a', 64), repeat('b', 64))`,
      );
      expect(await verifyAuditChain(database.db)).toMatchObject({
        ok: false,
        firstProblem: { seq: 3, kind: 'inserted_or_reordered' },
      });
      await tamper(database, 'DELETE FROM audit_log WHERE seq >= 3');
      expect(await verifyAuditChain(database.db)).toMatchObject({
        ok: false,
        firstProblem: { kind: 'head_mismatch' },
      });
    });
  },
);

describe('cbrain audit verify and cbrain user add (embedded database on disk)', () => {
  const cli = (dataDir: string, ...args: string[]) =>
    spawnSync(process.execPath, ['bin/cbrain.mjs', '--data', dataDir, ...args], {
      encoding: 'utf8',
      env: { ...process.env, DATABASE_URL: '', CBRAIN_DATA_KEY: Buffer.alloc(32, 5).toString('base64') },
    });

  it('exits 0 on an intact chain and 3 naming the altered entry after tampering', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'cbrain-audit-'));
    let database = await openDatabase({ dataDir });
    await migrate(database);
    await writeEntries(database, 4);
    await database.close();

    const ok = cli(dataDir, 'audit', 'verify');
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('audit chain intact: 4 entries');

    database = await openDatabase({ dataDir });
    await tamper(database, `UPDATE audit_log SET username = 'someone-else' WHERE seq = 2`);
    await database.close();

    const broken = cli(dataDir, 'audit', 'verify');
    expect(broken.status).toBe(3);
    expect(broken.stderr).toContain('entry 2 (altered)');
    expect(broken.stderr).toContain('person.read by someone-else');
  }, 120_000);

  it('adds an account with a valid role and scope, and refuses a bad role with exit 2', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'cbrain-user-'));
    const database = await openDatabase({ dataDir });
    await migrate(database);
    await seedMiniDistrict(database.db, createFieldCipher(Buffer.alloc(32, 5)));
    await database.close();

    const added = cli(
      dataDir,
      'user',
      'add',
      '--username',
      'newworker',
      '--password',
      'Worker2026ok',
      '--role',
      'community_worker',
      '--scope',
      '330192001001',
    );
    expect(added.status, added.stderr).toBe(0);
    expect(JSON.parse(added.stdout)).toMatchObject({
      username: 'newworker',
      scopePath: '/330192/330192001/330192001001/',
    });

    const badOptions = cli(
      dataDir,
      'user',
      'add',
      '--username',
      'x1y',
      '--password',
      'short',
      '--role',
      'king',
      '--scope',
      '330192',
      '--person-id',
      'abc',
    );
    expect(badOptions.status).toBe(2);
    for (const text of ['未知角色', 'Unknown role', '密码至少 8 位', 'At least 8 characters', '--person-id'])
      expect(badOptions.stderr).toContain(text);

    const badScope = cli(
      dataDir,
      'user',
      'add',
      '--username',
      'x2y',
      '--password',
      'Worker2026ok',
      '--role',
      'grid_worker',
      '--scope',
      '999999',
    );
    expect(badScope.status).toBe(1);
    expect(badScope.stderr).toContain('SCOPE_INVALID');

    const listed = cli(dataDir, 'user', 'list');
    expect(listed.status, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(/\tnewworker\t社区工作者\t\/330192\/330192001\/330192001001\//);
    expect(listed.stdout).not.toContain('x2y');
  }, 120_000);
});
