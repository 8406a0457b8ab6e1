// Field-level protection of identifiers at rest: AES-256-GCM encryption (random IV, authenticated) and a keyed
// HMAC-SHA-256 "blind index" for exact-match look-ups without decrypting. The key lives outside the database
// (CBRAIN_DATA_KEY, or a key file in the data directory). The algorithms sit behind this one module so that a
// deployment needing SM4/SM3 (密评) swaps them here.
import { createCipheriv, createDecipheriv, hash, hkdfSync, randomBytes, randomFillSync } from 'node:crypto';
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

/** The master key of each cipher this module made, so that a worker thread can make the same cipher. */
const masterKeys = new WeakMap<FieldCipher, Uint8Array>();

/**
 * The master key `cipher` was made from, to hand to a worker thread that seals with the same keys (a worker cannot
 * share the cipher object itself); undefined for a cipher made elsewhere (a test's wrapper), which stays on its thread.
 */
export function masterKeyOf(cipher: FieldCipher): Uint8Array | undefined {
  const key = masterKeys.get(cipher);
  return key && Uint8Array.from(key);
}

export function createFieldCipher(masterKey: Uint8Array): FieldCipher {
  if (masterKey.length !== 32) throw new Error('the data key must be 32 bytes');
  const cipher = makeFieldCipher(masterKey);
  masterKeys.set(cipher, Uint8Array.from(masterKey));
  return cipher;
}

function makeFieldCipher(masterKey: Uint8Array): FieldCipher {
  // Separate keys for encryption and indexing, derived from the one master key.
  const encKey = Buffer.from(
    hkdfSync('sha256', masterKey, Buffer.alloc(0), 'cbrain field encryption v1', 32),
  );
  const macKey = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'cbrain blind index v1', 32));
  const hmac = blindIndexer(macKey);
  // IVs come from the CSPRNG in blocks rather than one call per value (imports seal three values per row).
  const ivPool = Buffer.alloc(IV_BYTES * 1024);
  let ivNext = ivPool.length;
  return {
    seal(plain) {
      if (ivNext === ivPool.length) {
        randomFillSync(ivPool);
        ivNext = 0;
      }
      const out = Buffer.allocUnsafe(1 + IV_BYTES + TAG_BYTES + Buffer.byteLength(plain, 'utf8'));
      out[0] = VERSION;
      ivPool.copy(out, 1, ivNext, ivNext + IV_BYTES);
      ivNext += IV_BYTES;
      const cipher = createCipheriv('aes-256-gcm', encKey, out.subarray(1, 1 + IV_BYTES));
      // GCM is a stream mode: the cipher text has the length of the plain text, update gives all of it.
      const body = cipher.update(plain, 'utf8');
      cipher.final();
      body.copy(out, 1 + IV_BYTES + TAG_BYTES);
      cipher.getAuthTag().copy(out, 1 + IV_BYTES);
      return out;
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
    blindIndex: hmac,
  };
}

const SHA256_BLOCK = 64;

/**
 * HMAC-SHA-256 (RFC 2104) of short values under one fixed key, from two one-shot hashes over precomputed padded key
 * blocks: the same digest as createHmac, at about half its cost (an import computes one per identifier; the Hmac
 * object's setup dominates for values this short).
 */
function blindIndexer(key: Buffer): (plain: string) => Uint8Array {
  if (key.length > SHA256_BLOCK) throw new Error('the blind index key must fit one SHA-256 block');
  const inner = Buffer.alloc(SHA256_BLOCK + 256);
  const outer = Buffer.alloc(SHA256_BLOCK + 32);
  for (let i = 0; i < SHA256_BLOCK; i++) {
    inner[i] = (key[i] ?? 0) ^ 0x36;
    outer[i] = (key[i] ?? 0) ^ 0x5c;
  }
  return (plain) => {
    // The scratch block holds any value of up to 256 UTF-8 bytes (identifiers are far shorter); longer ones get
    // a buffer of their own.
    const message =
      Buffer.byteLength(plain, 'utf8') <= inner.length - SHA256_BLOCK
        ? inner.subarray(0, SHA256_BLOCK + inner.write(plain, SHA256_BLOCK, 'utf8'))
        : Buffer.concat([inner.subarray(0, SHA256_BLOCK), Buffer.from(plain, 'utf8')]);
    hash('sha256', message, 'buffer').copy(outer, SHA256_BLOCK);
    return hash('sha256', outer, 'buffer');
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
