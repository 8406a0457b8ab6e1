// SQL LIKE patterns from user text: the wildcards and the escape character in the text match themselves.

export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Matches values that start with `text` (a prefix test that a text_pattern_ops index can serve). */
export function likePrefix(text: string): string {
  return `${escapeLike(text)}%`;
}

/** Matches values that contain `text` anywhere. */
export function likeContains(text: string): string {
  return `%${escapeLike(text)}%`;
}
