// Import throughput: the rows of a generated department CSV (the police register: UTF-8 with BOM, 2,213 rows, or
// 72,575 with `--size large`, where fixed costs such as the file hash, the run and ANALYZE matter less) through
// the whole pipeline (decode, parse, normalise, encrypt, batch upsert with checkpoints, quality figures), against
// PostgreSQL COPY of the same rows (already split into columns) into a bare table, measured in the same run on
// the same database. Target: import within 2× of COPY. Runs on PGlite, and on PostgreSQL when TEST_DATABASE_URL
// is set; each line gives rows/s of both, their time ratio and the load average (the machine is shared), and the
// CPU time this process spent on each: on a loaded machine wall time is mostly waiting for a core, while CPU time
// is the work. On PGlite the database runs in this process, so its CPU time is the whole cost; on PostgreSQL it is
// the client's share only (the server's work is not in it).
import { mkdtempSync, readFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { generateDepartmentExports } from '../src/domains/demo/department-exports.ts';
import { commandLineActor, runImport } from '../src/domains/ingest/index.ts';
import { createFieldCipher } from '../src/platform/crypto/field-cipher.ts';
import type { Database } from '../src/platform/db/index.ts';
import { BACKENDS, createTestDatabase } from '../src/testing/test-context.ts';

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
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  };
  const c0 = cpu();
  const m0 = mainThreadCpu();
  const t0 = performance.now();
  const report = await runImport(database, cipher, {
    file,
    fileName: path.basename(file),
    source: 'bench_civil',
    mapping,
    actor: commandLineActor('bench', '/'),
  });
  const importSeconds = (performance.now() - t0) / 1000;
  const importCpu = cpu() - c0;
  const m1 = mainThreadCpu();
  const importMainCpu = m0 === null || m1 === null ? null : m1 - m0;
  const columns = ['c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6'];
  await database.bulk((s) =>
    s.script(
      `DROP TABLE IF EXISTS bench_copy; CREATE TABLE bench_copy (${columns.map((c) => `${c} text`).join(', ')})`,
    ),
  );
  const c1 = cpu();
  const t1 = performance.now();
  await database.bulk((s) => s.copy('bench_copy', columns, rows));
  const copySeconds = (performance.now() - t1) / 1000;
  const copyCpu = cpu() - c1;
  return { report, importSeconds, copySeconds, importCpu, importMainCpu, copyCpu };
}

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
    const ctx = await createTestDatabase(backend);
    const database = ctx.database;
    const label = backend === 'pglite' ? 'PGlite' : 'PostgreSQL';
    try {
      const r = await measure(database, target.file, target.mapping, rows);
      const importRate = r.report.rowsRead / r.importSeconds;
      const copyRate = rows.length / r.copySeconds;
      const load = loadavg()
        .map((l) => l.toFixed(2))
        .join(' ');
      console.log(
        `${label} (load average ${load}): import ${r.report.rowsRead} rows (${target.label}, ${target.encoding}) in ${r.importSeconds.toFixed(2)} s = ${Math.round(importRate)} rows/s ` +
          `(accepted ${r.report.accepted}, quarantined ${r.report.quarantined}); COPY of the same rows ${r.copySeconds.toFixed(2)} s = ${Math.round(copyRate)} rows/s; ` +
          `import/COPY time ratio ${(r.importSeconds / r.copySeconds).toFixed(1)}× (target ≤ 2×); ` +
          `CPU of this process ${r.importCpu.toFixed(2)} s / ${r.copyCpu.toFixed(2)} s = ${(r.importCpu / r.copyCpu).toFixed(1)}×` +
          (r.importMainCpu === null ? '' : ` (import's main thread ${r.importMainCpu.toFixed(2)} s)`) +
          (backend === 'pglite' ? '' : ' (client side only)'),
      );
    } finally {
      await ctx.close();
    }
  }
}
