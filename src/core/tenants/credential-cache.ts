// Every authenticated request looks its credential up by the hash of its key (or its public id).
// The answer barely ever changes, so it is kept in this process for a few seconds: a request then
// reads only its tenant's row (always fresh: clock, faults and settings change under it).
// Revoking or changing a credential in this process forgets every cached one at once (after the
// change, and again after its commit); another instance sharing the database sees the change
// within CREDENTIAL_CACHE_TTL_MS. Keys that are not found are never cached (a key issued elsewhere
// works at once).
import type { Credential } from '../database.ts';

/** How long another instance may still accept a credential revoked elsewhere. */
export const CREDENTIAL_CACHE_TTL_MS = 3_000;
/** Beyond this many entries the cache starts again (bounded memory under a flood of distinct keys). */
const MAX_ENTRIES = 10_000;

interface Entry {
  credential: Credential;
  expiresAt: number;
  generation: number;
}

// One cache per database handle: two servers in one process (tests) over different databases must
// not see each other's credentials.
const caches = new WeakMap<object, Map<string, Entry>>();
let generation = 0;

// Monotonic process time, not a tenant's clock: this is about the cache, not the domain.
const now = (): number => performance.now();

export function cachedCredential(db: object, key: string): Credential | undefined {
  const entry = caches.get(db)?.get(key);
  if (!entry) return undefined;
  if (entry.generation !== generation || entry.expiresAt <= now()) {
    caches.get(db)?.delete(key);
    return undefined;
  }
  return entry.credential;
}

/** The generation to pass to rememberCredential: a change made while the lookup ran voids its answer. */
export function credentialGeneration(): number {
  return generation;
}

export function rememberCredential(db: object, key: string, credential: Credential, seenAt: number): void {
  if (seenAt !== generation) return;
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new Map()));
  if (cache.size >= MAX_ENTRIES) cache.clear();
  cache.set(key, { credential, expiresAt: now() + CREDENTIAL_CACHE_TTL_MS, generation });
}

/** Call after revoking or changing credentials (and again once committed): this process forgets them all. */
export function forgetCredentials(): void {
  generation++;
}
