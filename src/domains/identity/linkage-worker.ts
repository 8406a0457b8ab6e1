// The linkage engine in a worker thread: an identity run on a district's records takes seconds to minutes of
// CPU, which on the server's own thread would stall every other request. The worker receives the records as
// columns, posts its stage and compared-pair count as it goes, and answers with what the run stores.
import { parentPort } from 'node:worker_threads';
import { runLinkage } from '../../lib/linkage/engine.ts';
import type { LinkageJob, WorkerMessage } from './linkage-job.ts';
import { summariseLinkage } from './linkage-job.ts';

const port = parentPort;
if (!port) throw new Error('linkage-worker.ts runs only as a worker thread');

port.once('message', (job: LinkageJob) => {
  const post = (m: WorkerMessage) => port.postMessage(m);
  try {
    let lastPost = 0;
    const result = runLinkage({ columns: new Map(Object.entries(job.columns)), ids: job.ids }, job.settings, {
      decisions: job.decisions,
      onStage: (stage) => post({ type: 'stage', stage }),
      onCompared: (done, total) => {
        const now = Date.now();
        if (done === total || now - lastPost > 200) {
          lastPost = now;
          post({ type: 'progress', done, total });
        }
      },
    });
    post({ type: 'result', result: summariseLinkage(result) });
  } catch (error) {
    post({ type: 'error', name: (error as Error).name, message: (error as Error).message });
  }
});
