// Reads, normalises, seals and COPY-encodes the rows of a large import in a worker thread, so that this work and
// the database's (PGlite on the main thread, or the PostgreSQL server) run on two cores at once. Posts each batch
// to import-runner.ts, which writes it; at most `maxInFlight` batches are posted and not yet acknowledged (written),
// so on a file of many GB the worker waits for the writer instead of filling memory.
import { parentPort, workerData } from 'node:worker_threads';
import type { ColumnMapping } from '../../lib/normalise/index.ts';
import { createFieldCipher } from '../../platform/crypto/field-cipher.ts';
import type { ErrorCode } from '../../platform/http/errors.ts';
import type { FileFormat, TextEncoding } from './file-format.ts';
import {
  contextFromBuildings,
  type KnownBuildings,
  type NormalisedBatch,
  normaliseBatches,
} from './import-batches.ts';
import { IngestFileError } from './ingest-errors.ts';
import { openTable } from './table-reader.ts';

export interface ImportWorkerData {
  file: string;
  format: FileFormat;
  encoding: TextEncoding | null;
  mapping: ColumnMapping;
  scopePath: string;
  /** ISO timestamp of the run's "today". */
  today: string;
  source: string;
  runId: number;
  resumedAfterRow: number;
  batchSize: number;
  maxInFlight: number;
  /** The field cipher's master key: the worker seals with the same keys as the caller's cipher. */
  masterKey: Uint8Array;
  buildings: KnownBuildings;
}

/** From the worker: a batch, the end of the file, or why the file could not be read on. */
export type ImportWorkerMessage =
  | { type: 'batch'; batch: NormalisedBatch }
  | { type: 'done' }
  | { type: 'error'; message: string; code?: ErrorCode; messageZh?: string; at?: number | undefined };

/** To the worker: a batch was written, one more may be posted. */
export interface ImportWorkerAck {
  type: 'ack';
}

const port = parentPort;
if (!port) throw new Error('import-worker.ts runs only as a worker thread');
const job = workerData as ImportWorkerData;

let credits = job.maxInFlight;
let wake: (() => void) | null = null;
port.on('message', (message: ImportWorkerAck) => {
  if (message.type !== 'ack') return;
  credits++;
  wake?.();
  wake = null;
});

async function run(): Promise<void> {
  const cipher = createFieldCipher(job.masterKey);
  const table = await openTable(job.file, job.format, job.encoding);
  try {
    const ctx = contextFromBuildings(
      job.buildings,
      cipher,
      table.header,
      job.mapping,
      job.scopePath,
      new Date(job.today),
    );
    const batches = normaliseBatches(table.rows, ctx, cipher, {
      source: job.source,
      runId: job.runId,
      scopePath: job.scopePath,
      resumedAfterRow: job.resumedAfterRow,
      batchSize: job.batchSize,
      encode: true,
      bytesRead: table.bytesRead,
    });
    for await (const batch of batches) {
      while (credits === 0) await new Promise<void>((resolve) => (wake = resolve));
      credits--;
      port!.postMessage({ type: 'batch', batch } satisfies ImportWorkerMessage);
    }
  } finally {
    table.close();
  }
}

run().then(
  () => port.postMessage({ type: 'done' } satisfies ImportWorkerMessage),
  (error: unknown) =>
    port.postMessage(
      (error instanceof IngestFileError
        ? {
            type: 'error',
            message: error.message,
            code: error.code,
            messageZh: error.messageZh,
            at: error.at,
          }
        : {
            type: 'error',
            message: String((error as Error)?.message ?? error),
          }) satisfies ImportWorkerMessage,
    ),
);
