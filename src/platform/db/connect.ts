// Opens the platform's database: embedded PGlite by default, a PostgreSQL server when a URL is given.
// Both speak the same SQL; callers see one Kysely<DB> and never ask which backend they are on, except for bulk
// loading, where each backend has its own COPY path.
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { type CopyValue, encodeCopyRow } from './copy-format.ts';
import { ConnectionLock, PGliteDialect } from './pglite-dialect.ts';
import type { DB } from './schema.ts';

export type Backend = 'pglite' | 'postgres';

/** A row for BulkSession.copy: its values, or its line already encoded (see encodeCopyRow). */
export type CopyRow = readonly CopyValue[] | string;

export interface BulkSession {
  /**
   * COPY rows into a table; a row is an array in the order of `columns`, or a line already in COPY text format
   * (encodeCopyRow's output, ending with its newline: one row per line), encoded where it was cheaper to do so.
   */
  copy(table: string, columns: readonly string[], rows: Iterable<CopyRow>): Promise<number>;
  /** A statement on the same connection and transaction. */
  exec(statement: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  /** Several statements without parameters (a migration file). */
  script(text: string): Promise<void>;
}

export interface Database {
  readonly db: Kysely<DB>;
  /**
   * For the few statements that must not wait behind bulk work (a life-safety alarm's alert and dispatch): on
   * PGlite they take the single connection before any statement still queued; on PostgreSQL they have a small pool
   * of their own, so a busy main pool never holds them up. Same database, same transactions semantics.
   */
  readonly urgent: Kysely<DB>;
  readonly backend: Backend;
  /** A short description for logs, without credentials. */
  readonly label: string;
  /** Runs `work` in one transaction on one connection, with COPY available; rolls back on any error. */
  bulk<T>(work: (session: BulkSession) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** postgres:// URL; without it PGlite is used. */
  url?: string | undefined;
  /** PGlite data directory; undefined keeps the database in memory (tests). */
  dataDir?: string | undefined;
  /** PostgreSQL schema to use (tests isolate themselves in a schema of their own). */
  searchPath?: string | undefined;
  poolSize?: number | undefined;
}

// Same result types on both backends: int8 and numeric as JS numbers (our ids and sums stay far below 2^53),
// dates as 'YYYY-MM-DD' strings so that no time zone shifts a birthday.
const INT8 = 20;
const NUMERIC = 1700;
const DATE = 1082;
const parseNumber = (v: string) => Number(v);
const keepString = (v: string) => v;

const COPY_CHUNK_BYTES = 4 * 1024 * 1024;

function* copyChunks(rows: Iterable<CopyRow>, counter: { n: number }): Generator<string> {
  let parts: string[] = [];
  let size = 0;
  for (const row of rows) {
    const line = typeof row === 'string' ? row : encodeCopyRow(row);
    parts.push(line);
    size += line.length;
    counter.n++;
    if (size >= COPY_CHUNK_BYTES) {
      yield parts.join('');
      parts = [];
      size = 0;
    }
  }
  if (parts.length > 0) yield parts.join('');
}

function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`invalid identifier ${name}`);
  return `"${name}"`;
}

function copyStatement(table: string, columns: readonly string[], from: string): string {
  return `COPY ${quoteIdent(table)} (${columns.map(quoteIdent).join(', ')}) FROM ${from}`;
}

async function openPGlite(dataDir: string | undefined): Promise<Database> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const options = { parsers: { [INT8]: parseNumber, [NUMERIC]: parseNumber, [DATE]: keepString } };
  // PGlite(undefined, options) ignores the options: an in-memory database takes them as its only argument.
  const client = dataDir ? new PGlite(dataDir, options) : new PGlite(options);
  await client.waitReady;
  const lock = new ConnectionLock();
  const db = new Kysely<DB>({ dialect: new PGliteDialect(client, lock) });
  const urgent = new Kysely<DB>({ dialect: new PGliteDialect(client, lock, true) });
  return {
    db,
    urgent,
    backend: 'pglite',
    label: dataDir ? `PGlite (${dataDir})` : 'PGlite (memory)',
    async bulk(work) {
      // The Kysely transaction holds PGlite's single connection, so raw calls on the client inside it are ours.
      return db.transaction().execute(async () =>
        work({
          async copy(table, columns, rows) {
            const counter = { n: 0 };
            // PGlite reads COPY input from a Blob; chunks keep any one string below V8's limits.
            for (const chunk of copyChunks(rows, counter)) {
              await client.query(copyStatement(table, columns, "'/dev/blob'"), [], {
                blob: new Blob([chunk]),
              });
            }
            return counter.n;
          },
          async exec(statement, params = []) {
            return (await client.query<Record<string, unknown>>(statement, params)).rows;
          },
          async script(text) {
            await client.exec(text);
          },
        }),
      );
    },
    async close() {
      await db.destroy();
    },
  };
}

async function openPostgres(
  url: string,
  searchPath: string | undefined,
  poolSize: number,
): Promise<Database> {
  const types = {
    getTypeParser(oid: number, format?: 'text' | 'binary') {
      if (oid === INT8 || oid === NUMERIC) return parseNumber;
      if (oid === DATE) return keepString;
      return pg.types.getTypeParser(oid, format);
    },
  };
  const poolOf = (max: number) => {
    const p = new pg.Pool({
      connectionString: url,
      max,
      types,
      ...(searchPath ? { options: `-c search_path=${searchPath}` } : {}),
    });
    // An idle client that loses its server must not crash the process; the next query reports the error.
    p.on('error', () => {});
    return p;
  };
  const pool = poolOf(poolSize);
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  // Connects on first use only: processes that never raise an alarm never open it.
  const urgent = new Kysely<DB>({ dialect: new PostgresDialect({ pool: poolOf(2) }) });
  await sql`select 1`.execute(db);
  const safeUrl = new URL(url);
  safeUrl.password = '';
  return {
    db,
    urgent,
    backend: 'postgres',
    label: `PostgreSQL (${safeUrl.host}${safeUrl.pathname}${searchPath ? `, schema ${searchPath}` : ''})`,
    async bulk(work) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await work({
          async copy(table, columns, rows) {
            const counter = { n: 0 };
            const stream = client.query(copyFrom(copyStatement(table, columns, 'STDIN')));
            const done = new Promise<void>((resolve, reject) => {
              stream.on('finish', resolve);
              stream.on('error', reject);
            });
            for (const chunk of copyChunks(rows, counter)) {
              if (!stream.write(chunk)) await new Promise((resolve) => stream.once('drain', resolve));
            }
            stream.end();
            await done;
            return counter.n;
          },
          async exec(statement, params = []) {
            return (await client.query(statement, params)).rows;
          },
          async script(text) {
            // No parameters: node-postgres sends it with the simple protocol, which allows many statements.
            await client.query(text);
          },
        });
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    async close() {
      await Promise.all([db.destroy(), urgent.destroy()]);
    },
  };
}

export async function openDatabase(options: OpenOptions = {}): Promise<Database> {
  if (options.url) return openPostgres(options.url, options.searchPath, options.poolSize ?? 10);
  return openPGlite(options.dataDir);
}
