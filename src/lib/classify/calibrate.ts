// Temperature scaling (Guo et al. 2017): one scalar T divides the logits so that softmax probabilities match
// how often the model is right on held-out data. It does not change the ranking, only the confidence.

/** Mean negative log-likelihood of the true classes under softmax(logits / t). */
export function meanNll(logits: readonly Float64Array[], y: Int32Array, t: number): number {
  let sum = 0;
  logits.forEach((s, i) => {
    let max = Number.NEGATIVE_INFINITY;
    for (const v of s) if (v > max) max = v;
    let z = 0;
    for (const v of s) z += Math.exp((v - max) / t);
    sum += -((s[y[i]!]! - max) / t - Math.log(z));
  });
  return logits.length > 0 ? sum / logits.length : 0;
}

/** Fewer held-out examples than this cannot support a temperature: keep T = 1. */
export const MIN_CALIBRATION_EXAMPLES = 30;

/**
 * The temperature in [0.5, 50] that minimises the NLL (golden-section search on ln T); 1 with too little data.
 * The floor of 0.5 stops a small, perfectly classified validation set from making the model certain of everything.
 */
export function fitTemperature(logits: readonly Float64Array[], y: Int32Array): number {
  if (logits.length < MIN_CALIBRATION_EXAMPLES) return 1;
  let a = Math.log(0.5);
  let b = Math.log(50);
  const phi = (Math.sqrt(5) - 1) / 2;
  let c = b - phi * (b - a);
  let d = a + phi * (b - a);
  let fc = meanNll(logits, y, Math.exp(c));
  let fd = meanNll(logits, y, Math.exp(d));
  for (let i = 0; i < 60; i++) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - phi * (b - a);
      fc = meanNll(logits, y, Math.exp(c));
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + phi * (b - a);
      fd = meanNll(logits, y, Math.exp(d));
    }
  }
  return Math.exp((a + b) / 2);
}
