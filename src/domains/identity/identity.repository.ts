// SQL of the identity domain. Every function takes the database or the caller's transaction first; lists are
// bounded by the viewer's scope path (a prefix test on an indexed column).

import { sql } from 'kysely';
import { chunksOf } from '../../lib/chunks.ts';
import { scopeLikePattern } from '../../platform/auth/viewer.ts';
import type {
  Db,
  GoldenField,
  IdentityEntityType,
  IdentityEvidence,
  IdentityReviewDetail,
  SurvivorshipRuleKind,
} from '../../platform/db/index.ts';

const PAGE = 5000;

export interface SourceRecordRow {
  id: number;
  source: string;
  source_row: number;
  run_id: number;
  scope_path: string;
  street_code: string;
  grid_id: number | null;
  name: string | null;
  sex: string | null;
  birth_date: string | null;
  id_number_cipher: Uint8Array | null;
  phone_cipher: Uint8Array | null;
  address_cipher: Uint8Array | null;
  record_date: string | null;
  source_updated_at: Date | null;
  imported_at: Date;
}

/** Source person records in the scope, page by page (keyset on id) so a large district is read in pieces. */
export async function* sourceRecordsInScope(db: Db, scopePath: string): AsyncGenerator<SourceRecordRow[]> {
  let after = 0;
  for (;;) {
    const rows = await db
      .selectFrom('source_person')
      .select([
        'id',
        'source',
        'source_row',
        'run_id',
        'scope_path',
        'street_code',
        'grid_id',
        'name',
        'sex',
        'birth_date',
        'id_number_cipher',
        'phone_cipher',
        'address_cipher',
        'record_date',
        'source_updated_at',
        'imported_at',
      ])
      .where('scope_path', 'like', scopeLikePattern(scopePath))
      .where('id', '>', after)
      .orderBy('id')
      .limit(PAGE)
      .execute();
    if (rows.length === 0) return;
    yield rows as SourceRecordRow[];
    after = rows[rows.length - 1]!.id;
  }
}

export interface PlatformPersonRow {
  id: number;
  scope_path: string;
  name: string;
  sex: string;
  birth_date: string | null;
  id_number_cipher: Uint8Array | null;
  id_number_hash: Uint8Array | null;
  id_number_masked: string | null;
  phone_cipher: Uint8Array | null;
  phone_hash: Uint8Array | null;
  phone_masked: string | null;
  source: string;
  source_updated_at: Date | null;
  updated_at: Date;
  address: string | null;
}

export const PERSON_GOLDEN_COLUMNS = [
  'p.id',
  'p.scope_path',
  'p.name',
  'p.sex',
  'p.birth_date',
  'p.id_number_cipher',
  'p.id_number_hash',
  'p.id_number_masked',
  'p.phone_cipher',
  'p.phone_hash',
  'p.phone_masked',
  'p.source',
  'p.source_updated_at',
  'p.updated_at',
  'h.address as address',
] as const;

export async function* personsInScope(db: Db, scopePath: string): AsyncGenerator<PlatformPersonRow[]> {
  let after = 0;
  for (;;) {
    const rows = await db
      .selectFrom('person as p')
      .leftJoin('house as h', 'h.id', 'p.house_id')
      .select(PERSON_GOLDEN_COLUMNS)
      .where('p.scope_path', 'like', scopeLikePattern(scopePath))
      .where('p.id', '>', after)
      .orderBy('p.id')
      .limit(PAGE)
      .execute();
    if (rows.length === 0) return;
    yield rows as PlatformPersonRow[];
    after = rows[rows.length - 1]!.id;
  }
}

export async function findPlatformPerson(db: Db, id: number): Promise<PlatformPersonRow | undefined> {
  const row = await db
    .selectFrom('person as p')
    .leftJoin('house as h', 'h.id', 'p.house_id')
    .select(PERSON_GOLDEN_COLUMNS)
    .where('p.id', '=', id)
    .executeTakeFirst();
  return row as PlatformPersonRow | undefined;
}

export function findRun(db: Db, id: number) {
  return db.selectFrom('identity_run').selectAll().where('id', '=', id).executeTakeFirst();
}

export function runningRun(db: Db) {
  return db.selectFrom('identity_run').select('id').where('status', '=', 'running').executeTakeFirst();
}

/**
 * Marks as failed the runs still `running` that no live process carries: a run's work lives in the process that
 * started it, so one left running by a stopped or killed server would otherwise block every later run.
 */
export function failInterruptedRuns(
  db: Db,
  liveIds: readonly number[],
  error: { code: string; message: string },
) {
  let q = db
    .updateTable('identity_run')
    .set({ status: 'failed', stage: 'failed', error: JSON.stringify(error), finished_at: new Date() })
    .where('status', '=', 'running');
  if (liveIds.length > 0) q = q.where('id', 'not in', [...liveIds]);
  return q.returning('id').execute();
}

/** Runs of the viewer's area: their own subtree's runs and the runs that covered it. */
export function listRuns(db: Db, scopePath: string, limit: number, offset: number) {
  return db
    .selectFrom('identity_run')
    .selectAll()
    .where((eb) =>
      eb.or([
        eb('scope_path', 'like', scopeLikePattern(scopePath)),
        eb(sql.val(scopePath), 'like', sql<string>`scope_path || '%'`),
      ]),
    )
    .orderBy('id', 'desc')
    .limit(limit)
    .offset(offset)
    .execute();
}

export function decidedReviews(db: Db) {
  return (
    db
      .selectFrom('identity_review')
      .select(['left_ref', 'right_ref', 'status'])
      .where('status', 'in', ['confirmed', 'split'])
      // Decisions about pairs only: an unplaced record's or a household head's item names one record.
      .where('kind', 'in', ['pair', 'conflict'])
      .execute()
  );
}

export interface StoredPair {
  left_ref: string;
  right_ref: string;
  match_probability: number;
  match_weight: number;
  decision: 'match' | 'review' | 'non_match' | 'confirmed' | 'split';
  evidence: IdentityEvidence[];
}

export async function insertPairs(db: Db, runId: number, pairs: StoredPair[]) {
  for (let i = 0; i < pairs.length; i += 1000) {
    const chunk = pairs.slice(i, i + 1000);
    await db
      .insertInto('identity_pair')
      .values(chunk.map((p) => ({ ...p, run_id: runId, evidence: JSON.stringify(p.evidence) })))
      .execute();
  }
}

export async function insertClusterMembers(
  db: Db,
  runId: number,
  members: { ref: string; cluster_ref: string; person_id: number | null }[],
) {
  for (let i = 0; i < members.length; i += 2000) {
    await db
      .insertInto('identity_cluster_member')
      .values(members.slice(i, i + 2000).map((m) => ({ ...m, run_id: runId })))
      .execute();
  }
}

/** Puts the run's uncertain pairs in the queue; an open pair gets the latest scores, a decided one stays. */
export async function upsertReviews(
  db: Db,
  runId: number,
  pairs: (StoredPair & { scope_path: string })[],
  entityType: IdentityEntityType = 'person',
) {
  for (let i = 0; i < pairs.length; i += 500) {
    const chunk = pairs.slice(i, i + 500);
    await db
      .insertInto('identity_review')
      .values(
        chunk.map((p) => ({
          left_ref: p.left_ref,
          right_ref: p.right_ref,
          run_id: runId,
          match_probability: p.match_probability,
          match_weight: p.match_weight,
          evidence: JSON.stringify(p.evidence),
          scope_path: p.scope_path,
          entity_type: entityType,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['left_ref', 'right_ref']).doUpdateSet({
          run_id: runId,
          match_probability: (eb) => eb.ref('excluded.match_probability'),
          match_weight: (eb) => eb.ref('excluded.match_weight'),
          evidence: (eb) => eb.ref('excluded.evidence'),
          kind: 'pair',
          problem: null,
          status: sql`CASE WHEN identity_review.status = 'obsolete' THEN 'open' ELSE identity_review.status END`,
          updated_at: sql`now()`,
        }),
      )
      .execute();
  }
}

/** Open pairs of the scope and entity type that the latest run no longer finds uncertain leave the queue. */
/**
 * An entity run's conflicts (two platform rows of one entity) and unplaced register clusters, queued beside the
 * uncertain pairs with the reason; one that a reviewer already decided stays decided.
 */
export async function upsertProblemReviews(
  db: Db,
  runId: number,
  items: {
    kind: 'conflict' | 'unplaced' | 'household_head';
    left_ref: string;
    right_ref: string;
    problem: string;
    scope_path: string;
    detail?: IdentityReviewDetail;
    match_probability?: number;
    match_weight?: number;
    evidence?: IdentityEvidence[];
  }[],
  entityType: IdentityEntityType,
) {
  for (let i = 0; i < items.length; i += 500)
    await db
      .insertInto('identity_review')
      .values(
        items.slice(i, i + 500).map((p) => ({
          left_ref: p.left_ref,
          right_ref: p.right_ref,
          run_id: runId,
          match_probability: p.match_probability ?? 1,
          match_weight: p.match_weight ?? 0,
          evidence: JSON.stringify(p.evidence ?? []),
          scope_path: p.scope_path,
          entity_type: entityType,
          kind: p.kind,
          problem: p.problem,
          detail: p.detail ? JSON.stringify(p.detail) : null,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['left_ref', 'right_ref']).doUpdateSet({
          run_id: runId,
          kind: (eb) => eb.ref('excluded.kind'),
          problem: (eb) => eb.ref('excluded.problem'),
          // What a decided item recorded (the head chosen) stays beside the fresh candidates.
          detail: sql`CASE WHEN identity_review.detail IS NULL THEN excluded.detail
            ELSE identity_review.detail || coalesce(excluded.detail, '{}'::jsonb) END`,
          match_probability: (eb) => eb.ref('excluded.match_probability'),
          match_weight: (eb) => eb.ref('excluded.match_weight'),
          evidence: (eb) => eb.ref('excluded.evidence'),
          status: sql`CASE WHEN identity_review.status = 'obsolete' THEN 'open' ELSE identity_review.status END`,
          updated_at: sql`now()`,
        }),
      )
      .execute();
}

export function retireStaleReviews(
  db: Db,
  runId: number,
  scopePath: string,
  entityType: IdentityEntityType = 'person',
) {
  return (
    db
      .updateTable('identity_review')
      .set({ status: 'obsolete', updated_at: sql`now()` })
      .where('status', '=', 'open')
      .where('entity_type', '=', entityType)
      .where('run_id', '<>', runId)
      // A household's head item is raised once, when the run creates the household: later runs keep it open.
      .where('kind', '<>', 'household_head')
      .where('scope_path', 'like', scopeLikePattern(scopePath))
      .execute()
  );
}

export function listReviews(
  db: Db,
  scopePath: string,
  status: string,
  limit: number,
  offset: number,
  entityType: IdentityEntityType = 'person',
) {
  return db
    .selectFrom('identity_review')
    .selectAll()
    .where('entity_type', '=', entityType)
    .where('scope_path', 'like', scopeLikePattern(scopePath))
    .where('status', '=', status as 'open')
    .orderBy('match_probability', 'desc')
    .orderBy('id')
    .limit(limit)
    .offset(offset)
    .execute();
}

export async function countReviews(
  db: Db,
  scopePath: string,
  status: string,
  entityType: IdentityEntityType = 'person',
): Promise<number> {
  const row = await db
    .selectFrom('identity_review')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('entity_type', '=', entityType)
    .where('scope_path', 'like', scopeLikePattern(scopePath))
    .where('status', '=', status as 'open')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export function findReviewInScope(db: Db, scopePath: string, id: number) {
  return db
    .selectFrom('identity_review')
    .selectAll()
    .where('id', '=', id)
    .where('scope_path', 'like', scopeLikePattern(scopePath))
    .executeTakeFirst();
}

export interface SurvivorshipRuleRow {
  field: GoldenField;
  rule: SurvivorshipRuleKind;
  source_priority: string[];
}

export function survivorshipRules(db: Db): Promise<SurvivorshipRuleRow[]> {
  return db
    .selectFrom('identity_survivorship_rule')
    .select(['field', 'rule', 'source_priority'])
    .orderBy('field')
    .execute();
}

export function provenanceOf(db: Db, personId: number) {
  return db
    .selectFrom('identity_field_provenance')
    .selectAll()
    .where('person_id', '=', personId)
    .orderBy('field')
    .execute();
}

export function linksOfPersons(db: Db, personIds: number[]) {
  if (personIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('identity_link').selectAll().where('person_id', 'in', personIds).execute();
}

export function linksOfSourceRecords(db: Db, ids: number[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('identity_link').selectAll().where('source_person_id', 'in', ids).execute();
}

export function mergesOfPerson(db: Db, personId: number) {
  return db
    .selectFrom('identity_merge')
    .selectAll()
    .where('person_id', '=', personId)
    .orderBy('id', 'desc')
    .execute();
}

export function findMergeInScope(db: Db, scopePath: string, id: number) {
  return db
    .selectFrom('identity_merge')
    .selectAll()
    .where('id', '=', id)
    .where('scope_path', 'like', scopeLikePattern(scopePath))
    .executeTakeFirst();
}

export function sourceRecordsByIds(db: Db, ids: number[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('source_person as s')
    .innerJoin('ingest_source as src', 'src.name', 's.source')
    .select([
      's.id',
      's.source',
      'src.label as source_label',
      's.source_key',
      's.source_row',
      's.run_id',
      's.scope_path',
      's.name',
      's.sex',
      's.birth_date',
      's.id_number_masked',
      's.phone_masked',
      's.address_cipher',
      's.record_date',
      's.imported_at',
    ])
    .where('s.id', 'in', ids)
    .execute();
}

/** The first merge still in force of each person in the scope: its `previous` holds the platform's own values. */
export function firstAppliedMerges(db: Db, scopePath: string) {
  return db
    .selectFrom('identity_merge')
    .select(['person_id', 'created_person', 'previous'])
    .distinctOn('person_id')
    .where('status', '=', 'applied')
    .where('scope_path', 'like', scopeLikePattern(scopePath))
    .orderBy('person_id')
    .orderBy('id')
    .execute();
}

/** Field provenance of the persons in the scope. */
export function provenanceInScope(db: Db, scopePath: string) {
  return db
    .selectFrom('identity_field_provenance as f')
    .innerJoin('person as p', 'p.id', 'f.person_id')
    .select(['f.person_id', 'f.field', 'f.source', 'f.source_person_id', 'f.rule'])
    .where('p.scope_path', 'like', scopeLikePattern(scopePath))
    .execute();
}

/** Links of source records to the persons in the scope. */
export function linksInScope(db: Db, scopePath: string) {
  return db
    .selectFrom('identity_link as l')
    .innerJoin('person as p', 'p.id', 'l.person_id')
    .select(['l.source_person_id', 'l.person_id'])
    .where('p.scope_path', 'like', scopeLikePattern(scopePath))
    .execute();
}

/** Persons holding any of these ID numbers (blind indexes), in pieces of 1,000. */
export async function personsWithIdNumbers(db: Db, hashes: Uint8Array[]) {
  const out: { id: number; id_number_hash: Uint8Array | null }[] = [];
  for (let i = 0; i < hashes.length; i += 1000)
    out.push(
      ...(await db
        .selectFrom('person')
        .select(['id', 'id_number_hash'])
        .where('id_number_hash', 'in', hashes.slice(i, i + 1000))
        .execute()),
    );
  return out;
}

/** Every grid's path and street: where a person created from source records is placed. */
export function gridPlacements(db: Db) {
  return db.selectFrom('grid').select(['id', 'path', 'street_code']).execute();
}

/** Field provenance of these persons, with everything an undo puts back. */
export async function provenanceOfPersons(db: Db, personIds: number[]) {
  if (personIds.length === 0) return [];
  return db
    .selectFrom('identity_field_provenance')
    .selectAll()
    .where('person_id', 'in', personIds)
    .orderBy('person_id')
    .orderBy('field')
    .execute();
}

/** Links held by these persons or of these source records. */
export async function linksOfPersonsOrSourceRecords(db: Db, personIds: number[], sourceIds: number[]) {
  if (personIds.length === 0 && sourceIds.length === 0) return [];
  return db
    .selectFrom('identity_link')
    .selectAll()
    .where((eb) =>
      eb.or([
        ...(personIds.length > 0 ? [eb('person_id', 'in', personIds)] : []),
        ...(sourceIds.length > 0 ? [eb('source_person_id', 'in', sourceIds)] : []),
      ]),
    )
    .orderBy('source_person_id')
    .execute();
}

/** `n` ids drawn from a table's identity sequence, so a batch can insert rows that refer to each other. */
export async function nextIds(db: Db, table: 'person' | 'identity_merge', n: number): Promise<number[]> {
  if (n === 0) return [];
  const rows = await sql<{ id: string | number }>`
    SELECT nextval(pg_get_serial_sequence(${table}, 'id')) AS id FROM generate_series(1, ${n}::int)
    ORDER BY 1`.execute(db);
  return rows.rows.map((r) => Number(r.id));
}

export interface GoldenPersonColumns {
  name: string;
  sex: '1' | '2' | '9';
  birth_date: string | null;
  id_number_cipher: Uint8Array | null;
  id_number_hash: Uint8Array | null;
  id_number_masked: string | null;
  phone_cipher: Uint8Array | null;
  phone_hash: Uint8Array | null;
  phone_masked: string | null;
  source: string;
  source_updated_at: Date;
  updated_at: Date;
}

export interface GoldenPersonInsert extends GoldenPersonColumns {
  id: number;
  street_code: string;
  grid_id: number;
  scope_path: string;
  registration_type: 'household' | 'floating';
}

export interface GoldenPersonUpdate extends GoldenPersonColumns {
  id: number;
}

export async function insertGoldenPersons(db: Db, rows: GoldenPersonInsert[]) {
  for (let i = 0; i < rows.length; i += 1000)
    await db
      .insertInto('person')
      .values(rows.slice(i, i + 1000))
      .execute();
}

const UPDATED_COLUMNS = [
  'name',
  'sex',
  'birth_date',
  'id_number_cipher',
  'id_number_hash',
  'id_number_masked',
  'phone_cipher',
  'phone_hash',
  'phone_masked',
  'source',
  'source_updated_at',
  'updated_at',
] as const;

/**
 * Writes golden columns to many persons in one statement: the rows travel as one JSON parameter read by
 * json_populate_recordset (bytea as its hex text form), as the importer's batch upsert does.
 */
export async function updateGoldenPersons(db: Db, rows: GoldenPersonUpdate[]) {
  const hex = (b: Uint8Array | null) => (b ? `\\x${Buffer.from(b).toString('hex')}` : null);
  for (let i = 0; i < rows.length; i += 1000) {
    const json = JSON.stringify(
      rows.slice(i, i + 1000).map((r) => ({
        ...r,
        id_number_cipher: hex(r.id_number_cipher),
        id_number_hash: hex(r.id_number_hash),
        phone_cipher: hex(r.phone_cipher),
        phone_hash: hex(r.phone_hash),
      })),
    );
    await sql`
      UPDATE person AS p SET ${sql.raw(UPDATED_COLUMNS.map((c) => `${c} = b.${c}`).join(', '))}
      FROM json_populate_recordset(NULL::person, ${json}::json) AS b
      WHERE p.id = b.id`.execute(db);
  }
}

export interface MergeInsert {
  id: number;
  run_id: number;
  person_id: number;
  created_person: boolean;
  members: string[];
  previous: string;
  changed_fields: string[];
  scope_path: string;
}

export async function insertMerges(db: Db, rows: MergeInsert[]) {
  for (let i = 0; i < rows.length; i += 1000)
    await db
      .insertInto('identity_merge')
      .values(rows.slice(i, i + 1000))
      .execute();
}

export interface ProvenanceInsert {
  person_id: number;
  field: GoldenField;
  merge_id: number;
  source: string;
  source_person_id: number | null;
  source_row: number | null;
  import_run_id: number | null;
  rule: string;
  observed_at: string | null;
  value_cipher: Uint8Array | null;
  value_masked: string | null;
}

/** The persons' field provenance replaced by the new rows. */
export async function replaceProvenance(db: Db, personIds: number[], rows: ProvenanceInsert[]) {
  for (const ids of chunksOf(personIds, 1000))
    await db.deleteFrom('identity_field_provenance').where('person_id', 'in', ids).execute();
  for (const chunk of chunksOf(rows, 2000))
    await db.insertInto('identity_field_provenance').values(chunk).execute();
}

/** The links held by the persons or of the source records replaced by the new rows. */
export async function replaceLinks(
  db: Db,
  personIds: number[],
  sourceIds: number[],
  rows: { source_person_id: number; person_id: number; merge_id: number }[],
) {
  for (const ids of chunksOf(personIds, 1000))
    await db.deleteFrom('identity_link').where('person_id', 'in', ids).execute();
  for (const ids of chunksOf(sourceIds, 1000))
    await db.deleteFrom('identity_link').where('source_person_id', 'in', ids).execute();
  for (const chunk of chunksOf(rows, 3000)) await db.insertInto('identity_link').values(chunk).execute();
}

/** Marks a merge of persons or of entities undone, by whom and why. */
export function markMergeUndone(
  db: Db,
  table: 'identity_merge' | 'identity_entity_merge',
  mergeId: number,
  username: string,
  reason: string,
) {
  return db
    .updateTable(table)
    .set({ status: 'undone', undone_at: new Date(), undone_by: username, undo_reason: reason.trim() })
    .where('id', '=', mergeId)
    .execute();
}

/** A run finished: completed, with its figures and the model the engine fitted. */
export function completeRun(
  db: Db,
  runId: number,
  figures: {
    matches: number;
    reviews: number;
    clusters: number;
    persons_created: number;
    persons_updated: number;
    conflicts: number;
    unplaced: number;
    model: Record<string, unknown>;
  },
) {
  return db
    .updateTable('identity_run')
    .set({
      ...figures,
      model: JSON.stringify(figures.model),
      status: 'completed',
      stage: 'completed',
      finished_at: new Date(),
    })
    .where('id', '=', runId)
    .execute();
}
