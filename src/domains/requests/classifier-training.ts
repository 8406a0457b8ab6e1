// Training a classifier version off the main thread: what goes into the training thread, what comes back, and
// the promise-shaped wrapper the service awaits. The thread itself is classifier-training.worker.ts.

import type { HoldoutReport, LabelledText, TrainingSummary } from '../../lib/classify/index.ts';
import { runTsWorkerJob } from '../../platform/worker/ts-worker.ts';

export interface TrainingSettings {
  /** Most recent confirmed orders to learn from. */
  maxExamples: number;
  holdoutFraction: number;
  buckets: number;
  maxEpochs: number;
  complementNb: boolean;
  seed: number;
}

/** A version trained on demand from the console: most of the recent history. */
export const DEFAULT_TRAINING: TrainingSettings = {
  maxExamples: 8000,
  holdoutFraction: 0.15,
  buckets: 1 << 18,
  maxEpochs: 6,
  complementNb: true,
  seed: 1,
};

/** The first version the demo trains at start: small and quick, so suggestions work within a minute. */
export const QUICK_TRAINING: TrainingSettings = {
  ...DEFAULT_TRAINING,
  maxExamples: 2500,
  maxEpochs: 3,
  complementNb: false,
};

export interface TrainingInput {
  examples: LabelledText[];
  options: TrainingSettings;
}

export type TrainingMessage =
  | { type: 'progress'; message: string; fraction: number }
  | { type: 'done'; weights: Uint8Array; report: HoldoutReport; summary: TrainingSummary }
  | { type: 'error'; message: string };

/** How far training is, from the trainer's progress messages (features, epochs, refit). */
export function progressOfMessage(message: string, maxEpochs: number): number {
  if (message.startsWith('features')) return 0.1;
  if (/feature rows/.test(message)) return 0.25;
  const epoch = /^epoch (\d+)/.exec(message);
  if (epoch) return Math.min(0.75, 0.25 + (0.5 * Number(epoch[1])) / Math.max(1, maxEpochs));
  if (message.startsWith('complement NB')) return 0.8;
  if (message.startsWith('refit')) return 0.85;
  return 0.5;
}

/** Trains in a worker thread; `onProgress` gets fractions 0…1; rejects with the trainer's message. */
export function trainInWorker(
  input: TrainingInput,
  onProgress: (fraction: number, message: string) => void,
): Promise<Extract<TrainingMessage, { type: 'done' }>> {
  return runTsWorkerJob<TrainingMessage, Extract<TrainingMessage, { type: 'done' }>>(
    new URL('./classifier-training.worker.ts', import.meta.url),
    {
      workerData: input,
      onMessage: (m: TrainingMessage) => {
        if (m.type === 'progress') {
          onProgress(m.fraction, m.message);
          return undefined;
        }
        return m.type === 'done'
          ? { result: { ...m, weights: Buffer.from(m.weights) } }
          : { error: new Error(m.message) };
      },
      exitError: (code) => new Error(`training thread exited with code ${code}`),
    },
  );
}
