// Encryption at rest (AES-256-GCM) for card and bank numbers and for secrets that must be shown
// again, and one-way hashes for API keys. The key comes from BURSAR_SECRET_KEY (64 hex chars or
// any passphrase) or from a file generated once in the data folder.
import { createCipheriv, createDecipheriv, createHash, createHmac, createSecretKey, randomBytes, scrypt, scryptSync, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface SecretBox {
  encrypt(plain: string): string;
  decrypt(sealed: string): string;
  /** Keyed hash for fingerprints (same card → same fingerprint, not reversible). */
  fingerprint(value: string): string;
}

export function keyFromConfig(secretKey: string | undefined, dataDir: string): Buffer {
  if (secretKey) {
    if (/^[0-9a-fA-F]{64}$/.test(secretKey)) return Buffer.from(secretKey, 'hex');
    return createHash('sha256').update(secretKey).digest();
  }
  const file = join(dataDir, 'secret.key');
  if (existsSync(file)) return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, key.toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
  return key;
}

export function createSecretBox(rawKey: Buffer): SecretBox {
  // Key objects made once: building them from raw bytes on every call showed in the profile.
  const key = createSecretKey(rawKey);
  const fingerprintKey = createSecretKey(createHmac('sha256', rawKey).update('fingerprint').digest());
  return {
    encrypt(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return ['v1', iv.toString('base64'), cipher.getAuthTag().toString('base64'), body.toString('base64')].join(':');
    },
    decrypt(sealed) {
      const [version, iv, tag, body] = sealed.split(':');
      if (version !== 'v1' || !iv || !tag || body === undefined) throw new Error('unreadable sealed value');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
      decipher.setAuthTag(Buffer.from(tag, 'base64'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
    },
    fingerprint(value) {
      return createHmac('sha256', fingerprintKey).update(value).digest('base64url').slice(0, 22);
    },
  };
}

/** Lookup hash for high-entropy secrets (API keys): fast, so a key can be found by its hash. */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** Slow salted hash for low-entropy secrets (passwords). */
export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  const hash = scryptSync(password, salt, 32);
  return `scrypt:${salt.toString('base64')}:${hash.toString('base64')}`;
}

/**
 * The same hash, computed on libuv's thread pool: the event loop keeps serving (and a server
 * starting keeps building its routes) during the ~70 ms of scrypt, and several hash in parallel.
 */
export function hashPasswordAsync(password: string): Promise<string> {
  const salt = randomBytes(16);
  return new Promise((resolve, reject) => scrypt(password, salt, 32, (error, hash) => (error ? reject(error) : resolve(`scrypt:${salt.toString('base64')}:${hash.toString('base64')}`))));
}

export function verifyPassword(password: string, stored: string): boolean {
  const [scheme, salt, hash] = stored.split(':');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = scryptSync(password, Buffer.from(salt, 'base64'), expected.length);
  return timingSafeEqual(expected, actual);
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Random token of URL-safe characters, for keys and tokens shown to clients. */
export function randomToken(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}

// Random bytes drawn from a pool refilled from the CSPRNG a few kilobytes at a time: each byte is
// used once, and a batch of renewals (three tokens each) does not call into the OS per token.
const pool = { bytes: Buffer.alloc(0), at: 0 };

function poolBytes(length: number): Buffer {
  if (pool.at + length > pool.bytes.length) {
    pool.bytes = randomBytes(Math.max(4096, length));
    pool.at = 0;
  }
  const out = pool.bytes.subarray(pool.at, pool.at + length);
  pool.at += length;
  return out;
}

/** Random lowercase alphanumeric string (ChargeOver-style tokens, FluidPay keys). */
export function randomAlnum(length: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = poolBytes(length);
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[bytes[i] % alphabet.length];
  return out;
}
