// An idempotency claim travels with the request's context into the core: the first business
// transaction the request opens records the key in that same transaction, so a retry after a crash
// finds the committed result instead of running the write again (no time-based takeover).
export interface IdempotencyClaim {
  /** Whose keys these are: the door and the caller's credential. */
  scope: string;
  key: string;
  /** Of the request; the same key with another request is refused. */
  fingerprint: string;
  ttlMs: number;
  /** Set once this request's business transaction has committed the record. */
  recorded?: boolean;
  /** Set when the core answered with the result of an earlier request under the same key. */
  replayed?: boolean;
}

export interface ResultRef {
  type: string;
  id: number;
}

/** A write the core can replay: how to name its result, and how to load it again from that name. */
export interface KeyedOperation<T> {
  name: string;
  ref(result: T): ResultRef;
  load(ctx: import('../context.ts').TenantContext, ref: ResultRef): Promise<T>;
}
