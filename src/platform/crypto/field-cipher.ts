// Field-level protection of identifiers at rest: AES-256-GCM encryption (random IV, authenticated) and a keyed
// HMAC-SHA-256 "blind index" for exact-match look-ups without decrypting. The key lives outside the database
// (CBRAIN_DATA_KEY, or a key file in the data directory). The algorithms sit behind this one module so that a
// deployment needing SM4/SM3 (密评) swaps them here.
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const IV_BYTES = 12;
const TAG_BYTES = 16;
const VERSION = 1;

export interface FieldCipher {
  seal(plain: string): Uint8Array;
  open(sealed: Uint8Array): string;
  /** Deterministic keyed hash of a normalised value, for equality look-ups. */
  blindIndex(plain: string): Uint8Array;
}

export function createFieldCipher(masterKey: Uint8Array): FieldCipher {
  if (masterKey.length !== 32) throw new Error('the data key must be 32 bytes');
  // Separate keys for encryption and indexing, derived from the one master key.
  const encKey = Buffer.from(
    hkdfSync('sha256', masterKey, Buffer.alloc(0), 'cbrain field encryption v1', 32),
  );
  const macKey = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'cbrain blind index v1', 32));
  return {
    seal(plain) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', encKey, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]);
    },
    open(sealed) {
      const buf = Buffer.from(sealed);
      if (buf[0] !== VERSION) throw new Error('unknown field cipher version');
      const iv = buf.subarray(1, 1 + IV_BYTES);
      const tag = buf.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
      const decipher = createDecipheriv('aes-256-gcm', encKey, iv);
      decipher.setAuthTag(tag);
      return Buffer.concat([
        decipher.update(buf.subarray(1 + IV_BYTES + TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
    },
    blindIndex(plain) {
      return createHmac('sha256', macKey).update(plain, 'utf8').digest();
    },
  };
}

/**
 * The master key: from configuration when given, otherwise read from (or created in) `<dataDir>/data.key` with
 * owner-only permissions, so an embedded installation works out of the box and keeps its key across restarts.
 */
export function loadDataKey(configured: string | undefined, dataDir: string): Uint8Array {
  if (configured) return Buffer.from(configured, 'base64');
  const file = path.join(dataDir, 'data.key');
  if (existsSync(file)) {
    const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new Error(`${file} does not hold a 32-byte base64 key`);
    return key;
  }
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600 });
  return key;
}
