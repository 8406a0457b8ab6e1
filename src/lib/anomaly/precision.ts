// Precision and recall of raised alerts against injected ground truth, matching on (device, rule).
export interface Labelled {
  deviceUid: string;
  rule: string;
}

export interface Score {
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  precision: number;
  recall: number;
}

export function scoreAlerts(alerts: readonly Labelled[], truth: readonly Labelled[]): Score {
  const key = (l: Labelled) => `${l.deviceUid}\u0000${l.rule}`;
  const truthKeys = new Set(truth.map(key));
  const alertKeys = new Set(alerts.map(key));
  let tp = 0;
  for (const k of alertKeys) if (truthKeys.has(k)) tp++;
  const fp = alertKeys.size - tp;
  const fn = truthKeys.size - tp;
  return {
    truePositives: tp,
    falsePositives: fp,
    falseNegatives: fn,
    precision: alertKeys.size ? tp / alertKeys.size : 1,
    recall: truthKeys.size ? tp / truthKeys.size : 1,
  };
}
