// Text similarity for duplicate requests (重复诉求): the same problem reported by several residents, or by one
// resident several times. Cosine similarity of character-bigram count vectors over normalised text: robust to
// word order, particles and segmentation, cheap, and meaningful for short Chinese texts. `DuplicateIndex` keeps
// the vectors of recent requests and returns the most similar ones above a threshold, with an inverted index on
// bigrams so that only texts sharing a bigram are compared.
import { isContentChar, normalizeText } from './normalize.ts';

export type BigramVector = Map<string, number>;

/** Character bigrams (unigrams for one-character runs) of the content characters of a text. */
export function bigramVector(text: string): BigramVector {
  const chars = Array.from(normalizeText(text)).filter(isContentChar);
  const v: BigramVector = new Map();
  if (chars.length === 1) v.set(chars[0]!, 1);
  for (let i = 0; i + 1 < chars.length; i++) {
    const g = chars[i]! + chars[i + 1]!;
    v.set(g, (v.get(g) ?? 0) + 1);
  }
  return v;
}

function norm(v: BigramVector): number {
  let s = 0;
  for (const c of v.values()) s += c * c;
  return Math.sqrt(s);
}

export function cosine(a: BigramVector, b: BigramVector): number {
  const na = norm(a);
  const nb = norm(b);
  if (na === 0 || nb === 0) return 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let dot = 0;
  for (const [g, c] of small) dot += c * (large.get(g) ?? 0);
  return dot / (na * nb);
}

/** Cosine similarity (0…1) of two texts' character bigrams; 0 when either has no content. */
export function textSimilarity(a: string, b: string): number {
  return cosine(bigramVector(a), bigramVector(b));
}

export interface SimilarText<Id> {
  id: Id;
  similarity: number;
}

/** An index of texts for near-duplicate search. */
export class DuplicateIndex<Id> {
  #vectors = new Map<Id, { v: BigramVector; n: number }>();
  #postings = new Map<string, Set<Id>>();

  add(id: Id, text: string): void {
    this.remove(id);
    const v = bigramVector(text);
    this.#vectors.set(id, { v, n: norm(v) });
    for (const g of v.keys()) {
      const p = this.#postings.get(g);
      if (p) p.add(id);
      else this.#postings.set(g, new Set([id]));
    }
  }

  remove(id: Id): void {
    const old = this.#vectors.get(id);
    if (!old) return;
    for (const g of old.v.keys()) this.#postings.get(g)?.delete(id);
    this.#vectors.delete(id);
  }

  get size(): number {
    return this.#vectors.size;
  }

  /** Indexed texts with similarity ≥ threshold to `text`, most similar first (at most `limit`). */
  similar(text: string, threshold = 0.6, limit = 10): SimilarText<Id>[] {
    const q = bigramVector(text);
    const nq = norm(q);
    if (nq === 0) return [];
    const dots = new Map<Id, number>();
    for (const [g, c] of q) {
      for (const id of this.#postings.get(g) ?? []) {
        dots.set(id, (dots.get(id) ?? 0) + c * this.#vectors.get(id)!.v.get(g)!);
      }
    }
    const out: SimilarText<Id>[] = [];
    for (const [id, dot] of dots) {
      const similarity = dot / (nq * this.#vectors.get(id)!.n);
      if (similarity >= threshold) out.push({ id, similarity });
    }
    return out.sort((a, b) => b.similarity - a.similarity).slice(0, limit);
  }
}
