// The hashing trick: a feature string maps to one of `buckets` slots with 32-bit FNV-1a, so the model needs no
// vocabulary and stays bounded in size however many distinct n-grams real text brings.

export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function bucketOf(feature: string, buckets: number): number {
  return fnv1a(feature) % buckets;
}
