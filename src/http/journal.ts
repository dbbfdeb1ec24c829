// The request journal: the last N requests of each tenant through the front doors, in memory in
// this process (a ring buffer per tenant; requests that never authenticated share one more), so an
// integrator can see what their client sent and what came back. Recording copies a few fields and
// at most BODY_LIMIT characters of each body; redaction and filtering happen when someone reads.
// Several instances sharing one database each keep their own journal; a restart empties it.
import { redactedBody, redactedHeaders } from './redact.ts';
import { StartupError } from '../startup/startup-error.ts';

export const BODY_LIMIT = 16 * 1024;
export const DEFAULT_JOURNAL_SIZE = 100;

export interface JournalRecord {
  method: string;
  url: string;
  status: number;
  durationMs: number;
  door: string;
  tenantId: number | null;
  tenantSlug: string | null;
  requestId: string;
  requestHeaders: Record<string, string>;
  requestBody: string | null;
  requestType: string | undefined;
  responseBody: string | null;
  responseType: string | undefined;
  error: { kind: string; message: string } | null;
}

interface Stored extends JournalRecord {
  seq: number;
  at: number;
}

export interface JournalFilter {
  door?: string;
  /** 404, or a class: 4xx. */
  status?: string;
  /** Part of the path. */
  path?: string;
  limit?: number;
}

class Ring {
  readonly items: Stored[] = [];
  next = 0;
  readonly size: number;
  constructor(size: number) {
    this.size = size;
  }
  push(item: Stored): void {
    if (this.items.length < this.size) this.items.push(item);
    else this.items[this.next] = item;
    this.next = (this.next + 1) % this.size;
  }
  /** Newest first. */
  newestFirst(): Stored[] {
    const n = this.items.length;
    const out: Stored[] = [];
    for (let i = 1; i <= n; i++) out.push(this.items[(this.next - i + n) % n]);
    return out;
  }
}

export function statusMatches(status: number, wanted: string): boolean {
  const cls = /^([1-5])xx$/i.exec(wanted);
  return cls ? Math.floor(status / 100) === Number(cls[1]) : String(status) === wanted;
}

/** What a door said went wrong: the thrown failure, else the message in its error envelope. */
function errorOf(record: Stored): { kind: string; message: string } | null {
  if (record.error) return record.error;
  if (record.status < 400 || !record.responseBody) return null;
  try {
    const body = JSON.parse(record.responseBody) as Record<string, unknown>;
    const nested = body.error && typeof body.error === 'object' ? (body.error as Record<string, unknown>) : undefined;
    const message = body.message ?? body.msg ?? nested?.message ?? body.error ?? body.error_description;
    return typeof message === 'string' && message ? { kind: 'response', message } : null;
  } catch {
    return null;
  }
}

export function entryView(record: Stored) {
  const queryAt = record.url.indexOf('?');
  return {
    id: record.seq,
    at: new Date(record.at).toISOString(),
    door: record.door,
    tenant: record.tenantSlug,
    request_id: record.requestId,
    method: record.method,
    path: queryAt < 0 ? record.url : record.url.slice(0, queryAt),
    query: queryAt < 0 ? null : record.url.slice(queryAt + 1),
    status: record.status,
    duration_ms: record.durationMs,
    request: { headers: redactedHeaders(record.requestHeaders), body: redactedBody(record.requestBody, record.requestType) },
    response: { body: redactedBody(record.responseBody, record.responseType) },
    error: errorOf(record),
  };
}

export type JournalEntry = ReturnType<typeof entryView>;

export class Journal {
  readonly size: number;
  #rings = new Map<number, Ring>();
  #seq = 0;
  constructor(size = DEFAULT_JOURNAL_SIZE) {
    this.size = Math.max(0, Math.floor(size));
  }
  get enabled(): boolean {
    return this.size > 0;
  }
  record(record: JournalRecord): void {
    if (!this.enabled) return;
    const key = record.tenantId ?? 0;
    let ring = this.#rings.get(key);
    if (!ring) this.#rings.set(key, (ring = new Ring(this.size)));
    ring.push({ ...record, seq: ++this.#seq, at: Date.now() });
  }
  /** A tenant's requests (tenantId null: every tenant's and the unauthenticated ones), newest first. */
  list(tenantId: number | null, filter: JournalFilter = {}): JournalEntry[] {
    const rings = tenantId === null ? [...this.#rings.values()] : [this.#rings.get(tenantId)].filter((r): r is Ring => r !== undefined);
    const all = rings.flatMap((ring) => ring.newestFirst()).sort((a, b) => b.seq - a.seq);
    const path = filter.path?.toLowerCase();
    const matching = all.filter(
      (r) => (!filter.door || r.door === filter.door) && (!filter.status || statusMatches(r.status, filter.status)) && (!path || r.url.split('?')[0].toLowerCase().includes(path)),
    );
    return matching.slice(0, filter.limit ?? matching.length).map(entryView);
  }
  clear(tenantId: number | null): void {
    if (tenantId === null) this.#rings.clear();
    else this.#rings.delete(tenantId);
  }
}

export function journalSize(env: NodeJS.ProcessEnv = process.env): number {
  const value = env.BURSAR_JOURNAL_SIZE;
  if (value === undefined || value === '') return DEFAULT_JOURNAL_SIZE;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new StartupError(`BURSAR_JOURNAL_SIZE must be a whole number of requests (0 turns the journal off), got ${value}`);
  return n;
}
