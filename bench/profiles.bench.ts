// Profiles: tag + eligibility evaluation over the medium demo district (≈100k residents) on embedded PGlite and on
// PostgreSQL (a fresh schema, dropped afterwards) when TEST_DATABASE_URL or DATABASE_URL is set. The demo load
// already runs one evaluation; the benchmark times a second full run (tags rewritten, cases upserted) and an
// incremental run after 1% of the residents changed, and prints seconds and residents/s for each.
import { loadDemo } from '../src/domains/demo/index.ts';
import { ensureRuleSet, runProfiles } from '../src/domains/profiles/index.ts';
import type { FieldCipher } from '../src/platform/crypto/field-cipher.ts';
import type { Backend, Database } from '../src/platform/db/index.ts';
import { BACKENDS, createTestDatabase } from '../src/testing/test-context.ts';

const TODAY = '2026-11-30';

/** The demo loaded into a database of its own (PostgreSQL: a fresh schema, dropped afterwards), as the tests do. */
async function withDatabase(backend: Backend, use: (db: Database, cipher: FieldCipher) => Promise<void>) {
  const ctx = await createTestDatabase(backend, { poolSize: 2 });
  try {
    await use(ctx.database, ctx.cipher);
  } finally {
    await ctx.close();
  }
}

async function measure(backend: 'pglite' | 'postgres', size: 'small' | 'medium') {
  await withDatabase(backend, async (database, cipher) => {
    const t0 = performance.now();
    const demo = await loadDemo(database, cipher, { size, seed: 1, today: TODAY });
    console.log(
      `profiles ${size} on ${backend}: demo load incl. first evaluation ${((performance.now() - t0) / 1000).toFixed(1)} s ` +
        `(${demo.persons.toLocaleString('en')} residents)`,
    );
    const rules = await ensureRuleSet(database.db);
    const full = await runProfiles(database, rules, {
      scopePath: '/',
      asOf: TODAY,
      mode: 'full',
      kinds: ['tags', 'eligibility'],
      by: 'bench',
    });
    const unserved = Object.values(full.policyCounts).reduce((s, c) => s + c.eligibleUnserved, 0);
    const near = Object.values(full.policyCounts).reduce((s, c) => s + c.nearMiss, 0);
    console.log(
      `profiles ${size} on ${backend}: full tag + eligibility run ${full.persons.toLocaleString('en')} residents in ` +
        `${full.seconds.toFixed(1)} s = ${Math.round(full.personsPerSecond).toLocaleString('en')} residents/s ` +
        `(${full.casesWritten.toLocaleString('en')} cases: ${unserved} eligible unserved, ${near} near-misses)`,
    );
    // 1% of residents change; the incremental run reads only those.
    await database.db
      .updateTable('person')
      .set({ updated_at: new Date(Date.now() + 1000) })
      .where((eb) => eb(eb.fn('mod', ['id', eb.lit(100)]), '=', 0))
      .execute();
    const inc = await runProfiles(database, rules, {
      scopePath: '/',
      asOf: TODAY,
      mode: 'changed',
      kinds: ['tags', 'eligibility'],
      by: 'bench',
    });
    console.log(
      `profiles ${size} on ${backend}: incremental run ${inc.persons.toLocaleString('en')} changed residents in ` +
        `${inc.seconds.toFixed(2)} s = ${Math.round(inc.personsPerSecond).toLocaleString('en')} residents/s`,
    );
  });
}

export async function run(opts: { size: 'default' | 'large' | 'small' }): Promise<void> {
  const size = opts.size === 'small' ? 'small' : 'medium';
  const backends = BACKENDS;
  for (const backend of backends) await measure(backend, size);
}
