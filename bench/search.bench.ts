// Resident search over the demo district (medium: 100,000 residents; large: 1,000,000), through the HTTP API
// as the hotline operator (district-wide scope) and a community worker sees it, so each figure includes scope
// filtering, masking and the audit entry every search writes. p50/p99 per kind of search, on embedded PGlite
// and, when TEST_DATABASE_URL is set, on PostgreSQL.
import { loadDemo } from '../src/domains/demo/index.ts';
import { authed, login } from '../src/testing/http.ts';
import { BACKENDS, createTestApp, type TestAppContext } from '../src/testing/test-context.ts';

const SEED = 20261123;

interface Sample {
  idNumbers: string[];
  phones: string[];
  namePrefixes: string[];
  gridIds: number[];
}

async function sampleOf(ctx: TestAppContext, n: number): Promise<Sample> {
  const db = ctx.database.db;
  const total = await db
    .selectFrom('person')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const step = Math.max(1, Math.floor(Number(total.n) / n));
  const rows = await db
    .selectFrom('person')
    .select(['id', 'name', 'grid_id', 'id_number_cipher', 'phone_cipher'])
    .where((eb) => eb(eb('id', '%', step), '=', 0))
    .orderBy('id')
    .limit(n)
    .execute();
  return {
    idNumbers: rows.filter((r) => r.id_number_cipher).map((r) => ctx.cipher.open(r.id_number_cipher!)),
    phones: rows.filter((r) => r.phone_cipher).map((r) => ctx.cipher.open(r.phone_cipher!)),
    // A surname alone matches thousands; surname plus first given character is what a worker types.
    namePrefixes: rows.map((r, i) =>
      Array.from(r.name)
        .slice(0, i % 2 === 0 ? 1 : 2)
        .join(''),
    ),
    gridIds: rows.map((r) => r.grid_id),
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function timeUrls(ctx: TestAppContext, token: string, urls: string[]) {
  const times: number[] = [];
  let hits = 0;
  for (const url of urls) {
    const t0 = performance.now();
    const res = await ctx.app.inject({ method: 'GET', url, headers: authed(token) });
    times.push(performance.now() - t0);
    if (res.statusCode !== 200)
      throw new Error(`${url} answered ${res.statusCode}: ${res.body.slice(0, 300)}`);
    if (res.json().items.length > 0) hits++;
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99), hits, n: urls.length };
}

export async function run(opts: { size: 'default' | 'large' }): Promise<void> {
  const size = opts.size === 'large' ? 'large' : 'medium';
  const queries = size === 'large' ? 100 : 200;
  for (const backend of BACKENDS) {
    const ctx = await createTestApp(backend);
    try {
      const t0 = performance.now();
      const summary = await loadDemo(ctx.database, ctx.cipher, { size, seed: SEED, profiles: false });
      const loadSeconds = (performance.now() - t0) / 1000;
      console.log(
        `search [${backend}, ${size}]: demo district of ${summary.persons} residents in ${summary.grids} grids loaded in ${loadSeconds.toFixed(1)} s`,
      );
      const sample = await sampleOf(ctx, queries);
      const hotline = await login(ctx.app, 'hotline', 'Hotline@2026');
      const community = await login(ctx.app, 'community01', 'Community@2026');
      const q = (text: string) => `/api/persons?q=${encodeURIComponent(text)}`;
      const kinds: Array<[string, string, string[]]> = [
        ['name prefix, district scope', hotline, sample.namePrefixes.map(q)],
        ['full ID number, district scope', hotline, sample.idNumbers.map(q)],
        ['phone, district scope', hotline, sample.phones.map(q)],
        [
          'filtered list (tag elderly_alone, age 80+), district scope',
          hotline,
          sample.gridIds.map((_, i) => `/api/persons?tag=elderly_alone&ageMin=80&page=${1 + (i % 5)}`),
        ],
        [
          'filtered list (grid, floating, age 18–60)',
          hotline,
          sample.gridIds.map((g) => `/api/persons?gridId=${g}&registrationType=floating&ageMin=18&ageMax=60`),
        ],
        [
          'unfiltered list page 1–50, district scope',
          hotline,
          sample.gridIds.map((_, i) => `/api/persons?page=${1 + (i % 50)}`),
        ],
        ['name prefix, community worker scope', community, sample.namePrefixes.map(q)],
      ];
      for (const [label, token, urls] of kinds) {
        const r = await timeUrls(ctx, token, urls);
        console.log(
          `search [${backend}, ${size}]: ${label}: p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms (${r.n} queries, ${r.hits} with results)`,
        );
      }
    } finally {
      await ctx.close();
    }
  }
}
