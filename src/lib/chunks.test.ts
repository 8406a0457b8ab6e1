import { describe, expect, it } from 'vitest';
import { chunksOf } from './chunks.ts';

describe('chunksOf', () => {
  it('slices into consecutive chunks of at most the size, the last one shorter, none for no items', () => {
    expect([...chunksOf([1, 2, 3, 4, 5], 2)]).toEqual([[1, 2], [3, 4], [5]]);
    expect([...chunksOf([1, 2], 2)]).toEqual([[1, 2]]);
    expect([...chunksOf([], 3)]).toEqual([]);
  });
});
