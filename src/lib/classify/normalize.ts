// Text normalisation before feature extraction: hotline text mixes full- and half-width forms, digits (phone
// numbers, house numbers, dates), English, URLs and emoji, and can run to thousands of characters. Folding the
// forms together makes "ＡＢＣ１２３" and "abc123" the same features; clipping keeps the head and the tail of a
// long text (where the request and the ask usually are) so that cost per text stays bounded.

/** Default character budget: longer texts keep their first 2/3 and last 1/3 of this many characters. */
export const DEFAULT_MAX_CHARS = 3000;

/** NFKC (full-width → half-width), lower case, URLs and e-mail addresses dropped, digit runs → "0", spaces collapsed. */
export function normalizeText(text: string, maxChars = DEFAULT_MAX_CHARS): string {
  if (typeof text !== 'string' || text.length === 0) return '';
  let s = text.normalize('NFKC').toLowerCase();
  s = s.replace(/https?:\/\/\S+|www\.\S+/g, ' ').replace(/[\w.+-]+@[\w-]+\.[\w.]+/g, ' ');
  // Numbers carry little meaning for the category but many distinct n-grams: fold every run to one symbol.
  s = s.replace(/\d+(?:\.\d+)?/g, '0');
  s = s.replace(/\s+/g, ' ').trim();
  if (s.length > maxChars) {
    const head = Math.ceil((maxChars * 2) / 3);
    s = `${s.slice(0, head)} ${s.slice(s.length - (maxChars - head))}`;
  }
  return s;
}

/** True for characters that carry content: CJK ideographs, letters and digits (not punctuation or symbols). */
export function isContentChar(ch: string): boolean {
  return /[\p{Script=Han}\p{L}\p{N}]/u.test(ch);
}
