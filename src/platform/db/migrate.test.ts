import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { createTestDatabase, describeEachBackend } from '../../testing/test-context.ts';
import { encodeCopyRow } from './copy-format.ts';
import { MigrationError, migrate, readMigrations } from './migrate.ts';

describeEachBackend('migrations and bulk loading', createTestDatabase, (ctx) => {
  it('applies every migration once and records it; a second run applies nothing', async () => {
    const { database } = ctx();
    const applied = await database.db
      .selectFrom('schema_migrations')
      .select('version')
      .orderBy('version')
      .execute();
    expect(applied.map((r) => r.version)).toEqual(readMigrations().map((m) => m.version));
    expect(await migrate(database)).toEqual({ applied: [], alreadyApplied: applied.length });
  });

  it('refuses to start when an applied migration file was edited', async () => {
    const edited = readMigrations().map((m, i) => (i === 0 ? { ...m, checksum: 'changed' } : m));
    await expect(migrate(ctx().database, edited)).rejects.toBeInstanceOf(MigrationError);
  });

  it('rolls back a failing migration completely', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mig-'));
    writeFileSync(
      path.join(dir, '9001_half.sql'),
      'CREATE TABLE half_done (x int); SELECT no_such_function();',
    );
    const files = [...readMigrations(), ...readMigrations(dir)];
    await expect(migrate(ctx().database, files)).rejects.toThrow();
    const exists = await sql<{ t: string | null }>`select to_regclass('half_done')::text as t`.execute(
      ctx().database.db,
    );
    expect(exists.rows[0]!.t).toBeNull();
  });

  it('bulk-loads rows with text, NULL, arrays, JSON, bytes and special characters through COPY', async () => {
    const { database } = ctx();
    await database.bulk((s) =>
      s.script('CREATE TABLE copy_probe (t text, n int, a text[], j jsonb, b bytea)'),
    );
    const rows = [
      ['tab\there, newline\nand back\\slash', 1, ['独居老人', 'a"b'], { k: '值' }, new Uint8Array([0, 255])],
      [null, null, [], null, null],
    ] as const;
    const n = await database.bulk((s) => s.copy('copy_probe', ['t', 'n', 'a', 'j', 'b'], rows));
    expect(n).toBe(2);
    const out = await sql<{
      t: string | null;
      n: number | null;
      a: string[];
      j: unknown;
      b: Uint8Array | null;
    }>`
      select * from copy_probe order by n nulls last`.execute(database.db);
    expect(out.rows[0]).toMatchObject({ t: rows[0][0], n: 1, a: ['独居老人', 'a"b'], j: { k: '值' } });
    expect(Array.from(out.rows[0]!.b!)).toEqual([0, 255]);
    expect(out.rows[1]).toMatchObject({ t: null, n: null, a: [], j: null, b: null });
  });

  it('bulk-loads lines already encoded for COPY next to rows of values, in one COPY', async () => {
    const { database } = ctx();
    await database.bulk((s) => s.script('CREATE TABLE copy_lines (t text, n int, b bytea)'));
    const n = await database.bulk((s) =>
      s.copy(
        'copy_lines',
        ['t', 'n', 'b'],
        [
          encodeCopyRow(['encoded\ttab', 1, new Uint8Array([1, 2])]),
          ['values', 2, null],
          encodeCopyRow([null, 3, null]),
        ],
      ),
    );
    expect(n).toBe(3);
    const out = await sql<{ t: string | null; n: number; b: Uint8Array | null }>`
      select * from copy_lines order by n`.execute(database.db);
    expect(out.rows.map((r) => [r.t, r.n, r.b && Array.from(r.b)])).toEqual([
      ['encoded\ttab', 1, [1, 2]],
      ['values', 2, null],
      [null, 3, null],
    ]);
  });

  it('leaves nothing behind when a bulk load fails part-way', async () => {
    const { database } = ctx();
    await database.bulk((s) => s.script('CREATE TABLE copy_atomic (n int NOT NULL)'));
    await expect(
      database.bulk(async (s) => {
        await s.copy('copy_atomic', ['n'], [[1], [2]]);
        await s.copy('copy_atomic', ['n'], [[null]]);
      }),
    ).rejects.toThrow();
    const count = await sql<{ c: number }>`select count(*)::int as c from copy_atomic`.execute(database.db);
    expect(count.rows[0]!.c).toBe(0);
  });
});

it('encodes COPY text rows with escapes', () => {
  expect(encodeCopyRow(['a\tb', null, true, 1.5])).toBe('a\\tb\t\\N\tt\t1.5\n');
});
