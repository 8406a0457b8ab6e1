// Runs an import: detect the file, settle the column mapping, then stream rows through the normaliser in batches.
// Each batch is one transaction holding its accepted records (staged with COPY, then one set-based insert or upsert;
// rows unchanged since the last import are skipped), its quarantined rows and the run's checkpoint, so a killed
// import leaves whole batches only and the next import of the same file continues after the last committed row.
// Nothing is dropped: every row read is accepted (inserted, updated, unchanged or superseded by a later row with
// the same key) or quarantined.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Worker } from 'node:worker_threads';
import { sql } from 'kysely';
import { type ColumnMapping, suggestMapping, TARGET_FIELDS } from '../../lib/normalise/index.ts';
import { canonicalJson } from '../../platform/audit/audit-log.ts';
import { type FieldCipher, masterKeyOf } from '../../platform/crypto/field-cipher.ts';
import type { Database, Db } from '../../platform/db/index.ts';
import { startTsWorker } from '../../platform/worker/ts-worker.ts';
import { type DetectedFile, detectFile, type FileFormat } from './file-format.ts';
import {
  contextFromBuildings,
  copyRow,
  type NormalisedBatch,
  normaliseBatches,
  stagedLineEncoder,
} from './import-batches.ts';
import type { ImportWorkerAck, ImportWorkerData, ImportWorkerMessage } from './import-worker.ts';
import {
  advanceCheckpoint,
  ensureSource,
  findResumableRun,
  findSource,
  insertQuarantined,
  loadBuildings,
  type RunCounts,
  storedRowHashes,
  upsertBatch,
} from './ingest.repository.ts';
import { IngestFileError } from './ingest-errors.ts';
import { computeQualityFigures } from './quality.ts';
import { hashOf, type NormaliseContext } from './row-normaliser.ts';
import { openTable, type TableRow } from './table-reader.ts';

export { copyRow };

// Larger batches spread each batch's fixed costs (staging table, planning the upsert, the checkpoint, the commit)
// over more rows; a batch of this size is a few MB, and at most four are in memory (on this thread two: the one
// being written and the one being read; with a worker MAX_BATCHES_IN_FLIGHT handed over and the one it builds).
export const DEFAULT_BATCH_SIZE = 5000;
const SUGGESTION_SAMPLE = 50;
/**
 * Files from this size up are normalised, sealed and encoded in a worker thread while this thread writes. Starting
 * the worker (registering tsx, loading the reader's and normaliser's modules) costs some 0.4–0.6 s of CPU and
 * delays the first batch by about as much, while each MB normalised there spares this thread about 0.3 s (police
 * register, 2,213 rows in 0.33 MB: this thread 0.24 s of CPU alone, 0.14 s with a worker that used 0.43 s); below
 * about 2 MB the worker does not win its start back.
 */
export const WORKER_MIN_BYTES = 2 * 1024 * 1024;
/**
 * Batches a worker may have handed over and not yet seen written: one being written, one waiting for it, one
 * queued. Bounds memory on a file of any size (the worker builds at most one more meanwhile).
 */
export const MAX_BATCHES_IN_FLIGHT = 3;

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
  beforeBatchCommit?: (batchNo: number) => void | Promise<void>;
  /**
   * Where rows are normalised, sealed and encoded: in a worker thread (true) or on this thread (false). By default
   * a worker for files of WORKER_MIN_BYTES or more, when the cipher can be made again there (masterKeyOf).
   */
  normaliseInWorker?: boolean | undefined;
  /** For tests: the worker thread, once started. */
  onWorkerStarted?: (worker: Worker) => void;
  /** For tests: a batch arrived from the worker (numbered from 1). */
  onBatchReceived?: (batchNo: number) => void;
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

/** The normalising context of a source: the known buildings and the importer's scope. */
export async function normaliseContext(
  db: Db,
  cipher: FieldCipher,
  header: readonly string[],
  mapping: ColumnMapping,
  scopePath: string,
  today: Date,
): Promise<NormaliseContext> {
  return contextFromBuildings(await loadBuildings(db), cipher, header, mapping, scopePath, today);
}

/** A worker normalising the rows of an import, and the batches it hands over, in file order. */
interface BatchWorker {
  batches: AsyncGenerator<NormalisedBatch>;
  /** A batch was written: the worker may hand over one more. */
  written(): void;
  /** Ends the worker, whatever it is doing; resolves once it has exited. */
  stop(): Promise<void>;
}

function startBatchWorker(data: ImportWorkerData, options: ImportOptions): BatchWorker {
  const worker = startTsWorker(new URL('./import-worker.ts', import.meta.url), data);
  options.onWorkerStarted?.(worker);
  type Event = ImportWorkerMessage | { type: 'failed'; error: Error };
  const queue: Event[] = [];
  let wake: (() => void) | null = null;
  let received = 0;
  const push = (event: Event) => {
    if (event.type === 'batch') options.onBatchReceived?.(++received);
    queue.push(event);
    wake?.();
    wake = null;
  };
  worker.on('message', push);
  worker.on('error', (error) => push({ type: 'failed', error }));
  worker.on('exit', (code) =>
    push({
      type: 'failed',
      error: new Error(`the import worker stopped before the end of the file (exit code ${code})`),
    }),
  );
  async function* batches(): AsyncGenerator<NormalisedBatch> {
    for (;;) {
      while (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      const event = queue.shift()!;
      if (event.type === 'batch') yield event.batch;
      else if (event.type === 'done') return;
      else if (event.type === 'failed') throw event.error;
      else if (event.code && event.messageZh)
        throw new IngestFileError(event.code, event.messageZh, event.message, event.at);
      else throw new Error(event.message);
    }
  }
  return {
    batches: batches(),
    written: () => worker.postMessage({ type: 'ack' } satisfies ImportWorkerAck),
    stop: async () => {
      await worker.terminate();
    },
  };
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
  /** The worker normalising the rows, when one does. */
  let worker: BatchWorker | null = null;
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
    const currentRun = runId;
    const size = detected.size;
    const buildings = await loadBuildings(db);
    const masterKey = masterKeyOf(cipher);
    const inWorker = options.normaliseInWorker ?? (size >= WORKER_MIN_BYTES && masterKey !== undefined);
    const batchOptions = {
      source,
      runId: currentRun,
      scopePath: actor.scopePath,
      resumedAfterRow,
      batchSize,
    };
    let batches: AsyncIterable<NormalisedBatch>;
    if (inWorker) {
      if (!masterKey)
        throw new Error('a worker cannot seal with this cipher: it was not made by createFieldCipher');
      // The worker reads the file again from its start; this thread's reader is done with it.
      table.close();
      worker = startBatchWorker(
        {
          ...batchOptions,
          file: options.file,
          format: detected.format,
          encoding: detected.encoding,
          mapping,
          today: today.toISOString(),
          maxInFlight: MAX_BATCHES_IN_FLIGHT,
          masterKey,
          buildings,
        },
        options,
      );
      batches = worker.batches;
    } else {
      const ctx = contextFromBuildings(buildings, cipher, table.header, mapping, actor.scopePath, today);
      batches = normaliseBatches(rows, ctx, cipher, {
        ...batchOptions,
        encode: false,
        bytesRead: table.bytesRead,
      });
    }
    // Records normalised on this thread are sealed and encoded only when written (unchanged ones never are); a
    // worker hands over lines it sealed and encoded already, on its own core.
    const encode = stagedLineEncoder(source, currentRun, cipher);
    let batchNo = 0;
    // The write of batch n overlaps the normalising of batch n+1 (here or in the worker, while PostgreSQL works in
    // its own process, or PGlite here); batches still commit one after the other, in file order, each with its
    // checkpoint.
    const write = async (batch: NormalisedBatch, no: number) => {
      await database.bulk(async (session) => {
        // A batch commits without waiting for its WAL to reach the disk: after a server crash the last batches may
        // be lost, but each batch holds its own checkpoint, so the next import of the file resumes exactly after
        // the last batch that survived. Atomicity and isolation are unchanged.
        await session.exec('SET LOCAL synchronous_commit = off');
        // Unchanged rows (the same row hash, the test the upsert always made) are not written; a batch of keys all
        // new to the source is inserted without the upsert's conflict handling.
        const stored = await storedRowHashes(session, source, batch.keys);
        const lines: string[] = [];
        for (let i = 0; i < batch.keys.length; i++) {
          if (stored.get(batch.keys[i]!) === batch.rowHashes[i]) continue;
          lines.push(batch.lines ? batch.lines[i]! : encode(batch.records![i]!));
        }
        const written = await upsertBatch(session, lines, { keysAreNew: stored.size === 0 });
        await insertQuarantined(session, batch.quarantined);
        const delta: RunCounts = {
          rowsRead: batch.rows,
          inserted: written.inserted,
          updated: written.updated,
          unchanged: batch.keys.length - written.inserted - written.updated,
          superseded: batch.superseded,
          quarantined: batch.quarantined.length,
          warnings: batch.warnings,
        };
        await advanceCheckpoint(session, currentRun, source, delta, batch.lastRow);
        await options.beforeBatchCommit?.(no);
      });
      worker?.written();
      options.onProgress?.(batch.bytesRead, size, batch.rowsRead);
    };
    for await (const batch of batches) {
      const previous = writing;
      writing = null;
      if (previous) await previous;
      batchNo++;
      const next = write(batch, batchNo);
      // Handled here so that a failure waiting for the next batch is not reported as unhandled; awaited there.
      next.catch(() => {});
      writing = next;
    }
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
    // Done, failed or given up: the worker ends with the run (it also closes its own reader of the file).
    await (worker as BatchWorker | null)?.stop();
  }
}

export { hashOf };
