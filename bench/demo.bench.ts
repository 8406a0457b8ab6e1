// Demo district: generation + load time, rows/s and peak memory, on embedded PGlite (in memory) and on
// PostgreSQL in a fresh schema (dropped afterwards) when TEST_DATABASE_URL or DATABASE_URL is set.
// `default` runs medium; `large` also runs the ≈1,000,000-resident district (on PostgreSQL when available, else
// PGlite — the in-memory WASM database holds the whole district in this process's memory).
import { type DemoSize, loadDemo } from '../src/domains/demo/index.ts';
import type { FieldCipher } from '../src/platform/crypto/field-cipher.ts';
import type { Backend, Database } from '../src/platform/db/index.ts';
import { BACKENDS, createTestDatabase } from '../src/testing/test-context.ts';

/** The demo loaded into a database of its own (PostgreSQL: a fresh schema, dropped afterwards), as the tests do. */
async function withDatabase(backend: Backend, use: (db: Database, cipher: FieldCipher) => Promise<void>) {
  const ctx = await createTestDatabase(backend, { poolSize: 2 });
  try {
    await use(ctx.database, ctx.cipher);
  } finally {
    await ctx.close();
  }
}

async function measure(size: DemoSize, backend: 'pglite' | 'postgres'): Promise<void> {
  await withDatabase(backend, async (database, cipher) => {
    // Sampled RSS: the generator runs synchronously, so samples land between load batches; maxRSS below is the
    // process-wide high-water mark, which covers what sampling misses.
    let peak = process.memoryUsage().rss;
    const timer = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 50);
    const started = performance.now();
    try {
      const s = await loadDemo(database, cipher, { size, seed: 1, today: '2026-01-01' });
      const seconds = (performance.now() - started) / 1000;
      peak = Math.max(peak, process.memoryUsage().rss);
      const rows =
        s.grids + s.buildings + s.houses + s.households + s.persons + s.facilities + s.organizations;
      const mb = (b: number) => (b / 1024 / 1024).toFixed(0);
      console.log(
        `demo ${size} on ${backend}: ${s.persons.toLocaleString('en')} residents, ${rows.toLocaleString('en')} rows ` +
          `in ${seconds.toFixed(1)} s (generate ${s.generateSeconds.toFixed(1)} s, load ${s.loadSeconds.toFixed(1)} s)`,
      );
      console.log(
        `demo ${size} on ${backend}: ${Math.round(rows / seconds).toLocaleString('en')} rows/s overall`,
      );
      console.log(
        `demo ${size} on ${backend}: peak RSS sampled ${mb(peak)} MB, ` +
          `process high-water ${mb(process.resourceUsage().maxRSS * 1024)} MB`,
      );
    } finally {
      clearInterval(timer);
    }
  });
}

export async function run(opts: { size: 'default' | 'large' }): Promise<void> {
  const backends = BACKENDS;
  for (const backend of backends) await measure('medium', backend);
  if (opts.size === 'large') for (const backend of backends) await measure('large', backend);
}
