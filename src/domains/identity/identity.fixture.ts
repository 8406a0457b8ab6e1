// What the identity tests share: the small demo district (seed 7) they run on, a run taken to completion, the
// ground-truth files of the demo exports read into reference → platform id, and a run's clusters scored against
// them. identity.test.ts (persons) and entity-resolution.test.ts (houses, households, organisations) use it.
import { expect } from 'vitest';
import type { FieldCipher } from '../../platform/crypto/field-cipher.ts';
import type { Database, ResolvedEntityType } from '../../platform/db/index.ts';
import { loadDemo } from '../demo/index.ts';
import { districtPath } from '../ingest/index.ts';
import { commandLineIdentityActor } from './identity.routes.ts';
import { createIdentityService, type RunRequest } from './identity.service.ts';

export { scoreRun, truthOfRecords } from './run-scores.ts';

export const TODAY = '2026-11-30';
export const SEED = 7;

/** Loads the small demo district and answers its scope path. */
export async function loadSmallDistrict(database: Database, cipher: FieldCipher): Promise<string> {
  await loadDemo(database, cipher, { size: 'small', seed: SEED, today: TODAY, profiles: false });
  return districtPath(database.db);
}

/** Starts an identity run as the command line would, waits for it and expects it completed. */
export async function completedRun(database: Database, cipher: FieldCipher, scope: string, body: RunRequest) {
  const service = createIdentityService(database, cipher);
  const started = await service.start(commandLineIdentityActor('tester', scope), body);
  await service.wait(started.id);
  const run = await service.readRun({ scopePath: scope }, started.id);
  expect(run.status, JSON.stringify(run.error)).toBe('completed');
  return { run, service };
}

/**
 * Undoes, latest first, the applied merges of an entity that came after `mergeId` (golden records written by later
 * runs, later decisions), so that `mergeId` is the latest and may itself be undone.
 */
export async function undoMergesAfter(
  database: Database,
  service: ReturnType<typeof createIdentityService>,
  actor: ReturnType<typeof commandLineIdentityActor>,
  entity: { type: ResolvedEntityType; id: number },
  mergeId: number,
): Promise<void> {
  for (;;) {
    const latest = await database.db
      .selectFrom('identity_entity_merge')
      .select('id')
      .where('entity_type', '=', entity.type)
      .where('entity_id', '=', entity.id)
      .where('status', '=', 'applied')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    if (Number(latest.id) === mergeId) return;
    await service.undoEntityMerge(actor, Number(latest.id), '先撤销后来的合并');
  }
}
