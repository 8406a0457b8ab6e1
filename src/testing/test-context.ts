// Test harness: every database test runs on an in-memory PGlite, and again on the PostgreSQL server named by
// TEST_DATABASE_URL when that is set, each test file in a schema of its own so files can run in parallel.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';
import { type App, buildApp } from '../app.ts';
import { type Config, loadConfig } from '../config.ts';
import { createFieldCipher, type FieldCipher } from '../platform/crypto/field-cipher.ts';
import { type Backend, type Database, migrate, openDatabase } from '../platform/db/index.ts';

export const TEST_DATABASE_URL = process.env['TEST_DATABASE_URL'] || undefined;

export const BACKENDS: Backend[] = TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];

/** A fixed key so that blind indexes are reproducible inside a test run. */
export const TEST_DATA_KEY = Buffer.alloc(32, 7);

export interface TestContext {
  backend: Backend;
  database: Database;
  cipher: FieldCipher;
  config: Config;
  close(): Promise<void>;
}

/**
 * A database of its own: an in-memory PGlite, or a fresh schema on the TEST_DATABASE_URL server that close() drops.
 * Benchmarks use it too, with a larger pool where they load in parallel.
 */
export async function createTestDatabase(
  backend: Backend,
  options: { poolSize?: number } = {},
): Promise<TestContext> {
  const cipher = createFieldCipher(TEST_DATA_KEY);
  // Tests sign in many times a minute from one address; the throttle has its own test.
  const config = loadConfig(
    {
      DEMO: 'false',
      WEB_DIST: '/nonexistent',
      LOGIN_RATE_PER_CLIENT: '100000',
      LOGIN_RATE_PER_USERNAME: '100000',
    },
    { port: 0, host: '127.0.0.1' },
  );
  if (backend === 'pglite') {
    const database = await openDatabase();
    await migrate(database);
    return { backend, database, cipher, config, close: () => database.close() };
  }
  if (!TEST_DATABASE_URL) throw new Error('TEST_DATABASE_URL is not set');
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const database = await openDatabase({
    url: TEST_DATABASE_URL,
    searchPath: schema,
    poolSize: options.poolSize ?? 4,
  });
  await migrate(database);
  return {
    backend,
    database,
    cipher,
    config: { ...config, databaseUrl: TEST_DATABASE_URL },
    async close() {
      await database.close();
      const cleanup = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await cleanup.connect();
      await cleanup.query(`DROP SCHEMA ${schema} CASCADE`);
      await cleanup.end();
    },
  };
}

export interface TestAppContext extends TestContext {
  app: App;
}

export async function createTestApp(
  backend: Backend,
  overrides: Partial<Config> = {},
): Promise<TestAppContext> {
  const ctx = await createTestDatabase(backend);
  const config = { ...ctx.config, ...overrides };
  const app = await buildApp({ config, database: ctx.database, cipher: ctx.cipher, logger: false });
  await app.ready();
  return {
    ...ctx,
    config,
    app,
    async close() {
      await app.close();
      await ctx.close();
    },
  };
}

/**
 * describe() once per backend. `setup` runs in beforeAll and its result is handed to the tests through the getter,
 * so tests read `ctx()` rather than a variable assigned later.
 */
export function describeEachBackend<T extends { close(): Promise<void> }>(
  title: string,
  setup: (backend: Backend) => Promise<T>,
  tests: (ctx: () => T, backend: Backend) => void,
) {
  for (const backend of BACKENDS) {
    describe(`${title} [${backend}]`, () => {
      let value: T | undefined;
      beforeAll(async () => {
        value = await setup(backend);
      }, 120_000);
      afterAll(async () => {
        await value?.close();
      });
      tests(() => {
        if (!value) throw new Error('test context is not ready');
        return value;
      }, backend);
    });
  }
}
