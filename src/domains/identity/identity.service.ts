// Entity resolution on the platform's own records. An identity run reads the imported person source records
// and the platform's persons of the scope, links them with the linkage engine in a worker thread (the server
// keeps answering meanwhile; the run row shows the pairs compared so far), stores the scored pairs with their
// evidence and the clusters, puts the uncertain pairs in the review queue and — unless told not to — writes
// one golden record per cluster to `person`, each field chosen by its survivorship rule and kept with its
// provenance. Every merge stores what it replaced and can be undone. Reviewers' decisions go back to the
// engine on every later run.
import { sql } from 'kysely';
import type { PairDecision } from '../../lib/linkage/engine.ts';
import { LinkageSettingsError } from '../../lib/linkage/settings.ts';
import { maskIdNumber, maskPhone } from '../../lib/masking.ts';
import type { RequestAuditEntry } from '../../platform/audit/request-audit.ts';
import { inScope, type Viewer } from '../../platform/auth/viewer.ts';
import type { FieldCipher } from '../../platform/crypto/field-cipher.ts';
import type {
  Database,
  Db,
  GoldenField,
  IdentityEntityType,
  ResolvedEntityType,
  SurvivorshipRuleKind,
} from '../../platform/db/index.ts';
import { AppError } from '../../platform/http/errors.ts';
import { ENTITY_KINDS, entitySettings } from './entity-kinds.ts';
import { createEntityResolution, type EntityOutcome, emptyEntityOutcome } from './entity-resolution.ts';
import {
  iso,
  maskValue,
  presentMerge,
  presentReview,
  presentRun,
  type RecordView,
} from './identity.presenter.ts';
import * as repo from './identity.repository.ts';
import { IDENTITY_COLUMNS, identitySettings } from './identity-settings.ts';
import { type LinkageSummary, LinkageWorkerError, runLinkageInWorker } from './linkage-job.ts';
import {
  type CandidateRecord,
  type ChosenValue,
  GOLDEN_FIELDS,
  goldenRecord,
  PLATFORM_SOURCE,
  type SurvivorshipRule,
} from './survivorship.ts';

/** Who acts: an HTTP request's viewer or the command line; either way each action is audited. */
export interface IdentityActor {
  username: string;
  scopePath: string;
  audit(db: Db, entry: RequestAuditEntry): Promise<void>;
}

export interface RunRequest {
  /** Write golden records to `person` after linking (default true). */
  apply?: boolean;
  /** Linkage settings laid over the defaults (see docs/linkage.md). */
  settings?: Record<string, unknown>;
  /** What the run resolves (default persons). */
  entityType?: IdentityEntityType;
}

/** Provenance and links as merges left them, read once per run. */
interface KnownState {
  provenance: Map<
    number,
    { field: GoldenField; source: string; source_person_id: number | null; rule: string }[]
  >;
  linkOf: Map<number, number>;
  linkCount: Map<number, number>;
}

/** One record handed to the engine, with what survivorship and placement need. */
interface LinkRecord {
  ref: string;
  scopePath: string;
  gridId: number | null;
  streetCode: string | null;
  /** What the engine compares: the record's current values. */
  linkValues: CandidateRecord['values'];
  /** What survivorship weighs: for a person already written by a merge, the platform's own values before it. */
  candidate: CandidateRecord;
  person: repo.PlatformPersonRow | null;
}

type Golden = Map<GoldenField, ChosenValue>;

/** Where a person created from source records alone is placed: the grid most of its records name. */
interface Placement {
  gridId: number;
  path: string;
  street: string;
}

/** One cluster's golden record, decided in memory before the batch that writes it. */
interface GoldenWrite {
  target: repo.PlatformPersonRow | null;
  placement: Placement | null;
  golden: Golden;
  members: number[];
  memberIds: number[];
  next: {
    name: string;
    sex: '1' | '2' | '9';
    birth_date: string | null;
    id_number: string | null;
    phone: string | null;
  };
  changed: string[];
  registration: 'household' | 'floating';
  /** The blind index of the golden ID number, and of the person's own one it replaces. */
  takes: string | null;
  frees: string | null;
}

interface GoldenOutcome {
  created: number;
  updated: number;
  conflicts: number;
  unplaced: number;
  mergedPersons: number[];
}

/**
 * Clusters written per transaction. One transaction per cluster made golden records the slow part of a run
 * (tens of statements per cluster); a batch writes its clusters in a handful of set-wise statements.
 */
const GOLDEN_BATCH = 500;

const b64 = (b: Uint8Array | null) => (b ? Buffer.from(b).toString('base64') : null);
const unb64 = (s: unknown) => (typeof s === 'string' ? new Uint8Array(Buffer.from(s, 'base64')) : null);
const dateOnly = (d: Date | string | null) => (d ? new Date(d).toISOString().slice(0, 10) : null);
const knownSex = (s: string | null) => (s === '1' || s === '2' ? s : null);

/** True when the stored provenance names, field for field, the same source record and rule as the new golden record. */
function provenanceMatches(
  golden: Golden,
  stored: ReadonlyArray<{
    field: string;
    source: string;
    source_person_id: number | string | null;
    rule: string;
  }>,
): boolean {
  return (
    stored.length === golden.size &&
    stored.every((p) => {
      const g = golden.get(p.field as GoldenField);
      return (
        g !== undefined &&
        g.from.source === p.source &&
        (g.from.sourcePersonId ?? null) ===
          (p.source_person_id === null ? null : Number(p.source_person_id)) &&
        g.rule === p.rule
      );
    })
  );
}

function orderedPair(x: string, y: string): [string, string] {
  return x < y ? [x, y] : [y, x];
}

export function createIdentityService(database: Database, cipher: FieldCipher) {
  const { db } = database;
  const inFlight = new Map<number, Promise<void>>();
  const open = (c: Uint8Array | null) => (c ? cipher.open(c) : null);
  const entities = createEntityResolution(db, cipher);

  async function rules(): Promise<SurvivorshipRule[]> {
    return (await repo.survivorshipRules(db)).map((r) => ({
      field: r.field,
      rule: r.rule,
      sourcePriority: r.source_priority,
    }));
  }

  /**
   * The platform's own values of persons that merges have written: the first merge still in force kept them in
   * `previous`. Without this a re-run would weigh the golden values as a new platform record and, being the
   * most recent, let them win over the sources they came from.
   */
  async function originalPlatformValues(scopePath: string) {
    const rows = await repo.firstAppliedMerges(db, scopePath);
    const out = new Map<number, { values: CandidateRecord['values']; observedAt: string | null } | null>();
    for (const m of rows) {
      const p = (m.previous as { person: Record<string, unknown> | null }).person;
      out.set(
        m.person_id,
        p && !m.created_person
          ? {
              observedAt: (p['source_updated_at'] as string | null) ?? null,
              values: {
                name: p['name'] as string,
                sex: knownSex(p['sex'] as string),
                birth_date: (p['birth_date'] as string | null) ?? null,
                id_number: open(unb64(p['id_number_cipher'])),
                phone: open(unb64(p['phone_cipher'])),
                address: null,
              },
            }
          : null,
      );
    }
    return out;
  }

  async function loadRecords(scopePath: string): Promise<LinkRecord[]> {
    const out: LinkRecord[] = [];
    const original = await originalPlatformValues(scopePath);
    for await (const page of repo.personsInScope(db, scopePath)) {
      for (const p of page) {
        const values = {
          name: p.name,
          sex: knownSex(p.sex),
          birth_date: p.birth_date,
          id_number: open(p.id_number_cipher),
          phone: open(p.phone_cipher),
          address: p.address,
        };
        const before = p.source === 'identity' ? original.get(p.id) : undefined;
        out.push({
          ref: `p:${p.id}`,
          scopePath: p.scope_path,
          gridId: null,
          streetCode: null,
          person: p,
          linkValues: values,
          candidate: {
            ref: `p:${p.id}`,
            source: PLATFORM_SOURCE,
            sourcePersonId: null,
            sourceRow: null,
            importRunId: null,
            observedAt:
              before === undefined ? iso(p.source_updated_at ?? p.updated_at) : (before?.observedAt ?? null),
            // A person a merge created has no platform values of its own; its house address still counts.
            values:
              before === undefined
                ? values
                : before === null
                  ? { address: p.address }
                  : { ...before.values, address: p.address },
          },
        });
      }
    }
    for await (const page of repo.sourceRecordsInScope(db, scopePath)) {
      for (const s of page) {
        const values = {
          name: s.name,
          sex: knownSex(s.sex),
          birth_date: s.birth_date,
          id_number: open(s.id_number_cipher),
          phone: open(s.phone_cipher),
          address: open(s.address_cipher),
        };
        out.push({
          linkValues: values,
          ref: `sp:${s.id}`,
          scopePath: s.scope_path,
          gridId: s.grid_id,
          streetCode: s.street_code,
          person: null,
          candidate: {
            ref: `sp:${s.id}`,
            source: s.source,
            sourcePersonId: Number(s.id),
            sourceRow: s.source_row,
            importRunId: Number(s.run_id),
            observedAt: s.record_date
              ? `${s.record_date}T00:00:00.000Z`
              : iso(s.source_updated_at ?? s.imported_at),
            values,
          },
        });
      }
    }
    return out;
  }

  async function setRun(id: number, values: Record<string, unknown>) {
    await db.updateTable('identity_run').set(values).where('id', '=', id).execute();
  }

  /**
   * At server start: the runs a previous process left `running` (it stopped or was killed mid-run) are marked
   * failed with the reason, so that they no longer block new runs. Runs this process carries are left alone.
   * Answers the ids marked.
   */
  async function failInterrupted(): Promise<number[]> {
    const rows = await repo.failInterruptedRuns(db, [...inFlight.keys()], {
      code: 'INTERRUPTED',
      message:
        '服务在该批次完成前停止，批次已标记为失败，请重新运行 (the server stopped before this run finished)',
    });
    return rows.map((r) => Number(r.id));
  }

  /**
   * Starts a run in the background and returns it at once; `wait` resolves when it has finished. `prepare`
   * runs first inside the run (the demo imports its department exports there), told how to show its stage.
   */
  async function start(
    actor: IdentityActor,
    body: RunRequest,
    options: { prepare?: (showStage: (stage: string) => Promise<void>) => Promise<void> } = {},
  ) {
    const entityType = body.entityType ?? 'person';
    let settings: ReturnType<typeof identitySettings>;
    try {
      settings =
        entityType === 'person'
          ? identitySettings(body.settings ?? {})
          : entitySettings(entityType, body.settings ?? {});
    } catch (error) {
      if (error instanceof LinkageSettingsError)
        throw new AppError('IDENTITY_SETTINGS_INVALID', [
          { field: `/settings/${error.path}`, message: error.message, messageEn: error.message },
        ]);
      throw error;
    }
    if (await repo.runningRun(db)) throw new AppError('IDENTITY_RUN_BUSY');
    const run = await db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('identity_run')
        .values({
          status: 'running',
          scope_path: actor.scopePath,
          apply_golden: body.apply ?? true,
          settings: JSON.stringify(settings),
          model: JSON.stringify({}),
          started_by: actor.username,
          entity_type: entityType,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await actor.audit(trx, {
        action: 'identity.run',
        entityType: 'identity_run',
        entityIds: [row.id],
        details: { scopePath: actor.scopePath, apply: body.apply ?? true, entityType },
      });
      return row;
    });
    const id = Number(run.id);
    const prepared = options.prepare ? options.prepare((stage) => setRun(id, { stage })) : Promise.resolve();
    const work = prepared
      .then(() => execute(actor, id, settings, body.apply ?? true, entityType))
      .catch(async (error: Error) => {
        const code = error instanceof LinkageWorkerError ? 'LINKAGE_FAILED' : 'INTERNAL';
        await setRun(id, {
          status: 'failed',
          stage: 'failed',
          error: JSON.stringify({ code, message: error.message }),
          finished_at: new Date(),
        });
      })
      .finally(() => inFlight.delete(id));
    inFlight.set(id, work);
    return presentRun(run);
  }

  /**
   * Links the run's records in a worker (with the reviewers' decisions), stores the scored pairs with their
   * evidence and puts the uncertain ones in the entity type's review queue.
   */
  async function linkAndStore(
    actor: IdentityActor,
    runId: number,
    settings: ReturnType<typeof identitySettings>,
    entityType: IdentityEntityType,
    records: readonly {
      ref: string;
      scopePath: string;
      linkValues: Partial<Record<string, string | null>>;
    }[],
    columns: readonly string[],
  ): Promise<LinkageSummary> {
    const index = new Map(records.map((r, i) => [r.ref, i]));
    const decisions: PairDecision[] = [];
    for (const d of await repo.decidedReviews(db)) {
      const a = index.get(d.left_ref);
      const b = index.get(d.right_ref);
      if (a !== undefined && b !== undefined)
        decisions.push({ a, b, decision: d.status === 'confirmed' ? 'confirm' : 'split' });
    }
    await setRun(runId, { records: records.length, decisions: decisions.length, stage: 'linking' });

    let summary: LinkageSummary;
    if (records.length < 2) {
      summary = {
        records: records.length,
        candidatePairs: 0,
        matches: 0,
        reviews: 0,
        clusters: records.length,
        clusterOf: Int32Array.from(records, (_, i) => i),
        pairs: [],
        model: {},
      };
    } else {
      // Progress writes are chained so they land in order and never overlap.
      let progressWrite: Promise<void> = Promise.resolve();
      let lastWrite = 0;
      summary = await runLinkageInWorker(
        {
          columns: Object.fromEntries(columns.map((c) => [c, records.map((r) => r.linkValues[c] ?? '')])),
          ids: records.map((r) => r.ref),
          settings,
          decisions,
        },
        (m) => {
          const now = Date.now();
          const values: Record<string, unknown> = {};
          if (m.stage) values['stage'] = m.stage;
          if (m.total !== undefined) {
            if (m.done !== m.total && now - lastWrite < 250) return;
            values['pairs_total'] = m.total;
            values['pairs_compared'] = m.done;
          }
          lastWrite = now;
          progressWrite = progressWrite.then(() => setRun(runId, values)).catch(() => {});
        },
      );
      await progressWrite;
    }

    await setRun(runId, { stage: 'storing pairs', pairs_total: summary.candidatePairs });
    const stored = summary.pairs.map((p) => {
      const [left, right] = orderedPair(records[p.a]!.ref, records[p.b]!.ref);
      return {
        left_ref: left,
        right_ref: right,
        match_probability: p.probability,
        match_weight: p.weight,
        decision: p.decision,
        evidence: p.evidence,
      };
    });
    await repo.insertPairs(db, runId, stored);
    const scopeOf = new Map(records.map((r) => [r.ref, r.scopePath]));
    await repo.upsertReviews(
      db,
      runId,
      stored
        .filter((p) => p.decision === 'review')
        .map((p) => ({ ...p, scope_path: scopeOf.get(p.left_ref)! })),
      entityType,
    );
    await repo.retireStaleReviews(db, runId, actor.scopePath, entityType);
    return summary;
  }

  async function execute(
    actor: IdentityActor,
    runId: number,
    settings: ReturnType<typeof identitySettings>,
    apply: boolean,
    entityType: IdentityEntityType,
  ) {
    if (entityType !== 'person') return executeEntities(actor, runId, settings, apply, entityType);
    await setRun(runId, { stage: 'loading records' });
    const records = await loadRecords(actor.scopePath);
    const summary = await linkAndStore(actor, runId, settings, 'person', records, IDENTITY_COLUMNS);

    const clusters = clustersOf(summary);
    const personOfRecord = new Map<number, number | null>();
    const outcome: GoldenOutcome = { created: 0, updated: 0, conflicts: 0, unplaced: 0, mergedPersons: [] };
    if (apply) {
      await setRun(runId, { stage: 'writing golden records' });
      await applyGolden(actor.scopePath, runId, records, clusters, personOfRecord, outcome);
    } else {
      for (const members of clusters.values()) {
        const persons = members.filter((i) => records[i]!.person);
        const id = persons.length === 1 ? records[persons[0]!]!.person!.id : null;
        for (const i of members) personOfRecord.set(i, id);
      }
    }
    await repo.insertClusterMembers(
      db,
      runId,
      records.map((r, i) => ({
        ref: r.ref,
        cluster_ref: records[summary.clusterOf[i]!]!.ref,
        person_id: personOfRecord.get(i) ?? null,
      })),
    );
    await completeRun(
      actor,
      runId,
      summary,
      clusters.size,
      outcome,
      outcome.mergedPersons.length === 0
        ? null
        : {
            action: 'person.update',
            entityType: 'person',
            entityIds: outcome.mergedPersons.slice(0, 1000),
            details: {
              identityRun: runId,
              created: outcome.created,
              updated: outcome.updated,
              persons: outcome.mergedPersons.length,
            },
          },
    );
  }

  /** The linked records' clusters: cluster id → the indices of its records. */
  function clustersOf(summary: LinkageSummary) {
    const clusters = new Map<number, number[]>();
    summary.clusterOf.forEach((c, i) => {
      const list = clusters.get(c);
      if (list) list.push(i);
      else clusters.set(c, [i]);
    });
    return clusters;
  }

  /**
   * Marks a run completed with its figures, and audits what it wrote (persons or entities) in the same
   * transaction, so a completed run always has its audit entry.
   */
  async function completeRun(
    actor: IdentityActor,
    runId: number,
    summary: LinkageSummary,
    clusters: number,
    outcome: { created: number; updated: number; conflicts: number; unplaced: number },
    audit: RequestAuditEntry | null,
  ) {
    await db.transaction().execute(async (trx) => {
      await repo.completeRun(trx, runId, {
        matches: summary.matches,
        reviews: summary.reviews,
        clusters,
        persons_created: outcome.created,
        persons_updated: outcome.updated,
        conflicts: outcome.conflicts,
        unplaced: outcome.unplaced,
        model: summary.model,
      });
      if (audit) await actor.audit(trx, audit);
    });
  }

  /** A run over houses, households or organisations: same linking and queue, the type's own golden records. */
  async function executeEntities(
    actor: IdentityActor,
    runId: number,
    settings: ReturnType<typeof identitySettings>,
    apply: boolean,
    entityType: ResolvedEntityType,
  ) {
    await setRun(runId, { stage: 'loading records' });
    const records = await entities.load(entityType, actor.scopePath);
    const summary = await linkAndStore(
      actor,
      runId,
      settings,
      entityType,
      records,
      ENTITY_KINDS[entityType].columns,
    );
    const clusters = clustersOf(summary);
    const entityOfRecord = new Map<number, number | null>();
    let outcome: EntityOutcome = emptyEntityOutcome();
    if (apply) {
      await setRun(runId, { stage: 'writing golden records' });
      // A record the engine is unsure about (a pair in review) waits for the reviewer before a row is created.
      const inReview = new Set(
        summary.pairs.filter((p) => p.decision === 'review').flatMap((p) => [p.a, p.b]),
      );
      outcome = await entities.applyGolden(
        entityType,
        actor.scopePath,
        runId,
        records,
        clusters,
        entityOfRecord,
        inReview,
      );
      // A conflict shows the evidence of its two rows' pair where the engine compared them.
      const pairOf = new Map(
        summary.pairs.map((p) => [orderedPair(records[p.a]!.ref, records[p.b]!.ref).join(' '), p]),
      );
      await repo.upsertProblemReviews(
        db,
        runId,
        outcome.reviewItems.map((item) => {
          const pair = pairOf.get(`${item.left_ref} ${item.right_ref}`);
          return pair
            ? {
                ...item,
                match_probability: pair.probability,
                match_weight: pair.weight,
                evidence: pair.evidence,
              }
            : item;
        }),
        entityType,
      );
    } else
      for (const members of clusters.values()) {
        const platform = members.filter((i) => records[i]!.platformId !== null);
        const id = platform.length === 1 ? records[platform[0]!]!.platformId : null;
        for (const i of members) entityOfRecord.set(i, id);
      }
    await repo.insertClusterMembers(
      db,
      runId,
      records.map((r, i) => ({
        ref: r.ref,
        cluster_ref: records[summary.clusterOf[i]!]!.ref,
        person_id: entityOfRecord.get(i) ?? null,
      })),
    );
    // How created rows were placed and linked goes beside the model in the run's figures.
    const created = outcome.createdFigures;
    await completeRun(
      actor,
      runId,
      Object.keys(created).length === 0 ? summary : { ...summary, model: { ...summary.model, created } },
      clusters.size,
      outcome,
      outcome.changedEntities.length === 0
        ? null
        : {
            action: `${entityType}.update`,
            entityType,
            entityIds: outcome.changedEntities.slice(0, 1000),
            details: {
              identityRun: runId,
              updated: outcome.updated,
              created: outcome.created,
              figures: created,
            },
          },
    );
  }

  async function applyGolden(
    scopeOfRun: string,
    runId: number,
    records: LinkRecord[],
    clusters: Map<number, number[]>,
    personOfRecord: Map<number, number | null>,
    outcome: GoldenOutcome,
  ) {
    const fieldRules = await rules();
    // Who holds each ID number now, so a golden ID number never collides with another person's.
    const holder = new Map<string, number>();
    for (const r of records)
      if (r.person?.id_number_hash) holder.set(b64(r.person.id_number_hash)!, r.person.id);
    // What merges wrote before, read once: a cluster whose golden record would not change is skipped without
    // a query, which keeps a re-run over unchanged records cheap.
    const known: KnownState = { provenance: new Map(), linkOf: new Map(), linkCount: new Map() };
    for (const p of await repo.provenanceInScope(db, scopeOfRun)) {
      const list = known.provenance.get(p.person_id);
      if (list) list.push(p);
      else known.provenance.set(p.person_id, [p]);
    }
    for (const l of await repo.linksInScope(db, scopeOfRun)) {
      known.linkOf.set(Number(l.source_person_id), l.person_id);
      known.linkCount.set(l.person_id, (known.linkCount.get(l.person_id) ?? 0) + 1);
    }

    // Golden values of every cluster with source records, then the holders of their ID numbers outside the
    // run's records and the grids that place new persons, each in one query instead of one per cluster.
    const goldenOf = new Map<number[], Golden>();
    const lookup = new Map<string, Uint8Array>();
    for (const members of clusters.values()) {
      if (members.every((i) => records[i]!.person)) continue;
      const golden = goldenRecord(
        fieldRules,
        members.map((i) => records[i]!.candidate),
      );
      goldenOf.set(members, golden);
      const idNumber = golden.get('id_number')?.value;
      if (idNumber) {
        const hash = cipher.blindIndex(idNumber);
        const key = b64(hash)!;
        if (!holder.has(key)) lookup.set(key, hash);
      }
    }
    for (const p of await repo.personsWithIdNumbers(db, [...lookup.values()]))
      if (p.id_number_hash) holder.set(b64(p.id_number_hash)!, p.id);
    const gridPaths = new Map(
      (await repo.gridPlacements(db)).map((g) => [g.id, { path: g.path, street: g.street_code }]),
    );
    // A person an earlier run created from source records alone has no platform values to link on; its source
    // records find it again through their links, unless its own record joined other records this time.
    const recordOfPerson = new Map<number, number>();
    records.forEach((r, i) => {
      if (r.person) recordOfPerson.set(r.person.id, i);
    });
    const clusterOfRecord = new Map<number, number[]>();
    for (const members of clusters.values()) for (const i of members) clusterOfRecord.set(i, members);
    const adopted = new Set<number>();

    let batch: GoldenWrite[] = [];
    // ID numbers that a write of the open batch takes from a person: a later write that would give one of
    // them to another person waits for the next batch, so one statement never holds an ID number twice.
    let freed = new Set<string>();
    let planned = 0;
    let pending = 0;
    const flush = async () => {
      if (batch.length === 0) return;
      const written = await writeGoldenBatch(runId, batch, records, known);
      batch.forEach((w, k) => {
        const personId = written[k] ?? null;
        for (const i of w.members) personOfRecord.set(i, personId ?? w.target?.id ?? null);
        if (personId !== null) {
          outcome.mergedPersons.push(personId);
          if (w.target) outcome.updated++;
          else outcome.created++;
        }
      });
      pending += batch.length;
      batch = [];
      freed = new Set();
      await setRun(runId, { stage: `writing golden records ${pending}/${planned}` });
    };

    const writes: GoldenWrite[] = [];
    for (const members of clusters.values()) {
      const sourceMembers = members.filter((i) => !records[i]!.person);
      const personMembers = members.filter((i) => records[i]!.person);
      const setAll = (id: number | null) => {
        for (const i of members) personOfRecord.set(i, id);
      };
      if (personMembers.length > 1) {
        outcome.conflicts++;
        setAll(null);
        continue;
      }
      let target = personMembers.length === 1 ? records[personMembers[0]!]!.person! : null;
      if (sourceMembers.length === 0) {
        setAll(target?.id ?? null);
        continue;
      }
      if (!target) {
        const linked = new Set(
          sourceMembers.map((i) => known.linkOf.get(records[i]!.candidate.sourcePersonId!) ?? null),
        );
        const [only] = linked;
        const own = only != null && linked.size === 1 ? recordOfPerson.get(only) : undefined;
        if (own !== undefined && clusterOfRecord.get(own)!.length === 1 && !adopted.has(only!)) {
          adopted.add(only!);
          target = records[own]!.person;
        }
      }
      const golden = goldenOf.get(members)!;
      const idNumber = golden.get('id_number')?.value ?? null;
      const idKey = idNumber ? b64(cipher.blindIndex(idNumber)) : null;
      if (idKey) {
        const owner = holder.get(idKey);
        if (owner !== undefined && owner !== target?.id) {
          outcome.conflicts++;
          setAll(null);
          continue;
        }
      }
      let placement: Placement | null = null;
      if (!target) {
        const counts = new Map<number, number>();
        for (const i of sourceMembers) {
          const g = records[i]!.gridId;
          if (g !== null) counts.set(g, (counts.get(g) ?? 0) + 1);
        }
        const gridId = [...counts.entries()].sort((x, y) => y[1] - x[1] || x[0] - y[0])[0]?.[0];
        const grid = gridId === undefined ? undefined : gridPaths.get(gridId);
        if (gridId === undefined || !grid) {
          outcome.unplaced++;
          setAll(null);
          continue;
        }
        placement = { gridId, ...grid };
      }
      const write = planGolden(target, placement, golden, records, members, sourceMembers, known);
      if (!write) {
        setAll(target?.id ?? null);
        continue;
      }
      writes.push(write);
      // Until the batch is written a new person has no id; any id other than an existing person's will do to
      // keep its ID number from a later cluster.
      if (idKey) holder.set(idKey, target?.id ?? -writes.length);
      const oldKey = target?.id_number_hash ? b64(target.id_number_hash)! : null;
      if (oldKey && oldKey !== idKey) {
        holder.delete(oldKey);
        write.frees = oldKey;
      }
      write.takes = idKey;
    }
    planned = writes.length;
    for (const w of writes) {
      if (w.takes && freed.has(w.takes)) await flush();
      batch.push(w);
      if (w.frees) freed.add(w.frees);
      if (batch.length >= GOLDEN_BATCH) await flush();
    }
    await flush();
  }

  /**
   * What one cluster's golden record would write, or null when nothing would change (a re-run over the same
   * records writes nothing) or the golden name cannot be a person's name.
   */
  function planGolden(
    target: repo.PlatformPersonRow | null,
    placement: Placement | null,
    golden: Golden,
    records: LinkRecord[],
    members: number[],
    sourceMembers: number[],
    known: KnownState,
  ): GoldenWrite | null {
    const value = (f: GoldenField) => golden.get(f)?.value ?? null;
    const memberIds = sourceMembers.map((i) => records[i]!.candidate.sourcePersonId!);
    const name = value('name') ?? target?.name ?? '';
    if (name === '' || name.length > 64) return null;
    const next = {
      name,
      sex: (knownSex(value('sex')) ?? target?.sex ?? '9') as '1' | '2' | '9',
      birth_date: value('birth_date') ?? target?.birth_date ?? null,
      id_number: value('id_number'),
      phone: value('phone'),
    };
    const currentId = target ? open(target.id_number_cipher) : null;
    const currentPhone = target ? open(target.phone_cipher) : null;
    const changed: string[] = [];
    if (!target || target.name !== next.name) changed.push('name');
    if (!target || target.sex !== next.sex) changed.push('sex');
    if (!target || target.birth_date !== next.birth_date) changed.push('birth_date');
    if (next.id_number !== null && next.id_number !== currentId) changed.push('id_number');
    if (next.phone !== null && next.phone !== currentPhone) changed.push('phone');

    if (target && changed.length === 0) {
      const prov = known.provenance.get(target.id) ?? [];
      const sameProvenance = provenanceMatches(golden, prov);
      const linkedHere = memberIds.every((id) => known.linkOf.get(id) === target.id);
      if (sameProvenance && linkedHere && (known.linkCount.get(target.id) ?? 0) === memberIds.length)
        return null;
    }
    return {
      target,
      placement,
      golden,
      members,
      memberIds,
      next,
      changed,
      registration: sourceMembers.some((i) => records[i]!.candidate.source === 'police')
        ? 'household'
        : 'floating',
      takes: null,
      frees: null,
    };
  }

  /**
   * Writes a batch of golden records in one transaction and a handful of statements: new persons, updated
   * persons, one merge per person remembering what it replaced, the provenance of every field and the links of
   * the source records. What each merge replaced is read inside the transaction; a write that would change
   * nothing there is dropped (null in the answer), else the answer holds the person's id.
   */
  async function writeGoldenBatch(
    runId: number,
    writes: GoldenWrite[],
    records: LinkRecord[],
    known: KnownState,
  ): Promise<(number | null)[]> {
    return db.transaction().execute(async (trx) => {
      const targets = writes.flatMap((w) => (w.target ? [w.target.id] : []));
      const provenanceOf = new Map<number, Awaited<ReturnType<typeof repo.provenanceOfPersons>>>();
      for (const p of await repo.provenanceOfPersons(trx, targets)) {
        const list = provenanceOf.get(p.person_id);
        if (list) list.push(p);
        else provenanceOf.set(p.person_id, [p]);
      }
      const links = await repo.linksOfPersonsOrSourceRecords(
        trx,
        targets,
        writes.flatMap((w) => w.memberIds),
      );
      const linksOfPerson = new Map<number, typeof links>();
      const linkOfSource = new Map<number, (typeof links)[number]>();
      for (const l of links) {
        linkOfSource.set(Number(l.source_person_id), l);
        const list = linksOfPerson.get(l.person_id);
        if (list) list.push(l);
        else linksOfPerson.set(l.person_id, [l]);
      }
      // A link belongs to the first write of the batch that replaces it, as if the writes ran one by one.
      const claimed = new Set<number>();
      const todo: { w: GoldenWrite; k: number; previous: unknown }[] = [];
      const answer: (number | null)[] = writes.map(() => null);
      writes.forEach((w, k) => {
        const target = w.target;
        const oldProvenance = target ? (provenanceOf.get(target.id) ?? []) : [];
        const linkOf = new Map<number, (typeof links)[number]>();
        for (const l of [
          ...(target ? (linksOfPerson.get(target.id) ?? []) : []),
          ...w.memberIds.flatMap((id) => linkOfSource.get(id) ?? []),
        ])
          if (!claimed.has(Number(l.source_person_id))) linkOf.set(Number(l.source_person_id), l);
        const linksSame =
          target !== null &&
          linkOf.size === w.memberIds.length &&
          [...linkOf.values()].every(
            (l) => l.person_id === target.id && w.memberIds.includes(Number(l.source_person_id)),
          );
        if (target && w.changed.length === 0 && provenanceMatches(w.golden, oldProvenance) && linksSame)
          return;
        for (const id of linkOf.keys()) claimed.add(id);
        todo.push({
          w,
          k,
          previous: {
            person: target
              ? {
                  name: target.name,
                  sex: target.sex,
                  birth_date: target.birth_date,
                  id_number_cipher: b64(target.id_number_cipher),
                  id_number_hash: b64(target.id_number_hash),
                  id_number_masked: target.id_number_masked,
                  phone_cipher: b64(target.phone_cipher),
                  phone_hash: b64(target.phone_hash),
                  phone_masked: target.phone_masked,
                  source: target.source,
                  source_updated_at: iso(target.source_updated_at),
                }
              : null,
            provenance: oldProvenance.map((p) => ({ ...p, value_cipher: b64(p.value_cipher) })),
            links: [...linkOf.values()],
          },
        });
      });
      if (todo.length === 0) return answer;

      const newIds = await repo.nextIds(trx, 'person', todo.filter((t) => !t.w.target).length);
      const mergeIds = await repo.nextIds(trx, 'identity_merge', todo.length);
      const now = new Date();
      const inserts: repo.GoldenPersonInsert[] = [];
      const updates: repo.GoldenPersonUpdate[] = [];
      const merges: repo.MergeInsert[] = [];
      const provenance: repo.ProvenanceInsert[] = [];
      const newLinks: { source_person_id: number; person_id: number; merge_id: number }[] = [];
      todo.forEach(({ w, k, previous }, n) => {
        const { target, next } = w;
        const columns = {
          name: next.name,
          sex: next.sex,
          birth_date: next.birth_date,
          ...(next.id_number !== null
            ? {
                id_number_cipher: cipher.seal(next.id_number),
                id_number_hash: cipher.blindIndex(next.id_number),
                id_number_masked: maskIdNumber(next.id_number),
              }
            : {
                id_number_cipher: target?.id_number_cipher ?? null,
                id_number_hash: target?.id_number_hash ?? null,
                id_number_masked: target?.id_number_masked ?? null,
              }),
          ...(next.phone !== null
            ? {
                phone_cipher: cipher.seal(next.phone),
                phone_hash: cipher.blindIndex(next.phone),
                phone_masked: maskPhone(next.phone),
              }
            : {
                phone_cipher: target?.phone_cipher ?? null,
                phone_hash: target?.phone_hash ?? null,
                phone_masked: target?.phone_masked ?? null,
              }),
          source: 'identity',
          source_updated_at: now,
          updated_at: now,
        };
        let personId: number;
        let scopePath: string;
        if (target) {
          personId = target.id;
          scopePath = target.scope_path;
          updates.push({ id: personId, ...columns });
        } else {
          personId = newIds.shift()!;
          scopePath = w.placement!.path;
          inserts.push({
            id: personId,
            ...columns,
            street_code: w.placement!.street,
            grid_id: w.placement!.gridId,
            scope_path: scopePath,
            registration_type: w.registration,
          });
        }
        const mergeId = mergeIds[n]!;
        merges.push({
          id: mergeId,
          run_id: runId,
          person_id: personId,
          created_person: target === null,
          members: w.members.map((i) => records[i]!.ref),
          previous: JSON.stringify(previous),
          changed_fields: w.changed,
          scope_path: scopePath,
        });
        for (const g of w.golden.values())
          provenance.push({
            person_id: personId,
            field: g.field,
            merge_id: mergeId,
            source: g.from.source,
            source_person_id: g.from.sourcePersonId,
            source_row: g.from.sourceRow,
            import_run_id: g.from.importRunId,
            rule: g.rule,
            observed_at: g.from.observedAt,
            value_cipher: cipher.seal(g.value),
            value_masked: maskValue(g.field, g.value),
          });
        for (const id of w.memberIds)
          newLinks.push({ source_person_id: id, person_id: personId, merge_id: mergeId });
        answer[k] = personId;
      });
      await repo.insertGoldenPersons(trx, inserts);
      await repo.updateGoldenPersons(trx, updates);
      await repo.insertMerges(trx, merges);
      const written = todo.map(({ k }) => answer[k]!);
      await repo.replaceProvenance(trx, written, provenance);
      await repo.replaceLinks(
        trx,
        written,
        todo.flatMap(({ w }) => w.memberIds),
        newLinks,
      );
      for (const l of newLinks) {
        const before = known.linkOf.get(l.source_person_id);
        if (before !== undefined) known.linkCount.set(before, (known.linkCount.get(before) ?? 1) - 1);
        known.linkOf.set(l.source_person_id, l.person_id);
      }
      for (const personId of written) known.linkCount.set(personId, 0);
      for (const l of newLinks) known.linkCount.set(l.person_id, known.linkCount.get(l.person_id)! + 1);
      return answer;
    });
  }

  async function wait(runId: number) {
    await inFlight.get(runId);
  }

  async function readRun(viewer: { scopePath: string }, id: number) {
    const run = await repo.findRun(db, id);
    if (!run || !(run.scope_path.startsWith(viewer.scopePath) || viewer.scopePath.startsWith(run.scope_path)))
      throw new AppError('IDENTITY_RUN_NOT_FOUND');
    return presentRun(run);
  }

  async function listRuns(viewer: { scopePath: string }, limit: number, offset: number) {
    return (await repo.listRuns(db, viewer.scopePath, limit, offset)).map(presentRun);
  }

  async function runPairs(
    viewer: { scopePath: string },
    id: number,
    q: { decision?: string; limit: number; offset: number },
  ) {
    await readRun(viewer, id);
    let query = db.selectFrom('identity_pair').selectAll().where('run_id', '=', id);
    if (q.decision) query = query.where('decision', '=', q.decision as 'match');
    const rows = await query
      .orderBy('match_probability', 'desc')
      .orderBy('left_ref')
      .orderBy('right_ref')
      .limit(q.limit)
      .offset(q.offset)
      .execute();
    return rows.map((r) => ({
      leftRef: r.left_ref,
      rightRef: r.right_ref,
      matchProbability: r.match_probability,
      matchWeight: r.match_weight,
      decision: r.decision,
      evidence: r.evidence,
    }));
  }

  /**
   * Both records of pairs, masked, in as few queries as there are kinds. Inside a transaction pass its `trx`:
   * embedded PGlite has one connection, so a query on `db` there would wait for the transaction forever.
   */
  async function recordViews(refs: string[], executor: Db = db): Promise<Map<string, RecordView>> {
    const sourceIds = refs.filter((r) => r.startsWith('sp:')).map((r) => Number(r.slice(3)));
    const personIds = refs.filter((r) => r.startsWith('p:')).map((r) => Number(r.slice(2)));
    const out = await entities.recordViews(
      refs.filter((r) => !r.startsWith('sp:') && !r.startsWith('p:')),
      executor,
    );
    for (const s of await repo.sourceRecordsByIds(executor, sourceIds)) {
      const address = open(s.address_cipher);
      out.set(`sp:${s.id}`, {
        ref: `sp:${s.id}`,
        kind: 'source',
        source: s.source,
        sourceLabel: s.source_label,
        sourceKey: s.source_key,
        sourceRow: s.source_row,
        importRunId: Number(s.run_id),
        personId: null,
        name: maskValue('name', s.name),
        sex: s.sex,
        birthDate: maskValue('birth_date', s.birth_date),
        idNumber: s.id_number_masked,
        phone: s.phone_masked,
        address: maskValue('address', address),
        recordDate: s.record_date,
      });
    }
    for (const id of personIds) {
      const p = await repo.findPlatformPerson(executor, id);
      if (!p) continue;
      out.set(`p:${id}`, {
        ref: `p:${id}`,
        kind: 'platform',
        source: PLATFORM_SOURCE,
        sourceLabel: '平台居民档案',
        sourceKey: null,
        sourceRow: null,
        importRunId: null,
        personId: id,
        name: maskValue('name', p.name),
        sex: p.sex,
        birthDate: maskValue('birth_date', p.birth_date),
        idNumber: p.id_number_masked,
        phone: p.phone_masked,
        address: maskValue('address', p.address),
        recordDate: dateOnly(p.source_updated_at ?? p.updated_at),
      });
    }
    return out;
  }

  async function listReviews(
    actor: IdentityActor,
    q: { status: string; limit: number; offset: number; entityType?: IdentityEntityType },
  ) {
    const type = q.entityType ?? 'person';
    const rows = await repo.listReviews(db, actor.scopePath, q.status, q.limit, q.offset, type);
    const total = await repo.countReviews(db, actor.scopePath, q.status, type);
    const views = await recordViews(rows.flatMap((r) => [r.left_ref, r.right_ref]));
    if (rows.length > 0)
      await actor.audit(db, {
        action: 'identity.review.read',
        entityType: 'identity_review',
        entityIds: rows.map((r) => Number(r.id)),
      });
    return {
      total,
      items: rows.map((r) => presentReview(r, views.get(r.left_ref) ?? null, views.get(r.right_ref) ?? null)),
    };
  }

  async function decide(
    actor: IdentityActor,
    id: number,
    body: { decision: 'confirm' | 'split' | 'dismiss' | 'choose'; reason: string; personId?: number },
  ) {
    return db.transaction().execute(async (trx) => {
      const review = await repo.findReviewInScope(trx, actor.scopePath, id);
      if (!review) throw new AppError('IDENTITY_REVIEW_NOT_FOUND');
      if (review.status === 'obsolete') throw new AppError('IDENTITY_REVIEW_CLOSED');
      // An unplaced record or a household without its head is one record: it is dismissed (kept as a source
      // record only; no head in the platform) or, for a head, a person is chosen — never confirmed or split.
      const single = review.kind === 'unplaced' || review.kind === 'household_head';
      if (single && (body.decision === 'confirm' || body.decision === 'split'))
        throw new AppError('IDENTITY_REVIEW_NOT_PAIR');
      if (
        (!single && body.decision === 'dismiss') ||
        (body.decision === 'choose' && (review.kind !== 'household_head' || body.personId === undefined))
      )
        throw new AppError('IDENTITY_DECISION_INVALID');
      // A head already chosen stays until its merge is undone (which reopens the item).
      if (review.kind === 'household_head' && review.status === 'confirmed')
        throw new AppError('IDENTITY_REVIEW_DECIDED');
      const status =
        body.decision === 'confirm' || body.decision === 'choose'
          ? 'confirmed'
          : body.decision === 'split'
            ? 'split'
            : 'dismissed';
      // Confirming a conflict merges the platform's two rows of the entity (undoable like any merge); choosing a
      // head sets it in a merge too.
      const mergeId =
        review.kind === 'conflict' && status === 'confirmed' && review.status === 'open'
          ? await entities.absorb(trx, actor, review)
          : body.decision === 'choose'
            ? await entities.chooseHead(trx, actor, review, body.personId!)
            : null;
      const detail =
        body.decision === 'choose'
          ? { ...(review.detail ?? {}), personId: body.personId!, mergeId }
          : (review.detail ?? null);
      const row = await trx
        .updateTable('identity_review')
        .set({
          status,
          reason: body.reason.trim(),
          decided_by: actor.username,
          decided_at: new Date(),
          updated_at: new Date(),
          detail: detail === null ? null : JSON.stringify(detail),
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await actor.audit(trx, {
        action: 'identity.review.decide',
        entityType: 'identity_review',
        entityIds: [id],
        purpose: body.reason.trim(),
        details: {
          decision: status,
          left: review.left_ref,
          right: review.right_ref,
          was: review.status,
          ...(body.personId === undefined ? {} : { personId: body.personId }),
          ...(mergeId === null ? {} : { mergeId }),
        },
      });
      const views = await recordViews([row.left_ref, row.right_ref], trx);
      return {
        ...presentReview(row, views.get(row.left_ref) ?? null, views.get(row.right_ref) ?? null),
        ...(mergeId === null ? {} : { mergeId }),
      };
    });
  }

  /** A person's golden record: each field's masked value with where it came from, and the merges. */
  async function golden(actor: IdentityActor, personId: number) {
    const person = await repo.findPlatformPerson(db, personId);
    if (!person || !inScope({ scopePath: actor.scopePath } as Viewer, person.scope_path))
      throw new AppError('PERSON_NOT_FOUND');
    const provenance = await repo.provenanceOf(db, personId);
    const merges = await repo.mergesOfPerson(db, personId);
    const links = await repo.linksOfPersons(db, [personId]);
    const latestApplied = merges.find((m) => m.status === 'applied');
    const sources = await recordViews(links.map((l) => `sp:${l.source_person_id}`));
    await actor.audit(db, {
      action: 'identity.golden.read',
      entityType: 'person',
      entityIds: [personId],
    });
    return {
      personId,
      name: maskValue('name', person.name),
      fields: provenance.map((p) => ({
        field: p.field,
        value: p.value_masked,
        source: p.source,
        sourcePersonId: p.source_person_id === null ? null : Number(p.source_person_id),
        sourceRow: p.source_row,
        importRunId: p.import_run_id === null ? null : Number(p.import_run_id),
        rule: p.rule,
        observedAt: iso(p.observed_at),
        mergeId: Number(p.merge_id),
      })),
      sources: [...sources.values()],
      merges: merges.map((m) => ({ ...presentMerge(m, latestApplied), createdPerson: m.created_person })),
    };
  }

  /** Puts back what the merge replaced: the person's columns, provenance and links (or removes the person). */
  async function undo(actor: IdentityActor, mergeId: number, reason: string) {
    try {
      return await db.transaction().execute(async (trx) => {
        const merge = await repo.findMergeInScope(trx, actor.scopePath, mergeId);
        if (!merge) throw new AppError('IDENTITY_MERGE_NOT_FOUND');
        const latest = (await repo.mergesOfPerson(trx, merge.person_id)).find((m) => m.status === 'applied');
        if (merge.status !== 'applied' || Number(latest?.id) !== mergeId)
          throw new AppError('IDENTITY_MERGE_NOT_LATEST');
        const previous = merge.previous as {
          person: Record<string, unknown> | null;
          provenance: Record<string, unknown>[];
          links: { source_person_id: number; person_id: number; merge_id: number }[];
        };
        await trx.deleteFrom('identity_field_provenance').where('person_id', '=', merge.person_id).execute();
        await trx.deleteFrom('identity_link').where('merge_id', '=', mergeId).execute();
        if (merge.created_person) {
          await trx.deleteFrom('person').where('id', '=', merge.person_id).execute();
        } else if (previous.person) {
          const p = previous.person;
          await trx
            .updateTable('person')
            .set({
              name: p['name'] as string,
              sex: p['sex'] as '1',
              birth_date: (p['birth_date'] as string | null) ?? null,
              id_number_cipher: unb64(p['id_number_cipher']),
              id_number_hash: unb64(p['id_number_hash']),
              id_number_masked: (p['id_number_masked'] as string | null) ?? null,
              phone_cipher: unb64(p['phone_cipher']),
              phone_hash: unb64(p['phone_hash']),
              phone_masked: (p['phone_masked'] as string | null) ?? null,
              source: p['source'] as string,
              source_updated_at: (p['source_updated_at'] as string | null) ?? null,
              updated_at: new Date(),
            })
            .where('id', '=', merge.person_id)
            .execute();
          if (previous.provenance.length > 0)
            await trx
              .insertInto('identity_field_provenance')
              .values(
                previous.provenance.map((v) => ({
                  person_id: v['person_id'] as number,
                  field: v['field'] as GoldenField,
                  merge_id: v['merge_id'] as number,
                  source: v['source'] as string,
                  source_person_id: (v['source_person_id'] as number | null) ?? null,
                  source_row: (v['source_row'] as number | null) ?? null,
                  import_run_id: (v['import_run_id'] as number | null) ?? null,
                  rule: v['rule'] as string,
                  observed_at: (v['observed_at'] as string | null) ?? null,
                  value_cipher: unb64(v['value_cipher']),
                  value_masked: (v['value_masked'] as string | null) ?? null,
                })),
              )
              .execute();
        }
        // Links the merge replaced come back when their merge is still in force.
        const restorable = previous.links.filter((l) => Number(l.merge_id) !== mergeId);
        if (restorable.length > 0) {
          const live = new Set(
            (
              await trx
                .selectFrom('identity_merge')
                .select('id')
                .where(
                  'id',
                  'in',
                  restorable.map((l) => Number(l.merge_id)),
                )
                .where('status', '=', 'applied')
                .execute()
            ).map((m) => Number(m.id)),
          );
          const rows = restorable.filter((l) => live.has(Number(l.merge_id)));
          if (rows.length > 0)
            await trx
              .insertInto('identity_link')
              .values(
                rows.map((l) => ({
                  source_person_id: Number(l.source_person_id),
                  person_id: Number(l.person_id),
                  merge_id: Number(l.merge_id),
                })),
              )
              .onConflict((oc) => oc.column('source_person_id').doNothing())
              .execute();
        }
        await repo.markMergeUndone(trx, 'identity_merge', mergeId, actor.username, reason);
        await actor.audit(trx, {
          action: 'identity.merge.undo',
          entityType: 'person',
          entityIds: [merge.person_id],
          purpose: reason.trim(),
          details: { mergeId, createdPerson: merge.created_person, members: merge.members },
        });
        return {
          mergeId,
          personId: merge.person_id,
          status: 'undone' as const,
          personRemoved: merge.created_person,
        };
      });
    } catch (error) {
      if ((error as { code?: string }).code === '23503') throw new AppError('IDENTITY_MERGE_IN_USE');
      throw error;
    }
  }

  /**
   * What the platform knows about a person, field by field, with the source and date of each value, so that no
   * form asks for it again (最多填一次). Staff see masked values of residents in their scope; a resident sees
   * their own record in full.
   */
  async function prefill(actor: IdentityActor, personId: number, self: boolean) {
    const person = await repo.findPlatformPerson(db, personId);
    if (!person || (!self && !person.scope_path.startsWith(actor.scopePath)))
      throw new AppError('PERSON_NOT_FOUND');
    const provenance = new Map((await repo.provenanceOf(db, personId)).map((p) => [p.field, p]));
    const labels = new Map(
      (await db.selectFrom('ingest_source').select(['name', 'label']).execute()).map((s) => [
        s.name,
        s.label,
      ]),
    );
    const label = (source: string) =>
      labels.get(source) ??
      (source === PLATFORM_SOURCE ? '平台居民档案' : source === 'identity' ? '身份归并' : source);
    const current: Record<GoldenField, string | null> = {
      name: person.name,
      sex: knownSex(person.sex),
      birth_date: person.birth_date,
      id_number: open(person.id_number_cipher),
      phone: open(person.phone_cipher),
      address: person.address,
    };
    const fields = GOLDEN_FIELDS.map((field) => {
      const p = provenance.get(field);
      const golden = p ? open(p.value_cipher) : null;
      // A value edited on the platform after the merge is the platform's, not the source's.
      const fromGolden =
        p &&
        golden !== null &&
        (field === 'address' ? true : current[field] === golden || current[field] === null);
      const value = fromGolden ? golden : current[field];
      const source = fromGolden ? p!.source : person.source === 'identity' ? PLATFORM_SOURCE : person.source;
      return {
        field,
        value: self ? value : maskValue(field, value),
        source,
        sourceLabel: label(source),
        date: fromGolden ? iso(p!.observed_at) : iso(person.source_updated_at ?? person.updated_at),
        rule: fromGolden ? p!.rule : null,
      };
    }).filter((f) => f.value !== null);
    await actor.audit(db, {
      action: 'person.prefill',
      entityType: 'person',
      entityIds: [personId],
      details: { self, fields: fields.map((f) => f.field) },
    });
    return { personId, masked: !self, fields };
  }

  async function listRules() {
    return (await repo.survivorshipRules(db)).map((r) => ({
      field: r.field,
      rule: r.rule,
      sourcePriority: r.source_priority,
    }));
  }

  async function updateRule(
    actor: IdentityActor,
    field: string,
    body: { rule: SurvivorshipRuleKind; sourcePriority: string[] },
  ) {
    if (!(GOLDEN_FIELDS as readonly string[]).includes(field))
      throw new AppError('IDENTITY_RULE_INVALID', [
        { field: '/field', message: `没有字段「${field}」`, messageEn: `no field "${field}"` },
      ]);
    const known = new Set((await db.selectFrom('ingest_source').select('name').execute()).map((s) => s.name));
    known.add(PLATFORM_SOURCE);
    const unknown = body.sourcePriority.filter((s) => !known.has(s));
    if (unknown.length > 0 || new Set(body.sourcePriority).size !== body.sourcePriority.length)
      throw new AppError('IDENTITY_RULE_INVALID', [
        {
          field: '/sourcePriority',
          message: unknown.length > 0 ? `未知的数据来源：${unknown.join('、')}` : '数据来源重复',
          messageEn:
            unknown.length > 0 ? `unknown sources: ${unknown.join(', ')}` : 'a source is listed twice',
        },
      ]);
    return db.transaction().execute(async (trx) => {
      await trx
        .updateTable('identity_survivorship_rule')
        .set({ rule: body.rule, source_priority: body.sourcePriority, updated_at: sql`now()` })
        .where('field', '=', field as GoldenField)
        .execute();
      await actor.audit(trx, {
        action: 'identity.rule.update',
        entityType: 'identity_survivorship_rule',
        entityIds: [field],
        details: body,
      });
      return { field, rule: body.rule, sourcePriority: body.sourcePriority };
    });
  }

  return {
    entityGolden: entities.golden,
    undoEntityMerge: entities.undo,
    listEntityRules: entities.listRules,
    updateEntityRule: entities.updateRule,
    failInterrupted,
    start,
    wait,
    readRun,
    listRuns,
    runPairs,
    listReviews,
    decide,
    golden,
    undo,
    prefill,
    listRules,
    updateRule,
  };
}

export type IdentityService = ReturnType<typeof createIdentityService>;
