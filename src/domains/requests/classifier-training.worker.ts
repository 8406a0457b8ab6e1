// The classifier's training thread: training takes tens of seconds of CPU, which on the main thread would stall
// every HTTP request. The main thread reads the examples from the database and hands them over; this thread
// trains with a held-out test, serialises and compresses the model, and posts progress as it goes.
import { parentPort, workerData } from 'node:worker_threads';
import { gzipSync } from 'node:zlib';
import { serializeClassifier, trainWithHoldout } from '../../lib/classify/index.ts';
import { progressOfMessage, type TrainingInput, type TrainingMessage } from './classifier-training.ts';

const input = workerData as TrainingInput;
const post = (m: TrainingMessage) => parentPort!.postMessage(m);
try {
  const maxEpochs = input.options.maxEpochs;
  const { model, report } = trainWithHoldout(input.examples, {
    holdoutFraction: input.options.holdoutFraction,
    train: {
      seed: input.options.seed,
      complementNb: input.options.complementNb,
      features: { buckets: input.options.buckets },
      softmax: { maxEpochs },
      onProgress: (message) =>
        post({ type: 'progress', message, fraction: progressOfMessage(message, maxEpochs) }),
    },
  });
  post({ type: 'progress', message: 'saving', fraction: 0.95 });
  const weights = gzipSync(serializeClassifier(model));
  post({ type: 'done', weights, report, summary: model.training });
} catch (error) {
  post({ type: 'error', message: error instanceof Error ? error.message : String(error) });
}
