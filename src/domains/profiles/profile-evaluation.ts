// One pass over the residents of a scope: derive the tags (with their evidence) and decide every policy, writing
// the tags and the eligibility cases batch by batch. A case is kept for everyone who qualifies, nearly qualifies or
// is excluded and receives nothing; a pending case whose resident no longer qualifies (or now receives the benefit)
// is kept and marked not_eligible, so nothing disappears from a worker's view without a trace. Cases a worker has
// already decided are left alone: a new run does not overturn a human decision.
import { sql } from 'kysely';
import { decidePolicy, quickDecide, type RuleDocument } from '../../lib/rules/index.ts';
import type { Database, Db } from '../../platform/db/index.ts';
import { RESIDENT_FIELDS, residentFacts } from './resident-fields.ts';
import { countResidents, type StreamOptions, streamResidents } from './resident-records.repository.ts';
import type { RuleSet } from './rule-set.repository.ts';

export interface RunOptions {
  scopePath: string;
  asOf: string;
  mode: 'full' | 'changed';
  kinds: ReadonlyArray<'tags' | 'eligibility'>;
  by: string;
  personIds?: number[];
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface RunSummary {
  runId: number;
  persons: number;
  seconds: number;
  personsPerSecond: number;
  tagCounts: Record<string, number>;
  policyCounts: Record<
    string,
    { eligibleUnserved: number; served: number; nearMiss: number; excluded: number }
  >;
  casesWritten: number;
}

async function lastRunStart(db: Db, scopePath: string): Promise<Date | null> {
  const row = await db
    .selectFrom('profile_run')
    .select('started_at')
    .where('scope_path', '=', scopePath)
    .where('finished_at', 'is not', null)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? new Date(row.started_at) : null;
}

export async function runProfiles(database: Database, rules: RuleSet, o: RunOptions): Promise<RunSummary> {
  const db = database.db;
  const started = new Date();
  const t0 = performance.now();
  const changedSince = o.mode === 'changed' ? await lastRunStart(db, o.scopePath) : null;
  const stream: StreamOptions = {
    scopePath: o.scopePath,
    asOf: o.asOf,
    batchSize: o.batchSize ?? 2000,
    changedSince,
    ...(o.personIds ? { personIds: o.personIds } : {}),
  };
  const total = await countResidents(db, stream);
  const run = await db
    .insertInto('profile_run')
    .values({
      kind: o.kinds.includes('eligibility') ? 'eligibility' : 'tags',
      scope_path: o.scopePath,
      rule_set_id: rules.id,
      as_of: o.asOf,
      mode: o.mode,
      counts: JSON.stringify({}),
      started_at: started,
      created_by: o.by,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const doc: RuleDocument = rules.document;
  const tagVersion = new Map(doc.tags.map((t) => [t.id, t.version]));
  const tagCounts: Record<string, number> = Object.fromEntries(doc.tags.map((t) => [t.id, 0]));
  const policyCounts: RunSummary['policyCounts'] = Object.fromEntries(
    doc.policies.map((p) => [p.id, { eligibleUnserved: 0, served: 0, nearMiss: 0, excluded: 0 }]),
  );
  let done = 0;
  let casesWritten = 0;
  const doTags = o.kinds.includes('tags');
  const doCases = o.kinds.includes('eligibility');
  for await (const batch of streamResidents(db, stream)) {
    const ids = batch.map((r) => r.id);
    const tagRows: Array<Record<string, unknown>> = [];
    const caseRows: Array<Record<string, unknown>> = [];
    const pending = doCases
      ? await db
          .selectFrom('eligibility_case')
          .select(['person_id', 'policy_id'])
          .where('person_id', 'in', ids)
          .where('review_state', '=', 'pending')
          .execute()
      : [];
    const pendingKeys = new Set(pending.map((c) => `${c.person_id}:${c.policy_id}`));
    for (const r of batch) {
      // Quick decisions first; the explanation tree is built only for the decisions kept as cases.
      const quick = quickDecide(doc, residentFacts(r.record, o.asOf), RESIDENT_FIELDS);
      for (const t of quick.tags) {
        tagCounts[t.tag] = (tagCounts[t.tag] ?? 0) + 1;
        tagRows.push({
          person_id: r.id,
          tag: t.tag,
          street_code: r.streetCode,
          scope_path: r.scopePath,
          rule_set_id: rules.id,
          rule_version: tagVersion.get(t.tag) ?? t.version,
          evidence: JSON.stringify(t.evidence),
          evaluated_at: started,
        });
      }
      doc.policies.forEach((policy, i) => {
        const status = quick.statuses[i]!;
        const served = r.record.receives.includes(policy.id);
        const counts = policyCounts[policy.id]!;
        if (status === 'eligible') served ? counts.served++ : counts.eligibleUnserved++;
        if (status === 'near_miss' && !served) counts.nearMiss++;
        if (status === 'excluded' && !served) counts.excluded++;
        const open = status !== 'not_eligible' && !served;
        if (!doCases || !(open || pendingKeys.has(`${r.id}:${policy.id}`))) return;
        const d = decidePolicy(policy, quick.facts, RESIDENT_FIELDS);
        caseRows.push({
          person_id: r.id,
          street_code: r.streetCode,
          scope_path: r.scopePath,
          grid_id: r.gridId,
          policy_id: d.policy,
          policy_version: d.version,
          rule_set_id: rules.id,
          run_id: run.id,
          status: open ? d.status : 'not_eligible',
          amount: d.amount,
          tier: d.tier,
          reasons: JSON.stringify(served ? ['已在享受该待遇'] : d.reasons),
          missing_data: d.missingData,
          explanation: JSON.stringify(d.explanation),
        });
      });
    }
    await db.transaction().execute(async (trx) => {
      if (doTags) {
        await trx.deleteFrom('profile_tag').where('person_id', 'in', ids).execute();
        for (let i = 0; i < tagRows.length; i += 1000)
          await trx
            .insertInto('profile_tag')
            .values(tagRows.slice(i, i + 1000) as never)
            .execute();
      }
      for (let i = 0; i < caseRows.length; i += 500) {
        await trx
          .insertInto('eligibility_case')
          .values(caseRows.slice(i, i + 500) as never)
          .onConflict((oc) =>
            oc
              .columns(['person_id', 'policy_id'])
              .doUpdateSet({
                policy_version: sql`excluded.policy_version`,
                rule_set_id: sql`excluded.rule_set_id`,
                run_id: sql`excluded.run_id`,
                status: sql`excluded.status`,
                amount: sql`excluded.amount`,
                tier: sql`excluded.tier`,
                reasons: sql`excluded.reasons`,
                missing_data: sql`excluded.missing_data`,
                explanation: sql`excluded.explanation`,
                updated_at: sql`now()`,
              })
              .where('eligibility_case.review_state', '=', 'pending'),
          )
          .execute();
      }
    });
    casesWritten += caseRows.length;
    done += batch.length;
    o.onProgress?.(done, total);
  }
  const seconds = (performance.now() - t0) / 1000;
  await db
    .updateTable('profile_run')
    .set({
      persons: done,
      counts: JSON.stringify({ tags: tagCounts, policies: policyCounts, casesWritten }),
      finished_at: new Date(),
    })
    .where('id', '=', run.id)
    .execute();
  return {
    runId: run.id,
    persons: done,
    seconds,
    personsPerSecond: seconds > 0 ? done / seconds : done,
    tagCounts,
    policyCounts,
    casesWritten,
  };
}
