// The demo district as integrated from its departments (issue 3, Deliver 5). After `serve` has loaded the demo
// district into an empty database it calls this once, after the server is listening: the departments' exports
// of the same district are written in a worker thread, each is imported as its own source, and an identity run
// links them with the platform's residents and writes golden records with provenance. One identity run row
// carries the whole job, so the console's 实体识别 page shows its stage from the first export on; the server is
// ready before any of it starts and keeps answering (the linkage runs in its own worker thread too).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { FieldCipher } from '../../platform/crypto/field-cipher.ts';
import type { Database } from '../../platform/db/index.ts';
import { type DemoSize, generateDepartmentExportsInWorker } from '../demo/index.ts';
import { commandLineActor, districtPath, runImport } from '../ingest/index.ts';
import { commandLineIdentityActor } from './identity.routes.ts';
import { createIdentityService } from './identity.service.ts';

export interface DemoSourcesOptions {
  size: DemoSize;
  seed: number;
  /** Where the export files are written (kept, so that an interrupted start resumes the same files). */
  dir: string;
  /** Residents of the first this many streets only (default: all); the medium and large districts use one. */
  streets?: number;
  log?: (line: string) => void;
}

/**
 * Starts the integration when no identity run has completed or is running (a failed one is retried) and answers the run's id at once (null when there is
 * nothing to do); `done` settles when the run has finished.
 */
export async function integrateDemoSources(
  database: Database,
  cipher: FieldCipher,
  opts: DemoSourcesOptions,
): Promise<{ runId: number; done: Promise<void> } | null> {
  const { db } = database;
  // Done or under way already: a run that completed or still runs. A run that failed (one a killed server left
  // running is failed at the next start) is tried again; the imports resume the export files already written.
  const settled = await db
    .selectFrom('identity_run')
    .select('id')
    .where('status', 'in', ['running', 'completed'])
    .limit(1)
    .executeTakeFirst();
  if (settled) return null;
  const scope = await districtPath(db);
  const service = createIdentityService(database, cipher);
  const log = opts.log ?? (() => {});
  const run = await service.start(
    commandLineIdentityActor('demo', scope),
    {},
    {
      prepare: async (showStage) => {
        await showStage('generating department exports');
        mkdirSync(opts.dir, { recursive: true });
        const summary = await generateDepartmentExportsInWorker({
          size: opts.size,
          seed: opts.seed,
          outDir: opts.dir,
          ...(opts.streets !== undefined ? { streets: opts.streets } : {}),
        });
        for (const [k, e] of summary.exports.entries()) {
          await showStage(`importing ${e.source} (${k + 1}/${summary.exports.length})`);
          const report = await runImport(database, cipher, {
            file: e.file,
            fileName: path.basename(e.file),
            source: e.source,
            mapping: e.mapping,
            saveMapping: true,
            actor: commandLineActor('demo', scope),
          });
          log(
            `  ${e.label} (${e.source}): ${report.rowsRead} rows, ${report.accepted} accepted, ` +
              `${report.quarantined} quarantined`,
          );
        }
      },
    },
  );
  return { runId: run.id, done: service.wait(run.id) };
}
