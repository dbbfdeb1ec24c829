// What a core event changed, in neutral words every format maps to its vendor's: which object, and
// whether it was created, updated or deleted (with its status, when the event moved it). One event
// may change two objects (a refund creates a refund transaction and updates its parent).
import type { WebhookEvent } from './format.ts';

export type ChangeAction = 'created' | 'updated' | 'deleted';

export interface Change {
  object: string;
  id: number;
  action: ChangeAction;
  /** The core event it comes from (transaction.captured, invoice.paid ...). */
  cause: string;
  /** The object's status after the change, where the event moved it. */
  status?: string;
  /** transaction type (sale, authorize, credit, refund) or payment method kind (card, bank). */
  kind?: string;
  /** The snapshot of the object the change is about. */
  snapshot: Record<string, unknown>;
}

type Snapshot = Record<string, unknown>;

const asObject = (value: unknown): Snapshot => (value && typeof value === 'object' ? (value as Snapshot) : {});
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const num = (value: unknown, fallback: number): number => (typeof value === 'number' && Number.isSafeInteger(value) ? value : fallback);

// Transaction events that make a new transaction (an approved sale is created captured; capturing
// an authorization is the only later `captured`, and only authorize-type transactions take it).
const NEW_TRANSACTION = new Set([
  'transaction.authorized',
  'transaction.pending',
  'transaction.declined',
  'transaction.unknown',
  'transaction.recorded',
  'transaction.credit_granted',
  'transaction.error',
]);
const TRANSACTION_MOVES = new Set(['transaction.captured', 'transaction.voided', 'transaction.returned', 'transaction.settled']);

const SIMPLE: Record<string, ChangeAction> = { created: 'created', updated: 'updated', deleted: 'deleted' };

// Notices ahead of something due (jobs kind `notices`) change nothing: formats that speak in changes
// send none for them (a door that names them, ChargeDesk, maps them itself).
const NOTICES = new Set(['subscription.payment_upcoming', 'subscription.trial_ending', 'transaction.request_reminder']);

export function changesOf(event: WebhookEvent): Change[] {
  if (NOTICES.has(event.type)) return [];
  const data = asObject(event.data);
  const [domain, verb] = [event.type.slice(0, event.type.indexOf('.')), event.type.slice(event.type.indexOf('.') + 1)];
  const change = (action: ChangeAction, extra: Partial<Change> = {}): Change => ({ object: event.objectType, id: event.objectId, action, cause: event.type, snapshot: data, ...extra });

  if (domain === 'transaction') {
    if (event.type === 'transaction.refunded') {
      const refund = asObject(data.refund);
      const parent = asObject(data.parent);
      return [
        { object: 'transaction', id: num(refund.id, event.objectId), action: 'created', cause: event.type, status: str(refund.status), kind: 'refund', snapshot: refund },
        { object: 'transaction', id: event.objectId, action: 'updated', cause: event.type, status: str(parent.status), kind: str(parent.type), snapshot: parent },
      ];
    }
    const kind = str(data.type);
    if (event.type === 'transaction.captured') return [change(kind === 'authorize' ? 'updated' : 'created', { status: str(data.status), kind })];
    if (NEW_TRANSACTION.has(event.type)) return [change('created', { status: str(data.status), kind })];
    if (TRANSACTION_MOVES.has(event.type)) return [change('updated', { status: str(data.status), kind })];
    return [change('updated', { kind })];
  }
  if (domain === 'invoice') {
    if (verb === 'payments_scheduled' || verb === 'payments_unscheduled') return [];
    if (verb === 'created') return [change('created', { status: str(data.status) })];
    if (verb === 'paid' || verb === 'voided' || verb === 'written_off' || verb === 'issued') return [change('updated', { status: str(data.status) ?? verb })];
    return [change('updated')];
  }
  if (domain === 'customer') {
    if (verb === 'created' || verb === 'deleted') return [change(verb)];
    return [change('updated')];
  }
  if (domain === 'address') {
    // An address is part of its customer: changing one updates the customer.
    const customerId = data.customer_id;
    return typeof customerId === 'number' ? [{ object: 'customer', id: customerId, action: 'updated', cause: event.type, snapshot: data }] : [];
  }
  if (domain === 'contact') return [change(SIMPLE[verb] ?? 'updated')];
  if (domain === 'payment_method') return [change(SIMPLE[verb] ?? 'updated', { kind: str(data.kind) })];
  if (domain === 'settlement_batch') return [change('created', { status: 'closed' })];
  const action = SIMPLE[verb];
  return action ? [change(action)] : [change('updated')];
}
