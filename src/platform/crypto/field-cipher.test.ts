import { createHmac, hkdfSync } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFieldCipher, type FieldCipher, loadDataKey, masterKeyOf } from './field-cipher.ts';

describe('field cipher', () => {
  const cipher = createFieldCipher(Buffer.alloc(32, 1));

  it('round-trips a value and never produces the same ciphertext twice', () => {
    const a = cipher.seal('11010519491231002X');
    const b = cipher.seal('11010519491231002X');
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
    expect(cipher.open(a)).toBe('11010519491231002X');
  });

  it('draws a fresh IV for every value across refills of its IV block, Chinese and empty text included', () => {
    const values = Array.from({ length: 2500 }, (_, i) =>
      i % 3 === 0 ? `北京市朝阳区${i}号` : i % 3 === 1 ? '' : `${i}`,
    );
    const sealed = values.map((v) => cipher.seal(v));
    const ivs = new Set(sealed.map((s) => Buffer.from(s).subarray(1, 13).toString('hex')));
    expect(ivs.size).toBe(values.length);
    expect(sealed.map((s) => cipher.open(s))).toEqual(values);
  });

  it('gives the master key of its own ciphers only, so that a worker thread makes the same cipher', () => {
    const key = masterKeyOf(cipher)!;
    expect(Array.from(key)).toEqual(Array.from(Buffer.alloc(32, 1)));
    const twin = createFieldCipher(key);
    expect(cipher.open(twin.seal('13800138000'))).toBe('13800138000');
    expect(Buffer.from(twin.blindIndex('x')).equals(Buffer.from(cipher.blindIndex('x')))).toBe(true);
    // A copy: changing it changes neither cipher.
    key.fill(0);
    expect(Array.from(masterKeyOf(cipher)!)).toEqual(Array.from(Buffer.alloc(32, 1)));
    const wrapped: FieldCipher = { ...cipher };
    expect(masterKeyOf(wrapped)).toBeUndefined();
  });

  it('detects a tampered ciphertext', () => {
    const sealed = Buffer.from(cipher.seal('13812345678'));
    sealed[sealed.length - 1]! ^= 1;
    expect(() => cipher.open(sealed)).toThrow();
  });

  it('gives equal blind indexes for equal values and different ones for another key', () => {
    expect(Buffer.from(cipher.blindIndex('x')).equals(Buffer.from(cipher.blindIndex('x')))).toBe(true);
    const other = createFieldCipher(Buffer.alloc(32, 2));
    expect(Buffer.from(cipher.blindIndex('x')).equals(Buffer.from(other.blindIndex('x')))).toBe(false);
  });

  it('keeps blind indexes stored earlier: HMAC-SHA-256 under the derived index key, short and long values alike', () => {
    const macKey = Buffer.from(
      hkdfSync('sha256', Buffer.alloc(32, 1), Buffer.alloc(0), 'cbrain blind index v1', 32),
    );
    const values = ['', '11010519491231002X', '北京市朝阳区建国路88号', '长'.repeat(86), '长'.repeat(400)];
    for (const v of [...values, ...values]) {
      const expected = createHmac('sha256', macKey).update(v, 'utf8').digest('hex');
      expect(Buffer.from(cipher.blindIndex(v)).toString('hex')).toBe(expected);
    }
  });

  it('creates a key file with owner-only permissions and reads the same key back', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'key-'));
    const first = loadDataKey(undefined, dir);
    const second = loadDataKey(undefined, dir);
    expect(Buffer.from(first).equals(Buffer.from(second))).toBe(true);
    expect(statSync(path.join(dir, 'data.key')).mode & 0o077).toBe(0);
    expect(readFileSync(path.join(dir, 'data.key'), 'utf8').trim()).toBe(
      Buffer.from(first).toString('base64'),
    );
  });

  it('prefers a configured key', () => {
    const key = Buffer.alloc(32, 9).toString('base64');
    expect(Buffer.from(loadDataKey(key, '/nonexistent')).toString('base64')).toBe(key);
  });
});
