// Entry of the identity run's worker thread: the sources are TypeScript, so the worker registers the same
// loader as bin/cbrain.mjs before it loads the worker module.
import { register } from 'tsx/esm/api';

register();
await import('./linkage-worker.ts');
