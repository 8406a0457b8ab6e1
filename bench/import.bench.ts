// Import throughput: the rows of a generated department CSV (the police register: UTF-8 with BOM, 2,213 rows, or
// 72,575 with `--size large`, where fixed costs such as the file hash, the run and ANALYZE matter less) through
// the whole pipeline (decode, parse, normalise, encrypt, batch writes with checkpoints, quality figures), against
// two references measured in the same run on the same database. Target: import within 2× of COPY.
//
// - COPY of the file's rows (already split into columns) into a bare table of 7 text columns: what loading the
//   file costs with nothing done to it.
// - COPY of the rows the import wrote (read back from source_person: the same 32 columns and values, ciphers as
//   bytea) into a bare table with the same column types and no index or constraint: what storing the import's
//   result costs, without reading, normalising and sealing, and without source_person's indexes.
//
// Runs on an in-memory PGlite (as the tests), on a PGlite with a data directory (as the server and the CLI) and,
// when TEST_DATABASE_URL is set, on PostgreSQL. Per backend, one line for the import (with where its time went)
// and one per reference, with the ratios of wall time and of this process's CPU time: on a loaded machine wall time
// is mostly waiting for a core, while CPU time is the work. On PGlite the database runs in this process, so its
// CPU time is the whole cost; on PostgreSQL it is the client's share only (the server's work is not in it).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { generateDepartmentExports } from '../src/domains/demo/department-exports.ts';
import { commandLineActor, runImport } from '../src/domains/ingest/index.ts';
import { STAGED_COLUMNS } from '../src/domains/ingest/ingest.repository.ts';
import { createFieldCipher } from '../src/platform/crypto/field-cipher.ts';
import type { CopyValue } from '../src/platform/db/copy-format.ts';
import { type Database, migrate, openDatabase } from '../src/platform/db/index.ts';
import { createTestDatabase, TEST_DATABASE_URL } from '../src/testing/test-context.ts';

const SOURCE = 'bench_civil';

const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** The database with its batch transactions timed: how long they were open, and when the last one ended. */
function timingBatches(database: Database) {
  const timing = { batchSeconds: 0, lastBatchEnd: 0 };
  const timed: Database = {
    ...database,
    async bulk(work) {
      const start = performance.now();
      try {
        return await database.bulk(work);
      } finally {
        timing.lastBatchEnd = performance.now();
        timing.batchSeconds += (timing.lastBatchEnd - start) / 1000;
      }
    },
  };
  return { timed, timing };
}

/** Wall and CPU seconds of one COPY of `rows` into a fresh bare table made by `create`. */
async function copyInto(
  database: Database,
  table: string,
  create: string,
  columns: readonly string[],
  rows: ReadonlyArray<readonly CopyValue[]>,
) {
  await database.bulk((s) => s.script(`DROP TABLE IF EXISTS ${table}; ${create}`));
  const c0 = cpu();
  const t0 = performance.now();
  await database.bulk((s) => s.copy(table, columns, rows));
  return { seconds: (performance.now() - t0) / 1000, cpu: cpu() - c0 };
}

/**
 * CPU seconds of this process's main thread (Linux: /proc), null elsewhere. Large imports normalise in a worker
 * thread: the process's CPU time includes it, the main thread's is the share left beside the database.
 */
function mainThreadCpu(): number | null {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

async function measure(database: Database, file: string, mapping: Record<string, string>, rows: string[][]) {
  const cipher = createFieldCipher(Buffer.alloc(32, 9));
  const { timed, timing } = timingBatches(database);
  const c0 = cpu();
  const m0 = mainThreadCpu();
  const t0 = performance.now();
  const report = await runImport(timed, cipher, {
    file,
    fileName: path.basename(file),
    source: SOURCE,
    mapping,
    actor: commandLineActor('bench', '/'),
  });
  const end = performance.now();
  const importSeconds = (end - t0) / 1000;
  const importCpu = cpu() - c0;
  const m1 = mainThreadCpu();
  const importMainCpu = m0 === null || m1 === null ? null : m1 - m0;
  const afterBatches = (end - timing.lastBatchEnd) / 1000;

  const fileColumns = ['c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6'];
  const fileCopy = await copyInto(
    database,
    'bench_copy',
    `CREATE TABLE bench_copy (${fileColumns.map((c) => `${c} text`).join(', ')})`,
    fileColumns,
    rows,
  );
  const stored = await database.bulk((s) =>
    s.exec(`SELECT ${STAGED_COLUMNS.join(', ')} FROM source_person WHERE source = $1 ORDER BY id`, [SOURCE]),
  );
  const written = stored.map((r) => STAGED_COLUMNS.map((c) => r[c] as CopyValue));
  const writtenCopy = await copyInto(
    database,
    'bench_copy_written',
    // CREATE TABLE AS takes the column types only: no key, index, constraint or default.
    `CREATE TABLE bench_copy_written AS SELECT ${STAGED_COLUMNS.join(', ')} FROM source_person WITH NO DATA`,
    STAGED_COLUMNS,
    written,
  );
  return {
    report,
    importSeconds,
    importCpu,
    importMainCpu,
    batchSeconds: timing.batchSeconds,
    afterBatches,
    fileCopy,
    writtenCopy,
    writtenRows: written.length,
  };
}

interface Backend {
  label: string;
  open(): Promise<{ database: Database; close(): Promise<void> }>;
}

const BACKENDS: Backend[] = [
  { label: 'PGlite (memory)', open: () => createTestDatabase('pglite') },
  {
    label: 'PGlite (data directory)',
    async open() {
      const dataDir = mkdtempSync(path.join(tmpdir(), 'import-bench-pglite-'));
      const database = await openDatabase({ dataDir });
      await migrate(database);
      return {
        database,
        async close() {
          await database.close();
          rmSync(dataDir, { recursive: true, force: true });
        },
      };
    },
  },
  ...(TEST_DATABASE_URL ? [{ label: 'PostgreSQL', open: () => createTestDatabase('postgres') }] : []),
];

export async function run(opts: { size: 'default' | 'large' }): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'import-bench-'));
  const size = opts.size === 'large' ? 'medium' : 'small';
  const summary = await generateDepartmentExports({
    size,
    seed: 20261123,
    outDir: dir,
    only: ['civil_affairs', 'police'],
  });
  const target = summary.exports.find((e) => e.source === 'police')!;
  const rows = (parse(iconv.decode(readFileSync(target.file), 'utf-8'), { bom: true }) as string[][]).slice(
    1,
  );
  // Each backend in a database of its own (PostgreSQL: a fresh schema, dropped afterwards), as the tests do.
  for (const backend of BACKENDS) {
    const ctx = await backend.open();
    const label = backend.label;
    const clientOnly = label === 'PostgreSQL' ? ' (client side only)' : '';
    try {
      const r = await measure(ctx.database, target.file, target.mapping, rows);
      const load = loadavg()
        .map((l) => l.toFixed(2))
        .join(' ');
      const rest = r.importSeconds - r.batchSeconds - r.afterBatches;
      console.log(
        `${label} (load average ${load}): import ${r.report.rowsRead} rows (${target.label}, ${target.encoding}) in ${r.importSeconds.toFixed(2)} s = ${Math.round(r.report.rowsRead / r.importSeconds)} rows/s ` +
          `(accepted ${r.report.accepted}, quarantined ${r.report.quarantined}), CPU of this process ${r.importCpu.toFixed(2)} s${clientOnly}` +
          (r.importMainCpu === null ? '' : ` (its main thread ${r.importMainCpu.toFixed(2)} s)`) +
          '; ' +
          `batch transactions open ${r.batchSeconds.toFixed(2)} s` +
          (label === 'PostgreSQL'
            ? ' (the next batch is read meanwhile)'
            : ' (reading the next batch interleaves)') +
          `, after the last batch (ANALYZE, quality figures, closing the run) ${r.afterBatches.toFixed(2)} s, ` +
          `the rest (file hash, reading, normalising and sealing outside any batch transaction) ${rest.toFixed(2)} s`,
      );
      const reference = (name: string, n: number, c: { seconds: number; cpu: number }) =>
        console.log(
          `${label}: ${name}: ${n} rows in ${c.seconds.toFixed(2)} s = ${Math.round(n / c.seconds)} rows/s, CPU ${c.cpu.toFixed(2)} s${clientOnly}; ` +
            `import/COPY ${(r.importSeconds / c.seconds).toFixed(1)}× wall, ${(r.importCpu / c.cpu).toFixed(1)}× CPU (target ≤ 2×)`,
        );
      reference("COPY of the file's rows (7 text columns, bare table)", rows.length, r.fileCopy);
      reference(
        'COPY of the rows the import wrote (32 columns, ciphers as bytea, bare table)',
        r.writtenRows,
        r.writtenCopy,
      );
    } finally {
      await ctx.close();
    }
  }
  rmSync(dir, { recursive: true, force: true });
}
