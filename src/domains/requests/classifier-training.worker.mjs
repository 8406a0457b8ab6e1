// Entry of the classifier's training thread: worker threads do not inherit the TypeScript loader the main thread
// registered, so this plain module registers it before loading the worker's code.
import { register } from 'tsx/esm/api';

register();
await import('./classifier-training.worker.ts');
