// Gateway events (spec §3.C15, §4.16): AffiniPay's event stream read from the core's event log,
// which records every change in the same transaction as the change. One core event may show as
// several AffiniPay events — a charge's is created (PENDING) then authorized or failed; a refund's
// is created, then authorized (or pending its charge's settlement), then its charge updated — and
// each gets its own id (the core event's id and its place). Only the key's mode is shown.
import type { FastifyRequest } from 'fastify';
import { modeOf, type TenantContext } from '../../core/context.ts';
import type { EventRow, TransactionRow } from '../../core/database.ts';
import { eventsOfMode, getEvent } from '../../core/events/events.ts';
import { transactionsByIds } from '../../core/payments/queries.ts';
import { TxnStatus, TxnType } from '../../core/payments/states.ts';
import { tenantOf } from '../../http/auth.ts';
import { notFoundError } from './errors.ts';
import { decodeId, encodeId, sameSecond, type GatewayKind } from './ids.ts';
import type { Router } from './routing.ts';
import { GATEWAY_TYPES, renderContext, renderTransaction, txnFields } from './transactions.ts';
import { readInstant, readPage, searchResults, timestamp, type Body } from './wire.ts';
import { paymentMethodsByIds } from '../../core/vault/queries.ts';
import { renderSavedMethod } from './saved.ts';
import { expandRecurring, renderRecurringData, type RecurringShown } from './recurring-events.ts';

interface Shown {
  /** The AffiniPay event type. */
  type: string;
  /** The transaction shown, and how. */
  row: TransactionRow;
  asCreated?: boolean;
  /** Show the transaction as it is now (a charge whose refund was voided). */
  current?: boolean;
  /** A recurring charge or occurrence instead of a transaction (row then names the subscription). */
  recurring?: RecurringShown;
  /** A saved card (its expiry notices) instead of a transaction (row then names the card). */
  saved?: number;
}

const SUB_KINDS: GatewayKind[] = ['event0', 'event1', 'event2', 'event3'];

function gatewayTxn(data: unknown): TransactionRow | null {
  const row = data as TransactionRow | null;
  if (!row || typeof row !== 'object' || typeof row.id !== 'number') return null;
  if (!(GATEWAY_TYPES as readonly string[]).includes(row.type) || (row.payment_kind !== 'card' && row.payment_kind !== 'bank')) return null;
  return row;
}

/** A core event as both the log and the webhook outbox have it. */
export interface CoreEvent {
  id: number;
  type: string;
  objectType: string;
  objectId?: number;
  data: unknown;
  createdAt: number;
}

export const fromRow = (row: EventRow): CoreEvent => ({
  id: row.id,
  type: row.type,
  objectType: row.object_type,
  objectId: Number(row.object_id),
  data: JSON.parse(row.data) as unknown,
  createdAt: row.created_at,
});

/** The AffiniPay events one core event shows as, oldest first. */
export function expand(event: CoreEvent): Shown[] {
  if (event.objectType === 'subscription') {
    const data = (event.data ?? {}) as { subscription_id?: unknown; id?: unknown };
    const id = Number(event.objectId ?? data.subscription_id ?? data.id);
    return expandRecurring(event, id).map((s) => ({ type: s.type, row: { id } as TransactionRow, recurring: s.recurring }));
  }
  if (event.objectType === 'payment_method' && (event.type === 'payment_method.expiring' || event.type === 'payment_method.expired')) {
    const id = Number(event.objectId ?? (event.data as { id?: unknown } | null)?.id);
    return [{ type: event.type, row: { id } as TransactionRow, saved: id }];
  }
  if (event.objectType !== 'transaction') return [];
  const data = (event.data ?? {}) as Record<string, unknown>;
  if (event.type === 'transaction.refunded') {
    const refund = gatewayTxn(data.refund);
    const parent = gatewayTxn(data.parent);
    if (!refund || !parent) return [];
    const deferred = refund.status === TxnStatus.PENDING && parent.status !== TxnStatus.SETTLED;
    return [
      { type: 'transaction.created', row: refund, asCreated: true },
      { type: deferred ? 'transaction.pending_parent_settlement' : 'transaction.authorized', row: refund },
      { type: 'transaction.updated', row: parent },
    ];
  }
  const row = gatewayTxn(data);
  if (!row) return [];
  switch (event.type) {
    case 'transaction.captured':
      if (row.type === TxnType.AUTHORIZE) return txnFields(row).capture_time === 'NEXT_AUTO_CAPTURE' ? [{ type: 'transaction.updated', row }] : [];
      return [
        { type: 'transaction.created', row, asCreated: true },
        { type: 'transaction.authorized', row },
      ];
    case 'transaction.authorized':
      return [
        { type: 'transaction.created', row, asCreated: true },
        { type: 'transaction.authorized', row },
      ];
    case 'transaction.declined':
      return [
        { type: 'transaction.created', row, asCreated: true },
        { type: 'transaction.failed', row },
      ];
    case 'transaction.unknown':
      return [{ type: 'transaction.created', row, asCreated: true }];
    case 'transaction.settled':
      return [{ type: 'transaction.completed', row }];
    case 'transaction.returned':
      return [{ type: 'transaction.failed', row }];
    case 'transaction.voided': {
      const shown: Shown[] = [{ type: 'transaction.voided', row }];
      if (row.type === TxnType.REFUND && row.parent_id !== null) shown.push({ type: 'transaction.updated', row: { id: row.parent_id } as TransactionRow, current: true });
      return shown;
    }
  }
  return [];
}

interface Listed {
  event: CoreEvent;
  sub: number;
  shown: Shown;
}

async function renderEvents(ctx: TenantContext, all: readonly Listed[]): Promise<Record<string, unknown>[]> {
  const recurring = all.filter((l) => l.shown.recurring);
  const recurringData = await renderRecurringData(
    ctx,
    recurring.map((l) => l.shown.recurring as RecurringShown),
  );
  const dataOf = new Map<Listed, Record<string, unknown> | null>(recurring.map((l, i) => [l, recurringData[i]]));
  const cards = await paymentMethodsByIds(
    ctx,
    all.flatMap((l) => (l.shown.saved === undefined ? [] : [l.shown.saved])),
  );
  for (const l of all.filter((l) => l.shown.saved !== undefined)) {
    const card = cards.get(l.shown.saved as number);
    dataOf.set(l, card && card.status === 'active' && card.mode === modeOf(ctx) ? renderSavedMethod(card) : null);
  }
  const listed = all.filter((l) => !l.shown.recurring && l.shown.saved === undefined);
  const current = await transactionsByIds(
    ctx,
    listed.filter((l) => l.shown.current).map((l) => l.shown.row.id),
  );
  const rows = listed.map((l) => (l.shown.current ? current.get(l.shown.row.id) : l.shown.row)).filter((r): r is TransactionRow => r !== undefined);
  const rc = await renderContext(ctx, rows);
  return all.flatMap((l) => {
    if (l.shown.recurring || l.shown.saved !== undefined) {
      const data = dataOf.get(l);
      return data ? [{ id: encodeId(SUB_KINDS[l.sub], l.event.id, l.event.createdAt), created: timestamp(l.event.createdAt), type: l.shown.type, data }] : [];
    }
    const row = l.shown.current ? current.get(l.shown.row.id) : l.shown.row;
    if (!row) return [];
    return [
      {
        id: encodeId(SUB_KINDS[l.sub], l.event.id, l.event.createdAt),
        created: timestamp(l.event.createdAt),
        type: l.shown.type,
        data: renderTransaction(row, rc, { asCreated: l.shown.asCreated }),
      },
    ];
  });
}

/** One of the AffiniPay events of a core event (its place among them), as GET /v1/events/{id} answers it and webhooks send it; null when it shows no such event. */
export async function renderEventAt(ctx: TenantContext, event: CoreEvent, sub: number): Promise<Record<string, unknown> | null> {
  const shown = expand(event)[sub];
  if (!shown) return null;
  return (await renderEvents(ctx, [{ event, sub, shown }]))[0] ?? null;
}

async function list(request: FastifyRequest): Promise<Record<string, unknown>> {
  const ctx = tenantOf(request);
  const query = request.query as Body;
  const page = readPage(query, 1000);
  const start = readInstant(query.start_date, 'start_date');
  const ascending = start !== undefined;
  const rows = await eventsOfMode(ctx, { mode: modeOf(ctx), objectTypes: ['transaction', 'subscription', 'payment_method'], createdAfter: start, order: ascending ? 'asc' : 'desc' });
  const all: Listed[] = rows.flatMap((row) => {
    const event = fromRow(row);
    const shown = expand(event).map((s, sub) => ({ event, sub, shown: s }));
    return ascending ? shown : shown.reverse();
  });
  return searchResults(page, all.length, await renderEvents(ctx, all.slice(page.offset, page.offset + page.pageSize)));
}

async function one(request: FastifyRequest): Promise<Record<string, unknown>> {
  const ctx = tenantOf(request);
  const idText = (request.params as Body).id;
  for (const [sub, kind] of SUB_KINDS.entries()) {
    const decoded = decodeId(kind, idText);
    if (!decoded) continue;
    const row = await getEvent(ctx, decoded.id);
    if (!row || row.mode !== modeOf(ctx) || !sameSecond(decoded, row.created_at)) break;
    const rendered = await renderEventAt(ctx, fromRow(row), sub);
    if (rendered) return rendered;
  }
  throw notFoundError();
}

export function eventRoutes(router: Router): void {
  router.get('/v1/events', list);
  router.get('/v1/events/:id', one);
}
