import { describe, expect, it } from 'vitest';
import { likeContains, likePrefix } from './like-pattern.ts';

describe('LIKE patterns from user text', () => {
  it('escapes %, _ and the backslash so they match themselves', () => {
    expect(likePrefix('50%_off\\')).toBe('50\\%\\_off\\\\%');
    expect(likeContains('a_b')).toBe('%a\\_b%');
  });
  it('leaves ordinary text, Chinese included, as it is', () => {
    expect(likePrefix('欧阳')).toBe('欧阳%');
  });
});
