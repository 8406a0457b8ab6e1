// A run's clusters scored against the ground truth of the demo exports: the identity tests and the linkage
// benchmark measure entity resolution the same way.
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { clusterPairScores } from '../../lib/linkage/evaluate.ts';
import type { Db } from '../../platform/db/index.ts';

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
