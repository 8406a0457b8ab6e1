// What goes to and comes back from the linkage worker, and the runner that starts one worker per run. The
// result keeps only what the run stores: pairs in or above the review band (and decided ones) with their
// evidence, the cluster of every record, and the fitted model.
import type { LinkageResult, PairDecision } from '../../lib/linkage/engine.ts';
import type { LinkageSettings } from '../../lib/linkage/settings.ts';
import type { IdentityEvidence } from '../../platform/db/index.ts';
import { runTsWorkerJob } from '../../platform/worker/ts-worker.ts';

export interface LinkageJob {
  columns: Record<string, string[]>;
  ids: string[];
  settings: LinkageSettings;
  decisions: PairDecision[];
}

export type PairDecisionLabel = 'match' | 'review' | 'non_match' | 'confirmed' | 'split';

export interface LinkageSummary {
  records: number;
  candidatePairs: number;
  matches: number;
  reviews: number;
  clusters: number;
  /** First record index of each record's cluster. */
  clusterOf: Int32Array;
  pairs: {
    a: number;
    b: number;
    probability: number;
    weight: number;
    decision: PairDecisionLabel;
    evidence: IdentityEvidence[];
  }[];
  model: Record<string, unknown>;
}

export type WorkerMessage =
  | { type: 'stage'; stage: string }
  | { type: 'progress'; done: number; total: number }
  | { type: 'result'; result: LinkageSummary }
  | { type: 'error'; name: string; message: string };

export function summariseLinkage(result: LinkageResult): LinkageSummary {
  const { review } = result.settings.thresholds;
  const pairs: LinkageSummary['pairs'] = [];
  for (let p = 0; p < result.candidatePairs; p++) {
    const probability = result.matchProbability[p]!;
    const decided = result.decided[p]!;
    if (decided === 0 && probability < review) continue;
    pairs.push({
      a: result.a[p]!,
      b: result.b[p]!,
      probability,
      weight: result.matchWeight[p]!,
      decision:
        decided === 1 ? 'confirmed' : decided === 2 ? 'split' : result.isMatch[p] ? 'match' : 'review',
      evidence: result.evidence(p).map((e) => ({ ...e, weight: Math.round(e.weight * 1000) / 1000 })),
    });
  }
  return {
    records: result.records,
    candidatePairs: result.candidatePairs,
    matches: result.matches,
    reviews: result.reviews,
    clusters: result.clusters ?? result.records,
    clusterOf: result.clusterOf ?? Int32Array.from({ length: result.records }, (_, i) => i),
    pairs,
    model: {
      comparisons: result.comparisons,
      prior: result.prior,
      emIterations: result.emIterations,
      emConverged: result.emConverged,
      seconds: result.seconds,
      blocking: result.blocking,
    },
  };
}

export class LinkageWorkerError extends Error {
  constructor(
    readonly kind: string,
    message: string,
  ) {
    super(message);
  }
}

/** Runs the job in a worker thread; `onProgress` hears the stage and the pairs compared so far. */
export function runLinkageInWorker(
  job: LinkageJob,
  onProgress: (m: { stage?: string; done?: number; total?: number }) => void,
): Promise<LinkageSummary> {
  return runTsWorkerJob<WorkerMessage, LinkageSummary>(new URL('./linkage-worker.ts', import.meta.url), {
    input: job,
    onMessage: (m: WorkerMessage) => {
      if (m.type === 'stage') onProgress({ stage: m.stage });
      else if (m.type === 'progress') onProgress({ done: m.done, total: m.total });
      else if (m.type === 'result') return { result: m.result };
      else return { error: new LinkageWorkerError(m.name, m.message) };
      return undefined;
    },
    exitError: (code) => new LinkageWorkerError('Error', `linkage worker exited with code ${code}`),
  });
}
