// Runs an import: detect the file, settle the column mapping, then stream rows through the normaliser in batches.
// Each batch is one transaction holding its accepted records (staged with COPY, then one set-based insert or upsert;
// rows unchanged since the last import are skipped), its quarantined rows and the run's checkpoint, so a killed
// import leaves whole batches only and the next import of the same file continues after the last committed row.
// Nothing is dropped: every row read is accepted (inserted, updated, unchanged or superseded by a later row with
// the same key) or quarantined.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { sql } from 'kysely';
import { maskIdNumber, maskPhone } from '../../lib/masking.ts';
import {
  type ColumnMapping,
  createBuildingMatcher,
  suggestMapping,
  TARGET_FIELDS,
} from '../../lib/normalise/index.ts';
import { canonicalJson } from '../../platform/audit/audit-log.ts';
import type { FieldCipher } from '../../platform/crypto/field-cipher.ts';
import type { CopyValue } from '../../platform/db/copy-format.ts';
import type { Database, Db } from '../../platform/db/index.ts';
import { type DetectedFile, detectFile, type FileFormat } from './file-format.ts';
import {
  advanceCheckpoint,
  ensureSource,
  findResumableRun,
  findSource,
  insertQuarantined,
  loadBuildings,
  type QuarantineInsert,
  type RunCounts,
  storedRowHashes,
  upsertBatch,
} from './ingest.repository.ts';
import { IngestFileError } from './ingest-errors.ts';
import { computeQualityFigures } from './quality.ts';
import { hashOf, type NormaliseContext, normaliseRow, type StagedPerson } from './row-normaliser.ts';
import { openTable, type TableRow } from './table-reader.ts';

// Larger batches spread each batch's fixed costs (staging table, planning the upsert, the checkpoint, the commit)
// over more rows; two batches of this size in memory are a few MB.
export const DEFAULT_BATCH_SIZE = 5000;
const SUGGESTION_SAMPLE = 50;

export interface ImportActor {
  username: string;
  /** The importer's scope: rows placed outside it are quarantined. */
  scopePath: string;
  audit(
    db: Db,
    entry: {
      action: string;
      outcome?: 'ok' | 'failed';
      entityType?: string;
      entityIds?: Array<string | number>;
      details?: Record<string, unknown>;
    },
  ): Promise<void>;
}

export interface ImportOptions {
  file: string;
  fileName: string;
  source: string;
  mapping?: ColumnMapping | undefined;
  format?: FileFormat | undefined;
  encoding?: string | undefined;
  actor: ImportActor;
  batchSize?: number;
  today?: Date;
  /** Save the mapping used as the source's mapping for later imports. */
  saveMapping?: boolean;
  onProgress?: (bytesRead: number, totalBytes: number, rowsRead: number) => void;
  /** Called once the run row exists (new or resumed), before any row is read: a background caller answers then. */
  onRunStarted?: (runId: number, totalBytes: number) => void;
  /** Fault injection for tests: called inside each batch's transaction before it commits. */
  beforeBatchCommit?: (batchNo: number) => void;
}

export interface ImportReport {
  runId: number;
  source: string;
  fileName: string;
  format: FileFormat;
  encoding: string | null;
  status: 'completed';
  resumedAfterRow: number;
  mapping: ColumnMapping;
  rowsRead: number;
  accepted: number;
  inserted: number;
  updated: number;
  unchanged: number;
  superseded: number;
  quarantined: number;
  warnings: number;
  seconds: number;
}

export function fileSha256(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')))
      .on('error', reject);
  });
}

function checkMapping(mapping: ColumnMapping, header: readonly string[]): ColumnMapping {
  const problems: string[] = [];
  const clean: ColumnMapping = {};
  for (const [field, column] of Object.entries(mapping)) {
    if (!(TARGET_FIELDS as readonly string[]).includes(field)) problems.push(`unknown field ${field}`);
    else if (!header.includes(column)) problems.push(`column ${column} (for ${field}) is not in the file`);
    else clean[field as keyof ColumnMapping] = column;
  }
  if (!clean.name) problems.push('no column is mapped to name');
  if (problems.length > 0)
    throw new IngestFileError(
      'INGEST_MAPPING_INVALID',
      `字段对应关系不正确：${problems.join('；')}`,
      `The column mapping is not valid: ${problems.join('; ')}`,
    );
  return clean;
}

/** First rows for the mapping suggestion, then the whole stream again, without reading anything twice. */
async function peek(rows: AsyncIterable<TableRow>, n: number) {
  const iterator = rows[Symbol.asyncIterator]();
  const head: TableRow[] = [];
  let done = false;
  while (head.length < n) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    head.push(next.value);
  }
  async function* all(): AsyncGenerator<TableRow> {
    yield* head;
    if (done) return;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  }
  return { head, rows: all() };
}

export function copyRow(r: StagedPerson, source: string, runId: number, cipher: FieldCipher): CopyValue[] {
  return [
    source,
    r.sourceKey,
    r.rowHash,
    r.streetCode,
    r.scopePath,
    r.gridId,
    r.buildingId,
    r.buildingMatch,
    r.name,
    r.sex,
    r.birthDate,
    r.idNumber ? cipher.seal(r.idNumber) : null,
    r.idNumber ? cipher.blindIndex(r.idNumber) : null,
    r.idNumber ? maskIdNumber(r.idNumber) : null,
    r.idConvertedFrom15,
    r.phone ? cipher.seal(r.phone) : null,
    r.phone ? cipher.blindIndex(r.phone) : null,
    r.phone ? maskPhone(r.phone) : null,
    r.address ? cipher.seal(r.address) : null,
    r.parts.street,
    r.parts.community,
    r.parts.road,
    r.parts.roadNo,
    r.parts.compound,
    r.parts.building,
    r.parts.unit,
    r.parts.room,
    r.recordDate,
    r.extra,
    r.warnings,
    runId,
    r.row,
  ];
}

/** The normalising context of a source: the known buildings and the importer's scope. */
export async function normaliseContext(
  db: Db,
  cipher: FieldCipher,
  header: readonly string[],
  mapping: ColumnMapping,
  scopePath: string,
  today: Date,
): Promise<NormaliseContext> {
  const buildings = await loadBuildings(db);
  const places = new Map(
    buildings.map((b) => [b.id, { gridId: b.grid_id, scopePath: b.scope_path, streetCode: b.street_code }]),
  );
  const matcher = createBuildingMatcher(
    buildings.map((b) => ({
      id: b.id,
      compound: b.compound,
      road: b.road,
      roadNo: b.road_no,
      buildingNo: b.building_no,
    })),
  );
  return {
    header,
    mapping,
    matcher,
    placeOf: (id) => places.get(id),
    scopePath,
    today,
    idKey: (id) => Buffer.from(cipher.blindIndex(id)).toString('base64url').slice(0, 32),
    addressMemo: new Map(),
  };
}

function streetCodeOf(scopePath: string): string {
  return scopePath.split('/')[2] ?? '';
}

export async function runImport(
  database: Database,
  cipher: FieldCipher,
  options: ImportOptions,
): Promise<ImportReport> {
  const started = performance.now();
  const { db } = database;
  const { actor, source } = options;
  const today = options.today ?? new Date();
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  let runId: number | null = null;
  let detected: DetectedFile | null = null;
  /** The batch being written while the next one is read. */
  let writing: Promise<void> | null = null;
  /** Releases the file; the run may stop before its rows are read to the end. */
  let releaseFile = () => {};
  try {
    detected = await detectFile(options.file, options.fileName, {
      format: options.format,
      encoding: options.encoding,
    });
    const sha256 = await fileSha256(options.file);
    const table = await openTable(options.file, detected.format, detected.encoding);
    releaseFile = () => table.close();
    const { head, rows } = await peek(table.rows, SUGGESTION_SAMPLE);
    await ensureSource(db, source);
    const saved = (await findSource(db, source))?.mapping ?? {};
    const chosen: ColumnMapping =
      options.mapping ??
      (Object.keys(saved).length > 0
        ? (saved as ColumnMapping)
        : suggestMapping(
            table.header,
            head.filter((r) => !r.problem).map((r) => r.cells),
          ).mapping);
    const mapping = checkMapping(chosen, table.header);

    const resumable = await findResumableRun(db, source, sha256);
    const sameMapping = resumable && canonicalJson(resumable.mapping) === canonicalJson(mapping);
    let resumedAfterRow = 0;
    if (resumable && sameMapping) {
      runId = resumable.id;
      resumedAfterRow = resumable.checkpoint_row;
      await db
        .updateTable('ingest_run')
        .set({ status: 'running', error: null, finished_at: null })
        .where('id', '=', runId)
        .execute();
    } else {
      const run = await db
        .insertInto('ingest_run')
        .values({
          source,
          file_name: options.fileName,
          file_sha256: sha256,
          format: detected.format,
          encoding: detected.encoding,
          mapping: JSON.stringify(mapping),
          status: 'running',
          scope_path: actor.scopePath,
          started_by: actor.username,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      runId = run.id;
    }
    if (options.saveMapping)
      await db
        .updateTable('ingest_source')
        .set({ mapping: JSON.stringify(mapping) })
        .where('name', '=', source)
        .execute();

    options.onRunStarted?.(runId, detected.size);
    const ctx = await normaliseContext(db, cipher, table.header, mapping, actor.scopePath, today);
    const currentRun = runId;
    let accepted: StagedPerson[] = [];
    let quarantined: QuarantineInsert[] = [];
    let lastRow = resumedAfterRow;
    let batchNo = 0;
    let rowsRead = 0;
    // The write of batch n overlaps the reading and normalising of batch n+1 (PostgreSQL works in its own
    // process meanwhile); batches still commit one after the other, in file order, each with its checkpoint, and
    // at most two batches are held in memory.
    const write = async (
      batch: StagedPerson[],
      failed: QuarantineInsert[],
      checkpoint: number,
      no: number,
      readSoFar: number,
    ) => {
      // One row per source key: the file's last row wins, earlier ones count as superseded.
      const latest = new Map<string, StagedPerson>();
      for (const r of batch) latest.set(r.sourceKey, r);
      await database.bulk(async (session) => {
        // A batch commits without waiting for its WAL to reach the disk: after a server crash the last batches may
        // be lost, but each batch holds its own checkpoint, so the next import of the file resumes exactly after
        // the last batch that survived. Atomicity and isolation are unchanged.
        await session.exec('SET LOCAL synchronous_commit = off');
        // Unchanged rows (the same row hash, the test the upsert always made) are neither sealed nor written; a
        // batch of keys all new to the source is inserted without the upsert's conflict handling.
        const stored = await storedRowHashes(session, source, [...latest.keys()]);
        const rowsOut: CopyValue[][] = [];
        for (const r of latest.values()) {
          const hash = stored.get(r.sourceKey);
          if (hash !== r.rowHash) rowsOut.push(copyRow(r, source, currentRun, cipher));
        }
        const written = await upsertBatch(session, rowsOut, { keysAreNew: stored.size === 0 });
        await insertQuarantined(session, failed);
        const delta: RunCounts = {
          rowsRead: batch.length + failed.length,
          inserted: written.inserted,
          updated: written.updated,
          unchanged: latest.size - written.inserted - written.updated,
          superseded: batch.length - latest.size,
          quarantined: failed.length,
          warnings: batch.filter((r) => r.warnings.length > 0).length,
        };
        await advanceCheckpoint(session, currentRun, source, delta, checkpoint);
        options.beforeBatchCommit?.(no);
      });
      options.onProgress?.(table.bytesRead(), detected!.size, readSoFar);
    };
    const flush = async () => {
      if (accepted.length === 0 && quarantined.length === 0) return;
      const previous = writing;
      writing = null;
      if (previous) await previous;
      batchNo++;
      const next = write(accepted, quarantined, lastRow, batchNo, rowsRead);
      // Handled here so that a failure waiting for the next flush is not reported as unhandled; awaited there.
      next.catch(() => {});
      writing = next;
      accepted = [];
      quarantined = [];
    };
    for await (const row of rows) {
      if (row.row <= resumedAfterRow) continue;
      rowsRead++;
      lastRow = row.row;
      const result = normaliseRow(row, ctx);
      if (result.ok) accepted.push(result.record);
      else {
        quarantined.push({
          source,
          runId: currentRun,
          row: result.row,
          rawHash: result.rawHash,
          rawCipher: cipher.seal(JSON.stringify(result.raw)),
          problems: result.problems,
          streetCode: streetCodeOf(actor.scopePath),
          scopePath: actor.scopePath,
        });
      }
      if (accepted.length + quarantined.length >= batchSize) await flush();
    }
    await flush();
    if (writing) await writing;
    // Fresh statistics before the quality figures join source records on their ID numbers: planned on the counts
    // of an empty table, those joins run as nested scans whose time grows with the square of the rows imported.
    // Only the columns those joins and filters use: the sample is the same, the statistics of 30 columns are not.
    // A run that wrote nothing (a re-import of unchanged data) leaves the statistics as they were.
    const wrote = await db
      .selectFrom('ingest_run')
      .select(['inserted', 'updated'])
      .where('id', '=', currentRun)
      .executeTakeFirstOrThrow();
    if (wrote.inserted + wrote.updated > 0)
      await sql`ANALYZE source_person (source, id_number_hash)`.execute(db);

    const report = await db.transaction().execute(async (trx) => {
      const run = await trx
        .updateTable('ingest_run')
        .set({ status: 'completed', finished_at: new Date() })
        .where('id', '=', currentRun)
        .returningAll()
        .executeTakeFirstOrThrow();
      await computeQualityFigures(trx, source, currentRun, today);
      const counts = {
        rowsRead: run.rows_read,
        accepted: run.inserted + run.updated + run.unchanged + run.superseded,
        inserted: run.inserted,
        updated: run.updated,
        unchanged: run.unchanged,
        superseded: run.superseded,
        quarantined: run.quarantined,
        warnings: run.warnings,
      };
      await actor.audit(trx, {
        action: 'ingest.run',
        outcome: 'ok',
        entityType: 'ingest_run',
        entityIds: [currentRun],
        details: { source, fileName: options.fileName, sha256, resumedAfterRow, ...counts },
      });
      return counts;
    });
    return {
      runId: currentRun,
      source,
      fileName: options.fileName,
      format: detected.format,
      encoding: detected.encoding,
      status: 'completed',
      resumedAfterRow,
      mapping,
      ...report,
      seconds: (performance.now() - started) / 1000,
    };
  } catch (error) {
    const info =
      error instanceof IngestFileError
        ? { code: error.code, message: error.messageZh, messageEn: error.message, at: error.at ?? null }
        : { code: 'INTERNAL', message: String((error as Error)?.message ?? error).slice(0, 500) };
    // A batch still being written commits or rolls back before the run is marked failed.
    await (writing as Promise<void> | null)?.catch(() => {});
    await db
      .transaction()
      .execute(async (trx) => {
        if (runId !== null)
          await trx
            .updateTable('ingest_run')
            .set({ status: 'failed', error: JSON.stringify(info), finished_at: new Date() })
            .where('id', '=', runId)
            .execute();
        await actor.audit(trx, {
          action: 'ingest.run',
          outcome: 'failed',
          entityType: 'ingest_run',
          entityIds: runId === null ? [] : [runId],
          details: { source, fileName: options.fileName, format: detected?.format ?? null, error: info },
        });
      })
      .catch(() => {});
    throw error;
  } finally {
    // A refused mapping stops after the first rows were peeked: the file must not stay open.
    releaseFile();
  }
}

export { hashOf };
