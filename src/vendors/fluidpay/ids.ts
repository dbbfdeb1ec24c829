// FluidPay ids: 20 lowercase base32hex characters (rs/xid layout, spec §1.5), derived reversibly
// from the internal integer id (the kit's xid codec): creation second | object kind | internal id.
// A decoded id whose second or kind does not match is not found.
import { xidCodec, type DecodedId } from '../kit/ids.ts';

export const IdKind = {
  transaction: 1,
  card: 2, // payment method row (card or bank) inside a transaction/vault
  customer: 3,
  address: 4,
  batch: 5,
  merchant: 6,
  processor: 7,
  user: 8,
  apikey: 9,
  plan: 10,
  addon: 11,
  discount: 12,
  subscription: 13,
  terminal: 14,
  invoice: 15,
  invoice_item: 16,
  response: 17, // the response_body.<method> object of a transaction
} as const;
export type IdKind = keyof typeof IdKind;

export const fluidPayIds = xidCodec(IdKind);

export function encodeId(kind: IdKind, id: number, createdAtMs: number): string {
  return fluidPayIds.encode(kind, id, createdAtMs);
}

/** Decodes an id of the given kind; anything malformed or of another kind is null (→ 404). */
export function decodeId(kind: IdKind, text: unknown): DecodedId | null {
  return fluidPayIds.decode(kind, text);
}

export { sameSecond, type DecodedId } from '../kit/ids.ts';
