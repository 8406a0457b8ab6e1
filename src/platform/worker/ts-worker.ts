// Starts a worker thread on a TypeScript module. The sources run through tsx's loader (bin/cbrain.mjs) or vitest's
// transform, neither of which a new thread inherits on Node 20, so the thread first registers tsx itself and then
// imports the module.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type TransferListItem, Worker } from 'node:worker_threads';

// The ESM entry of tsx's API (the one `import 'tsx/esm/api'` gets; require.resolve would give the CommonJS one).
const tsxApi = pathToFileURL(
  join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/esm/api/index.mjs'),
).href;

export function startTsWorker(
  moduleUrl: URL,
  workerData: unknown,
  transferList: readonly TransferListItem[] = [],
): Worker {
  const bootstrap = `
    import(${JSON.stringify(tsxApi)})
      .then((tsx) => { tsx.register(); return import(${JSON.stringify(moduleUrl.href)}); })
      .catch((error) => { setImmediate(() => { throw error; }); });`;
  return new Worker(bootstrap, { eval: true, workerData, transferList: [...transferList] });
}

/** What a worker's message means for the job: its answer, its failure, or nothing yet (progress). */
export type WorkerOutcome<R> = { result: R } | { error: Error } | undefined;

/**
 * Runs a job in a TypeScript worker and settles once: `input` (if any) is posted to it, each message goes to
 * `onMessage`, whose first answer or failure settles the promise; a worker error, or an exit before either,
 * rejects. The worker is terminated once the promise has settled.
 */
export function runTsWorkerJob<M, R>(
  moduleUrl: URL,
  job: {
    workerData?: unknown;
    input?: unknown;
    onMessage: (message: M) => WorkerOutcome<R>;
    exitError: (code: number) => Error;
  },
): Promise<R> {
  return new Promise((resolve, reject) => {
    const worker = startTsWorker(moduleUrl, job.workerData ?? null);
    let settled = false;
    const finish = (settle: () => void) => {
      if (settled) return;
      settled = true;
      settle();
      void worker.terminate();
    };
    worker.on('message', (message: M) => {
      const outcome = job.onMessage(message);
      if (outcome === undefined) return;
      if ('result' in outcome) finish(() => resolve(outcome.result));
      else finish(() => reject(outcome.error));
    });
    worker.on('error', (error) => finish(() => reject(error)));
    worker.on('exit', (code) => finish(() => reject(job.exitError(code))));
    if (job.input !== undefined) worker.postMessage(job.input);
  });
}
