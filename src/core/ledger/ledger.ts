// Double-entry journal. Every money movement posts one balanced entry inside the same database
// transaction as the state change it belongs to; post() refuses an unbalanced entry.
import type { TenantContext } from '../context.ts';
import type { Account } from './accounts.ts';
import { type TxContext } from '../work.ts';
import { CompiledQuery } from 'kysely';
import { insertOneReturningId, insertRows } from '../bulk.ts';

export interface LedgerLine {
  account: Account;
  amount: number; // debit positive, credit negative
  customerId?: number | null;
  invoiceId?: number | null;
  transactionId?: number | null;
}

export interface LedgerPosting {
  kind: string;
  refType: string;
  refId: number;
  currency: string;
  lines: LedgerLine[];
}

export class UnbalancedEntryError extends Error {}

/** The lines a posting writes (zero lines dropped), refusing an unbalanced or non-integer entry. */
export function checkedLines(posting: LedgerPosting): LedgerLine[] {
  const lines = posting.lines.filter((line) => line.amount !== 0);
  let sum = 0;
  for (const line of lines) {
    if (!Number.isSafeInteger(line.amount)) throw new UnbalancedEntryError(`non-integer ledger amount ${line.amount}`);
    sum += line.amount;
  }
  if (sum !== 0) throw new UnbalancedEntryError(`${posting.kind} entry does not balance: ${sum}`);
  return lines;
}

// A posting's entry and its lines. On PostgreSQL they go in one statement (one round trip instead
// of two): the entry's id feeds its lines through a CTE, the lines come as one array per column.
const POST_PG =
  'with e as (insert into "ledger_entries" ("tenant_id", "kind", "ref_type", "ref_id", "currency", "created_at") values ($1, $2, $3, $4, $5, $6) returning "id") ' +
  'insert into "ledger_lines" ("entry_id", "tenant_id", "account", "customer_id", "invoice_id", "transaction_id", "currency", "amount") ' +
  'select e."id", $1, l.account, l.customer_id, l.invoice_id, l.transaction_id, $5, l.amount from e, ' +
  'unnest(cast($7 as text[]), cast($8 as bigint[]), cast($9 as bigint[]), cast($10 as bigint[]), cast($11 as bigint[])) with ordinality as l(account, customer_id, invoice_id, transaction_id, amount, n) order by l.n';

export async function post(ctx: TxContext, posting: LedgerPosting): Promise<void> {
  const lines = checkedLines(posting);
  if (lines.length === 0) return;
  const entry = { tenant_id: ctx.tenant.id, kind: posting.kind, ref_type: posting.refType, ref_id: posting.refId, currency: posting.currency, created_at: ctx.clock.now() };
  if (ctx.dialect === 'postgres') {
    await ctx.db.executeQuery(
      CompiledQuery.raw(POST_PG, [
        entry.tenant_id,
        entry.kind,
        entry.ref_type,
        entry.ref_id,
        entry.currency,
        entry.created_at,
        lines.map((line) => line.account),
        lines.map((line) => line.customerId ?? null),
        lines.map((line) => line.invoiceId ?? null),
        lines.map((line) => line.transactionId ?? null),
        lines.map((line) => line.amount),
      ]),
    );
    return;
  }
  const entryId = await insertOneReturningId(ctx, 'ledger_entries', entry);
  await insertRows(
    ctx,
    'ledger_lines',
    lines.map((line) => ({
      entry_id: entryId,
      tenant_id: ctx.tenant.id,
      account: line.account,
      customer_id: line.customerId ?? null,
      invoice_id: line.invoiceId ?? null,
      transaction_id: line.transactionId ?? null,
      currency: posting.currency,
      amount: line.amount,
    })),
  );
}

/** Many postings in a few statements (batch work): the same entries and lines post() would write. */
export async function postMany(ctx: TxContext, postings: readonly LedgerPosting[]): Promise<void> {
  const kept = postings.map((posting) => ({ posting, lines: checkedLines(posting) })).filter((p) => p.lines.length > 0);
  if (kept.length === 0) return;
  const now = ctx.clock.now();
  // Entries come back unordered: each is found again by (kind, ref_type, ref_id), unique within a batch.
  const key = (kind: string, refType: string, refId: number) => `${kind}|${refType}|${refId}`;
  const seen = new Set<string>();
  for (const { posting } of kept) {
    const k = key(posting.kind, posting.refType, posting.refId);
    if (seen.has(k)) throw new Error(`postMany: two ${k} postings in one batch`);
    seen.add(k);
  }
  const entries = await insertRows(
    ctx,
    'ledger_entries',
    kept.map(({ posting }) => ({ tenant_id: ctx.tenant.id, kind: posting.kind, ref_type: posting.refType, ref_id: posting.refId, currency: posting.currency, created_at: now })),
    { returning: ['id', 'kind', 'ref_type', 'ref_id'] },
  );
  const ids = new Map(entries.map((e) => [key(String(e.kind), String(e.ref_type), Number(e.ref_id)), Number(e.id)]));
  await insertRows(
    ctx,
    'ledger_lines',
    kept.flatMap(({ posting, lines }) =>
      lines.map((line) => ({
        entry_id: ids.get(key(posting.kind, posting.refType, posting.refId)),
        tenant_id: ctx.tenant.id,
        account: line.account,
        customer_id: line.customerId ?? null,
        invoice_id: line.invoiceId ?? null,
        transaction_id: line.transactionId ?? null,
        currency: posting.currency,
        amount: line.amount,
      })),
    ),
  );
}

/** Sum of an account's lines for the tenant, optionally narrowed to a customer or invoice. */
export async function accountBalance(ctx: TenantContext, account: Account, filter: { customerId?: number; invoiceId?: number; transactionId?: number; currency?: string } = {}): Promise<number> {
  let query = ctx.db
    .selectFrom('ledger_lines')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('amount'), eb.lit(0)).as('total'))
    .where('tenant_id', '=', ctx.tenant.id)
    .where('account', '=', account);
  if (filter.customerId !== undefined) query = query.where('customer_id', '=', filter.customerId);
  if (filter.invoiceId !== undefined) query = query.where('invoice_id', '=', filter.invoiceId);
  if (filter.transactionId !== undefined) query = query.where('transaction_id', '=', filter.transactionId);
  if (filter.currency !== undefined) query = query.where('currency', '=', filter.currency);
  const row = await query.executeTakeFirst();
  return Number(row?.total ?? 0);
}
