// Record-linkage quality and speed: generated people with ground truth (Chinese records with homophone and
// pinyin names, 15-digit IDs, other date/address styles; FEBRL-like English records with typos), written to a
// CSV file and deduplicated as `cbrain link dedupe` does: read the CSV, infer settings from the columns, block,
// compare, fit m and u by EM without labels, score and cluster. Prints records, seconds per stage, peak RSS and
// pairwise precision / recall / F1. Targets at ≈1 million records (--size large): F1 ≥ 0.98, ≤ 120 s.
// Then entity resolution as `npm start` runs it: the demo district's registers of houses, households and
// organisations staged and resolved by one identity run per type on PGlite (small district; medium with --size
// large), each scored against the registers' ground truth, with wall and CPU seconds per type.
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { generateEntityExports } from '../src/domains/demo/entity-exports.ts';
import { loadDemo } from '../src/domains/demo/index.ts';
import { importEntityRegister } from '../src/domains/identity/entity-sources.ts';
import { commandLineIdentityActor } from '../src/domains/identity/identity.routes.ts';
import { createIdentityService } from '../src/domains/identity/identity.service.ts';
import { scoreRun, truthOfRecords } from '../src/domains/identity/run-scores.ts';
import { districtPath } from '../src/domains/ingest/index.ts';
import { readCsvTable } from '../src/lib/csv-table.ts';
import { buildAutoSettings } from '../src/lib/linkage/auto-settings.ts';
import { runLinkage } from '../src/lib/linkage/engine.ts';
import { clusterPairScores } from '../src/lib/linkage/evaluate.ts';
import { resolveSettings } from '../src/lib/linkage/settings.ts';
import {
  generateChinesePeople,
  generateEnglishPeople,
  type SyntheticDataset,
} from '../src/lib/linkage/synthetic.ts';
import type { ResolvedEntityType } from '../src/platform/db/index.ts';
import { createTestDatabase } from '../src/testing/test-context.ts';

const peakRssMB = () => Math.round(process.resourceUsage().maxRSS / 1024);
const since = (t: number) => Math.round(performance.now() - t) / 1000;

function writeDataset(file: string, ds: SyntheticDataset) {
  const fd = openSync(file, 'w');
  try {
    writeSync(fd, stringify([ds.header]));
    const n = ds.truth.length;
    for (let from = 0; from < n; from += 50_000) {
      const rows: string[][] = [];
      for (let r = from; r < Math.min(n, from + 50_000); r++) rows.push(ds.columns.map((c) => c[r]!));
      writeSync(fd, stringify(rows));
    }
  } finally {
    closeSync(fd);
  }
}

async function dedupe(label: string, ds: SyntheticDataset, dir: string) {
  const file = path.join(dir, `${label}.csv`);
  writeDataset(file, ds);
  const truth = ds.truth;
  ds.columns.length = 0; // only the CSV file carries the records from here on
  global.gc?.();

  const started = performance.now();
  let t = started;
  const table = await readCsvTable(file);
  const readSeconds = since(t);
  t = performance.now();
  const idColumn = table.header[0]!;
  const ids = table.rows.map((row) => row[0]!);
  const columns = new Map<string, string[]>();
  table.header.forEach((h, c) => {
    if (c > 0)
      columns.set(
        h,
        table.rows.map((row) => row[c]!),
      );
  });
  table.rows.length = 0;
  const auto = buildAutoSettings({
    columns,
    recordCount: ids.length,
    linkType: 'dedupe',
    uniqueId: idColumn,
  });
  const settings = resolveSettings(auto.settings, [...columns.keys()]);
  const autoSeconds = since(t);
  const result = runLinkage({ columns, ids }, settings);
  const total = since(started);
  const scores = clusterPairScores(result.clusterOf!, truth);
  const stages = { read_csv: readSeconds, auto_settings: autoSeconds, ...result.seconds };
  console.log(
    `${label}: ${ids.length.toLocaleString('en')} records, ${result.candidatePairs.toLocaleString('en')} candidate pairs, ` +
      `${result.clusters!.toLocaleString('en')} clusters, EM ${result.emIterations} iterations`,
  );
  console.log(`  blocking: ${settings.blocking.map((r) => r.keys.join(' & ')).join(' | ')}`);
  console.log(
    `  seconds: ${Object.entries(stages)
      .map(([k, v]) => `${k} ${v.toFixed(2)}`)
      .join(', ')}; total ${total.toFixed(1)} s (target ≤ 120 s at 1M)`,
  );
  console.log(
    `  pairwise precision ${scores.precision.toFixed(4)}, recall ${scores.recall.toFixed(4)}, ` +
      `F1 ${scores.f1.toFixed(4)} (target ≥ 0.98); peak RSS ${peakRssMB()} MB`,
  );
}

/** Houses, households and organisations of the demo district resolved from their registers, as `npm start` does. */
async function entities(size: 'small' | 'medium', dir: string) {
  const ctx = await createTestDatabase('pglite');
  try {
    const { database, cipher } = ctx;
    let t = performance.now();
    await loadDemo(database, cipher, { size, seed: 20261123, today: '2026-11-30', profiles: false });
    const scope = await districtPath(database.db);
    const summary = generateEntityExports({ size, seed: 20261123, outDir: dir });
    for (const e of summary.exports)
      await importEntityRegister(database, cipher, {
        file: e.file,
        entityType: e.entityType,
        source: e.source,
        mapping: e.mapping,
        scopePath: scope,
      });
    console.log(`entity registers of the ${size} district loaded and staged in ${since(t)} s (PGlite)`);
    const staged = await database.db
      .selectFrom('source_entity')
      .select(['id', 'entity_type', 'source', 'source_key'])
      .execute();
    const truthOf = truthOfRecords(
      summary.truthFile,
      ['entity_type', 'source', 'source_key'],
      'entity_id',
      'se:',
      staged,
    );
    const service = createIdentityService(database, cipher);
    const actor = commandLineIdentityActor('bench', scope);
    for (const type of ['house', 'household', 'organization'] as ResolvedEntityType[]) {
      t = performance.now();
      const cpu = process.cpuUsage();
      const started = await service.start(actor, { entityType: type });
      await service.wait(started.id);
      const seconds = since(t);
      const used = process.cpuUsage(cpu);
      const run = await service.readRun(actor, started.id);
      const scores = await scoreRun(database.db, started.id, truthOf);
      console.log(
        `  ${type}: ${run.status}, ${scores.records.toLocaleString('en')} records, ${scores.truePairs.toLocaleString('en')} true pairs, ` +
          `precision ${scores.precision.toFixed(4)}, recall ${scores.recall.toFixed(4)}, F1 ${scores.f1.toFixed(4)}; ` +
          `${seconds.toFixed(2)} s wall, ${((used.user + used.system) / 1e6).toFixed(2)} s CPU ` +
          `(${((seconds * 1e6) / Math.max(1, scores.records)).toFixed(0)} µs per record); ` +
          `updated ${run.personsUpdated}, created ${run.personsCreated}, conflicts ${run.conflicts}, ` +
          `unplaced ${run.unplaced}, reviews ${run.reviews}`,
      );
    }
  } finally {
    await ctx.close();
  }
}

export async function run(opts: { size: 'default' | 'large' }): Promise<void> {
  const records = opts.size === 'large' ? 1_000_000 : 100_000;
  const dir = mkdtempSync(path.join(tmpdir(), 'cbrain-linkage-bench-'));
  try {
    let t = performance.now();
    const chinese = generateChinesePeople({ records, seed: 1 });
    console.log(
      `generated ${chinese.truth.length.toLocaleString('en')} Chinese person records in ${since(t)} s`,
    );
    await dedupe('chinese-people', chinese, dir);
    global.gc?.();
    const english = Math.min(records, 200_000);
    t = performance.now();
    const febrl = generateEnglishPeople({ records: english, seed: 2 });
    console.log(
      `generated ${febrl.truth.length.toLocaleString('en')} FEBRL-like English records in ${since(t)} s`,
    );
    await dedupe('english-people', febrl, dir);
    global.gc?.();
    await entities(opts.size === 'large' ? 'medium' : 'small', dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
