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
