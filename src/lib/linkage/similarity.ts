// String and token-set similarity measures for record linkage. They run once per candidate pair, millions of
// times, so they reuse module-level scratch buffers instead of allocating per call. None of the installed
// libraries offers Jaro–Winkler, bounded Levenshtein or Soundex, hence the hand-written versions here.

let flagsA = new Uint8Array(64);
let flagsB = new Uint8Array(64);
let rowPrev = new Int32Array(64);
let rowCurr = new Int32Array(64);

function ensureScratch(length: number): void {
  if (flagsA.length > length) return;
  const size = Math.max(length + 1, flagsA.length * 2);
  flagsA = new Uint8Array(size);
  flagsB = new Uint8Array(size);
  rowPrev = new Int32Array(size);
  rowCurr = new Int32Array(size);
}

/** Jaro similarity (0…1) over UTF-16 code units; Chinese characters are single units, so they count as one. */
export function jaro(a: string, b: string): number {
  const la = a.length;
  const lb = b.length;
  if (la === 0 && lb === 0) return 1;
  if (la === 0 || lb === 0) return 0;
  if (a === b) return 1;
  ensureScratch(Math.max(la, lb));
  flagsA.fill(0, 0, la);
  flagsB.fill(0, 0, lb);
  const window = Math.max(0, (Math.max(la, lb) >> 1) - 1);
  let matches = 0;
  for (let i = 0; i < la; i++) {
    const lo = Math.max(0, i - window);
    const hi = Math.min(lb - 1, i + window);
    const ca = a.charCodeAt(i);
    for (let j = lo; j <= hi; j++) {
      if (flagsB[j] === 0 && b.charCodeAt(j) === ca) {
        flagsA[i] = 1;
        flagsB[j] = 1;
        matches++;
        break;
      }
    }
  }
  if (matches === 0) return 0;
  let transpositions = 0;
  let k = 0;
  for (let i = 0; i < la; i++) {
    if (flagsA[i] === 0) continue;
    while (flagsB[k] === 0) k++;
    if (a.charCodeAt(i) !== b.charCodeAt(k)) transpositions++;
    k++;
  }
  const m = matches;
  return (m / la + m / lb + (m - transpositions / 2) / m) / 3;
}

/** Jaro–Winkler similarity with the usual prefix scale 0.1 over at most 4 common leading characters. */
export function jaroWinkler(a: string, b: string, prefixScale = 0.1): number {
  const j = jaro(a, b);
  if (j === 0 || j === 1) return j;
  const limit = Math.min(4, a.length, b.length);
  let prefix = 0;
  while (prefix < limit && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++;
  return j + prefix * prefixScale * (1 - j);
}

/**
 * Levenshtein distance, giving up early: returns `max + 1` as soon as the distance is known to exceed `max`.
 * Linkage only asks "within k edits?", and the early exit keeps long unequal strings cheap.
 */
export function levenshtein(a: string, b: string, max = Number.POSITIVE_INFINITY): number {
  if (a === b) return 0;
  let la = a.length;
  let lb = b.length;
  if (Math.abs(la - lb) > max) return max + 1;
  // Common prefix and suffix do not change the distance.
  let start = 0;
  while (start < la && start < lb && a.charCodeAt(start) === b.charCodeAt(start)) start++;
  while (la > start && lb > start && a.charCodeAt(la - 1) === b.charCodeAt(lb - 1)) {
    la--;
    lb--;
  }
  const n = la - start;
  const m = lb - start;
  if (n === 0) return m;
  if (m === 0) return n;
  ensureScratch(m + 1);
  for (let j = 0; j <= m; j++) rowPrev[j] = j;
  for (let i = 1; i <= n; i++) {
    rowCurr[0] = i;
    let rowMin = i;
    const ca = a.charCodeAt(start + i - 1);
    for (let j = 1; j <= m; j++) {
      const cost = ca === b.charCodeAt(start + j - 1) ? 0 : 1;
      const v = Math.min(rowPrev[j]! + 1, rowCurr[j - 1]! + 1, rowPrev[j - 1]! + cost);
      rowCurr[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    const t = rowPrev;
    rowPrev = rowCurr;
    rowCurr = t;
  }
  return rowPrev[m]!;
}

/**
 * Jaccard similarity of two token sets given as sorted, duplicate-free slices of one Int32Array
 * (`tokens[aStart..aEnd)` and `tokens[bStart..bEnd)`), so no arrays are created per pair.
 */
export function sortedJaccard(
  tokens: Int32Array,
  aStart: number,
  aEnd: number,
  bStart: number,
  bEnd: number,
): number {
  const na = aEnd - aStart;
  const nb = bEnd - bStart;
  if (na === 0 && nb === 0) return 1;
  let i = aStart;
  let j = bStart;
  let common = 0;
  while (i < aEnd && j < bEnd) {
    const x = tokens[i]!;
    const y = tokens[j]!;
    if (x === y) {
      common++;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return common / (na + nb - common);
}

/**
 * Cosine similarity of two token sets weighted by `weight[token]` (inverse document frequency), with the
 * precomputed vector norms; the slices are sorted and duplicate-free as for sortedJaccard.
 */
export function weightedCosine(
  tokens: Int32Array,
  weight: Float64Array,
  aStart: number,
  aEnd: number,
  aNorm: number,
  bStart: number,
  bEnd: number,
  bNorm: number,
): number {
  if (aNorm === 0 || bNorm === 0) return aEnd - aStart === 0 && bEnd - bStart === 0 ? 1 : 0;
  let i = aStart;
  let j = bStart;
  let dot = 0;
  while (i < aEnd && j < bEnd) {
    const x = tokens[i]!;
    const y = tokens[j]!;
    if (x === y) {
      const w = weight[x]!;
      dot += w * w;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return dot / (aNorm * bNorm);
}

const SOUNDEX_CODES = '01230120022455012623010202'; // a…z

/** American Soundex of the first word of Latin text (R163 for Robert and Rupert); '' when there is no letter. */
export function soundex(text: string): string {
  const s = text.toLowerCase();
  let out = '';
  let last = '';
  for (let i = 0; i < s.length && out.length < 4; i++) {
    const c = s.charCodeAt(i);
    if (c < 97 || c > 122) {
      if (out.length > 0 && c === 32) break;
      continue;
    }
    const code = SOUNDEX_CODES[c - 97]!;
    if (out.length === 0) {
      out = s[i]!.toUpperCase();
      last = code;
      continue;
    }
    // h and w do not separate letters of the same code; vowels do.
    if (code === '0') {
      if (c !== 104 && c !== 119) last = '';
      continue;
    }
    if (code !== last) out += code;
    last = code;
  }
  return out === '' ? '' : out.padEnd(4, '0');
}
