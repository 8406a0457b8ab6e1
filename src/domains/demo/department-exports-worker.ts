// Writes the department exports in a worker thread: generating the district again and writing its exports is
// seconds of CPU, which on the server's own thread would stall every request while `serve` integrates the demo
// sources in the background. Receives the options, answers with the summary (or the error).
import { parentPort } from 'node:worker_threads';
import { generateDepartmentExports } from './department-exports.ts';

const port = parentPort;
if (!port) throw new Error('department-exports-worker.ts runs only as a worker thread');

port.once('message', (opts: Parameters<typeof generateDepartmentExports>[0]) => {
  generateDepartmentExports(opts).then(
    (summary) => port.postMessage({ type: 'result', summary }),
    (error: Error) => port.postMessage({ type: 'error', message: error.message }),
  );
});
