// The demo district as integrated from its departments (issue 3, Deliver 5). After `serve` has loaded the demo
// district into an empty database it calls this once, after the server is listening. Persons first: the
// departments' exports of the same district are written in a worker thread, each is imported as its own source,
// and an identity run links them with the platform's residents and writes golden records with provenance. Then
// houses, households and organisations: the registers of 住建/不动产, 公安 and 市场监管/税务 are written in a worker
// thread and staged, and one identity run per type resolves them with the platform's rows. Each type is one
// identity run row, so the console's 实体识别 page shows its stage from the first export on; the server is ready
// before any of it starts and keeps answering (exports and linkage run in worker threads).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { FieldCipher } from '../../platform/crypto/field-cipher.ts';
import type { Database, IdentityEntityType } from '../../platform/db/index.ts';
import {
  type DemoSize,
  generateDepartmentExportsInWorker,
  generateEntityExportsInWorker,
} from '../demo/index.ts';
import { commandLineActor, districtPath, runImport } from '../ingest/index.ts';
import { importEntityRegister } from './entity-sources.ts';
import { commandLineIdentityActor } from './identity.routes.ts';
import { createIdentityService } from './identity.service.ts';

export interface DemoSourcesOptions {
  size: DemoSize;
  seed: number;
  /** Where the export files are written (kept, so that an interrupted start resumes the same files). */
  dir: string;
  /** Entities of the first this many streets only (default: all); the medium and large districts use one. */
  streets?: number;
  log?: (line: string) => void;
}

/** The order the demo integrates in: persons, then the places they live in, then organisations. */
export const DEMO_INTEGRATION_ORDER: readonly IdentityEntityType[] = [
  'person',
  'house',
  'household',
  'organization',
];

/** How one type's integration ended: its run (null when it could not start) and the reason it could not. */
export interface DemoIntegrationStep {
  entityType: IdentityEntityType;
  runId: number | null;
  error?: string;
}

/**
 * Starts the integration of every type without a completed identity run (a failed one is retried), when no run
 * is under way, and answers the first run's id at once (null when there is nothing to do). The types run one
 * after another (one identity run at a time); `done` settles with each type's run once the last has finished.
 */
export async function integrateDemoSources(
  database: Database,
  cipher: FieldCipher,
  opts: DemoSourcesOptions,
): Promise<{ runId: number; entityType: IdentityEntityType; done: Promise<DemoIntegrationStep[]> } | null> {
  const { db } = database;
  // Under way already (another start is integrating): nothing starts. A run that failed (one a killed server
  // left running is failed at the next start) is tried again; the imports resume the export files written.
  const running = await db
    .selectFrom('identity_run')
    .select('id')
    .where('status', '=', 'running')
    .limit(1)
    .executeTakeFirst();
  if (running) return null;
  const completed = new Set(
    (
      await db
        .selectFrom('identity_run')
        .select('entity_type')
        .distinct()
        .where('status', '=', 'completed')
        .execute()
    ).map((r) => r.entity_type),
  );
  const todo = DEMO_INTEGRATION_ORDER.filter((t) => !completed.has(t));
  if (todo.length === 0) return null;
  const scope = await districtPath(db);
  const service = createIdentityService(database, cipher);
  const log = opts.log ?? (() => {});
  const streets = opts.streets !== undefined ? { streets: opts.streets } : {};
  let registersStaged = false;

  const importPersons = async (showStage: (stage: string) => Promise<void>) => {
    await showStage('generating department exports');
    mkdirSync(opts.dir, { recursive: true });
    const summary = await generateDepartmentExportsInWorker({
      size: opts.size,
      seed: opts.seed,
      outDir: opts.dir,
      ...streets,
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
  };

  // All registers are staged once, by the first entity run (staging again only updates the same records).
  const importRegisters = async (showStage: (stage: string) => Promise<void>) => {
    if (registersStaged) return;
    await showStage('generating registers');
    const dir = path.join(opts.dir, 'registers');
    mkdirSync(dir, { recursive: true });
    const summary = await generateEntityExportsInWorker({
      size: opts.size,
      seed: opts.seed,
      outDir: dir,
      ...streets,
    });
    for (const [k, e] of summary.exports.entries()) {
      await showStage(`importing ${e.source} ${e.entityType} (${k + 1}/${summary.exports.length})`);
      const report = await importEntityRegister(database, cipher, {
        file: e.file,
        entityType: e.entityType,
        source: e.source,
        mapping: e.mapping,
        scopePath: scope,
      });
      log(
        `  ${e.label} (${e.source}): ${report.rowsRead} rows, ${report.accepted} accepted, ` +
          `${report.rejected.length} rejected`,
      );
    }
    registersStaged = true;
  };

  const startRun = (entityType: IdentityEntityType) =>
    service.start(
      commandLineIdentityActor('demo', scope),
      { entityType },
      { prepare: entityType === 'person' ? importPersons : importRegisters },
    );

  const first = await startRun(todo[0]!);
  const done = (async () => {
    const steps: DemoIntegrationStep[] = [{ entityType: todo[0]!, runId: first.id }];
    await service.wait(first.id);
    for (const entityType of todo.slice(1)) {
      try {
        const run = await startRun(entityType);
        steps.push({ entityType, runId: run.id });
        await service.wait(run.id);
      } catch (error) {
        // Someone started a run meanwhile (one run at a time): this type waits for the next start.
        steps.push({ entityType, runId: null, error: (error as Error).message });
      }
    }
    return steps;
  })();
  return { runId: first.id, entityType: todo[0]!, done };
}
