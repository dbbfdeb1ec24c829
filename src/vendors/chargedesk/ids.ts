// ChargeDesk ids. Charges get a server id derived from the core id (`ch-` + 24 alphanumerics that
// carry it with a check), so no mapping is stored. Customers, subscriptions and products have
// client-chosen ids (any text with @ . + …), kept as external references; objects made through
// another door, which have none, show a derived id of the same form (`cus-…`, `sub-…`, `prod-…`).
// Lookups try the client's id first, then the derived form; anything else is ChargeDesk's 404.
import { createHash } from 'node:crypto';
import type { CatalogItemRow, CustomerRow, SubscriptionRow } from '../../core/database.ts';
import type { TenantContext } from '../../core/context.ts';
import { customerIdByRef, customersByIds } from '../../core/customers/queries.ts';
import { findByRef, refsOf } from '../../core/refs/refs.ts';
import { parseVendorData } from '../../core/vendor-data.ts';
import { VENDOR } from './wire.ts';

export type IdKind = 'ch' | 'cus' | 'sub' | 'prod' | 'wh';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const WIDTH = 24;

function check(kind: IdKind, id: bigint): bigint {
  const digest = createHash('sha256').update(`chargedesk:${kind}:${id}`).digest();
  return BigInt(`0x${digest.subarray(0, 10).toString('hex')}`);
}

/** `<kind>-` + 24 alphanumerics: the core id (48 bits) and an 80-bit check. */
export function encodeId(kind: IdKind, id: number): string {
  let value = (BigInt(id) << 80n) | check(kind, BigInt(id));
  let out = '';
  while (value > 0n) {
    out = ALPHABET[Number(value % 62n)] + out;
    value /= 62n;
  }
  return `${kind}-${out.padStart(WIDTH, '0')}`;
}

export function decodeId(kind: IdKind, text: unknown): number | null {
  if (typeof text !== 'string' || !text.startsWith(`${kind}-`)) return null;
  const body = text.slice(kind.length + 1);
  if (!/^[0-9A-Za-z]{24}$/.test(body)) return null;
  let value = 0n;
  for (const char of body) value = value * 62n + BigInt(ALPHABET.indexOf(char));
  const id = value >> 80n;
  if (id <= 0n || id > BigInt(Number.MAX_SAFE_INTEGER)) return null;
  return (value & ((1n << 80n) - 1n)) === check(kind, id) ? Number(id) : null;
}

/** The kinds of reference ChargeDesk's client-chosen ids are filed under. */
export const REF = {
  customer: { vendor: VENDOR, kind: 'customer_id' },
  subscription: { vendor: VENDOR, kind: 'subscription_id' },
  product: { vendor: VENDOR, kind: 'product_id' },
  transaction: { vendor: VENDOR, kind: 'transaction_id' },
} as const;

export const refValue = (which: keyof typeof REF, value: string) => ({ ...REF[which], value });

/** A live customer's core id from its ChargeDesk id (client-chosen, else derived). */
export async function customerIdOf(ctx: TenantContext, text: string): Promise<number | null> {
  const byRef = await customerIdByRef(ctx, VENDOR, REF.customer.kind, text);
  if (byRef !== null) return byRef;
  const derived = decodeId('cus', text);
  if (derived === null) return null;
  const [row] = await customersByIds(ctx, [derived]);
  if (!row) return null;
  // A customer with a client-chosen id answers to that id only.
  return (await refsOf(ctx, { ...REF.customer, objectType: 'customer' }, [derived])).has(derived) ? null : derived;
}

export async function objectIdOf(ctx: TenantContext, which: 'subscription' | 'product', text: string): Promise<number | null> {
  const objectType = which === 'subscription' ? 'subscription' : 'catalog_item';
  const byRef = await findByRef(ctx, { ...REF[which], objectType }, text);
  if (byRef !== null) return byRef;
  const derived = decodeId(which === 'subscription' ? 'sub' : 'prod', text);
  if (derived === null) return null;
  return (await refsOf(ctx, { ...REF[which], objectType }, [derived])).has(derived) ? null : derived;
}

/** Each customer's ChargeDesk id: its reference, the id it had when deleted, or the derived form. */
export async function customerWireIds(ctx: TenantContext, rows: readonly CustomerRow[]): Promise<Map<number, string>> {
  const refs = await refsOf(
    ctx,
    { ...REF.customer, objectType: 'customer' },
    rows.map((r) => r.id),
  );
  const out = new Map<number, string>();
  for (const row of rows) {
    const tomb = parseVendorData(row.vendor_data)[VENDOR]?.customer_id;
    out.set(row.id, refs.get(row.id) ?? (typeof tomb === 'string' ? tomb : encodeId('cus', row.id)));
  }
  return out;
}

export async function subscriptionWireIds(ctx: TenantContext, rows: readonly Pick<SubscriptionRow, 'id'>[]): Promise<Map<number, string>> {
  const refs = await refsOf(
    ctx,
    { ...REF.subscription, objectType: 'subscription' },
    rows.map((r) => r.id),
  );
  return new Map(rows.map((row) => [row.id, refs.get(row.id) ?? encodeId('sub', row.id)]));
}

export async function productWireIds(ctx: TenantContext, rows: readonly Pick<CatalogItemRow, 'id'>[]): Promise<Map<number, string>> {
  const refs = await refsOf(
    ctx,
    { ...REF.product, objectType: 'catalog_item' },
    rows.map((r) => r.id),
  );
  return new Map(rows.map((row) => [row.id, refs.get(row.id) ?? encodeId('prod', row.id)]));
}

/** Ids a client may not choose: they would shadow a route (spec 1.1) or contain a path separator. */
export function checkClientId(value: string, field: string, reserved: readonly string[] = []): string | null {
  if (value.length > 255) return `${field} must be at most 255 characters`;
  if (value.includes('/')) return `${field} must not contain /`;
  if (reserved.includes(value)) return `${field} cannot be "${value}"`;
  return null;
}
