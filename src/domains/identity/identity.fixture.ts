// What the identity tests share: the small demo district (seed 7) they run on, a run taken to completion, the
// ground-truth files of the demo exports read into reference → platform id, and a run's clusters scored against
// them. identity.test.ts (persons) and entity-resolution.test.ts (houses, households, organisations) use it.
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { expect } from 'vitest';
import { clusterPairScores } from '../../lib/linkage/evaluate.ts';
import type { FieldCipher } from '../../platform/crypto/field-cipher.ts';
import type { Database, Db } from '../../platform/db/index.ts';
import { loadDemo } from '../demo/index.ts';
import { districtPath } from '../ingest/index.ts';
import { commandLineIdentityActor } from './identity.routes.ts';
import { createIdentityService, type RunRequest } from './identity.service.ts';

export const TODAY = '2026-11-30';
export const SEED = 7;

/** Loads the small demo district and answers its scope path. */
export async function loadSmallDistrict(database: Database, cipher: FieldCipher): Promise<string> {
  await loadDemo(database, cipher, { size: 'small', seed: SEED, today: TODAY, profiles: false });
  return districtPath(database.db);
}

/**
 * A ground-truth CSV of the demo exports as a map from the staged records' references to the platform id they
 * truly are: `rows` are the staged records (id and the key columns), `prefix` their reference prefix.
 */
export function truthOfRecords(
  truthFile: string,
  keyColumns: readonly string[],
  idColumn: string,
  prefix: string,
  rows: readonly (Record<string, unknown> & { id: number | string })[],
): Map<string, number> {
  const key = (r: Record<string, unknown>) => keyColumns.map((c) => String(r[c])).join('\u0000');
  const truth = parse(readFileSync(truthFile), { columns: true }) as Record<string, string>[];
  const byKey = new Map(truth.map((t) => [key(t), Number(t[idColumn])]));
  const out = new Map<string, number>();
  for (const r of rows) {
    const id = byKey.get(key(r));
    if (id !== undefined) out.set(`${prefix}${r.id}`, id);
  }
  return out;
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
 * Pairwise precision and recall of a run's clusters: a platform row is its own truth, a source record the
 * platform id the ground truth gives (one it does not know stands alone).
 */
export async function scoreRun(db: Db, runId: number, truthOf: ReadonlyMap<string, number>) {
  const members = await db
    .selectFrom('identity_cluster_member')
    .select(['ref', 'cluster_ref'])
    .where('run_id', '=', runId)
    .execute();
  const clusterIds = new Map<string, number>();
  const clusterOf: number[] = [];
  const truth: (number | string)[] = [];
  for (const m of members) {
    if (!clusterIds.has(m.cluster_ref)) clusterIds.set(m.cluster_ref, clusterIds.size);
    clusterOf.push(clusterIds.get(m.cluster_ref)!);
    const known = truthOf.get(m.ref);
    truth.push(known ?? (m.ref.startsWith('s') ? m.ref : Number(m.ref.slice(m.ref.indexOf(':') + 1))));
  }
  return { records: members.length, ...clusterPairScores(clusterOf, truth) };
}
