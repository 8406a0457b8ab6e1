// Same-incident detection: is a new request about the problem an open order already describes? Residents
// describe one burst pipe in many words, so text alone is weak; place and time carry most of the evidence.
// Text similarity is the Dice coefficient over character bigrams (no segmentation needed for Chinese, robust to
// word order), place is metres on the sphere, time is hours apart. Pure functions over plain values.
import { haversine } from '../location/geometry.ts';

/** Characters that carry no meaning for the comparison: punctuation, spaces, digits of house numbers stay. */
const NOISE = /[\s\p{P}\p{S}]+/gu;

export function bigrams(text: string): Map<string, number> {
  const chars = Array.from(text.toLowerCase().replace(NOISE, ''));
  const grams = new Map<string, number>();
  if (chars.length === 1) grams.set(chars[0]!, 1);
  for (let i = 0; i + 1 < chars.length; i++) {
    const g = chars[i]! + chars[i + 1]!;
    grams.set(g, (grams.get(g) ?? 0) + 1);
  }
  return grams;
}

/** Dice coefficient of two bigram multisets, 0 (nothing shared) … 1 (same text). */
export function textSimilarity(a: string | Map<string, number>, b: string | Map<string, number>): number {
  const ga = typeof a === 'string' ? bigrams(a) : a;
  const gb = typeof b === 'string' ? bigrams(b) : b;
  let sizeA = 0;
  let sizeB = 0;
  let shared = 0;
  for (const n of ga.values()) sizeA += n;
  for (const [g, n] of gb) {
    sizeB += n;
    const m = ga.get(g);
    if (m) shared += Math.min(m, n);
  }
  return sizeA + sizeB === 0 ? 0 : (2 * shared) / (sizeA + sizeB);
}

export interface IncidentCandidate {
  id: number;
  description: string;
  lng: number | null;
  lat: number | null;
  address: string | null;
  categoryCode: string | null;
  receivedAt: Date;
  /** The description's bigrams, when the caller keeps them (an open order is compared with many reports). */
  grams?: Map<string, number>;
}

export interface IncidentQuery {
  description: string;
  lng: number | null;
  lat: number | null;
  address: string | null;
  categoryCode: string | null;
  at: Date;
}

export interface SameIncidentRule {
  /** Two reports closer than this are at the same place. */
  radiusMetres: number;
  /** …and within this many hours of each other. */
  windowHours: number;
  /** …and at least this similar in text to be merged automatically. */
  minTextSimilarity: number;
}

export const DEFAULT_SAME_INCIDENT_RULE: SameIncidentRule = {
  radiusMetres: 150,
  windowHours: 72,
  minTextSimilarity: 0.35,
};

export interface ScoredCandidate {
  id: number;
  textSimilarity: number;
  distanceMetres: number | null;
  hoursApart: number;
  /** 0…1: text weighted with closeness in place and time, for ranking the "similar open orders" list. */
  score: number;
  sameIncident: boolean;
}

function normaliseAddress(a: string | null): string | null {
  return a ? a.replace(NOISE, '') : null;
}

/** What place, time and category say of a candidate: everything of the comparison but the text. */
function placeAndTime(
  query: IncidentQuery,
  queryAddress: string | null,
  c: IncidentCandidate,
  rule: SameIncidentRule,
) {
  const distance =
    query.lng !== null && query.lat !== null && c.lng !== null && c.lat !== null
      ? haversine(query.lng, query.lat, c.lng, c.lat)
      : null;
  const sameAddress = queryAddress !== null && queryAddress === normaliseAddress(c.address);
  const hours = Math.abs(query.at.getTime() - c.receivedAt.getTime()) / 3600_000;
  const near = sameAddress || (distance !== null && distance <= rule.radiusMetres);
  const categoryAgrees = !query.categoryCode || !c.categoryCode || query.categoryCode === c.categoryCode;
  return {
    distance,
    sameAddress,
    hours,
    /** Could be the same incident if the texts are alike enough. */
    possible: near && hours <= rule.windowHours && categoryAgrees,
  };
}

/** Scores every candidate against the query and ranks them, best first. */
export function rankCandidates(
  query: IncidentQuery,
  candidates: readonly IncidentCandidate[],
  rule: SameIncidentRule = DEFAULT_SAME_INCIDENT_RULE,
): ScoredCandidate[] {
  const queryGrams = bigrams(query.description);
  const queryAddress = normaliseAddress(query.address);
  const out: ScoredCandidate[] = [];
  for (const c of candidates) {
    const text = textSimilarity(queryGrams, c.grams ?? c.description);
    const { distance, sameAddress, hours, possible } = placeAndTime(query, queryAddress, c, rule);
    const closeness = sameAddress
      ? 1
      : distance === null
        ? 0.3
        : Math.max(0, 1 - distance / (4 * rule.radiusMetres));
    const recency = Math.max(0, 1 - hours / (4 * rule.windowHours));
    out.push({
      id: c.id,
      textSimilarity: text,
      distanceMetres: distance,
      hoursApart: hours,
      score: 0.6 * text + 0.3 * closeness + 0.1 * recency,
      sameIncident: possible && text >= rule.minTextSimilarity,
    });
  }
  return out.sort((a, b) => b.score - a.score || a.id - b.id);
}

/**
 * The open order the query is the same incident as, if any (the best-scoring one that qualifies). Only candidates
 * that agree in category, place and time can qualify, so the text — the dear part — is compared for those alone;
 * the ranking among them, and so the answer, is the same as ranking every candidate.
 */
export function findSameIncident(
  query: IncidentQuery,
  candidates: readonly IncidentCandidate[],
  rule: SameIncidentRule = DEFAULT_SAME_INCIDENT_RULE,
): ScoredCandidate | null {
  const queryAddress = normaliseAddress(query.address);
  const eligible = candidates.filter((c) => placeAndTime(query, queryAddress, c, rule).possible);
  return rankCandidates(query, eligible, rule).find((c) => c.sameIncident) ?? null;
}
