// Writes the registers of houses, households and organisations in a worker thread: generating the district again
// is seconds of CPU, which on the server's own thread would stall every request while `serve` integrates the demo
// sources in the background. Receives the options, answers with the summary (or the error).
import { parentPort } from 'node:worker_threads';
import { type EntityExportsOptions, generateEntityExports } from './entity-exports.ts';

const port = parentPort;
if (!port) throw new Error('entity-exports-worker.ts runs only as a worker thread');

port.once('message', (opts: EntityExportsOptions) => {
  try {
    port.postMessage({ type: 'result', summary: generateEntityExports(opts) });
  } catch (error) {
    port.postMessage({ type: 'error', message: (error as Error).message });
  }
});
