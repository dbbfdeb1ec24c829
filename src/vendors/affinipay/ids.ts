// AffiniPay's ids. Gateway objects (spec §1.5): 22 URL-safe base64 characters from the door kit's
// codec, which carries the core id, its kind and its creation second behind a check, so no mapping
// table is needed and a mistyped id decodes to nothing. Quick Bill objects (spec §1.6): a prefix
// (`p_`, `org_`, `i_` ...) and 21 base-62 characters, the same 12 packed bytes and a 3-byte check.
// Events: one core event may show as several AffiniPay events (events.ts), numbered by kind.
import { createHash, randomBytes } from 'node:crypto';
import { base64urlCodec, sameSecond, type DecodedId } from '../kit/ids.ts';

const KINDS = {
  transaction: 1,
  card: 2,
  bank: 3,
  account: 4,
  signature: 5,
  merchant: 6,
  recurring_charge: 7,
  occurrence: 8,
  // 16 + n: the n-th AffiniPay event shown for one core event.
  event0: 16,
  event1: 17,
  event2: 18,
  event3: 19,
} as const;
export type GatewayKind = keyof typeof KINDS;

const gateway = base64urlCodec(KINDS, 'affinipay');

export function encodeId(kind: GatewayKind, id: number, createdAtMs: number): string {
  return gateway.encode(kind, id, createdAtMs);
}

/** The core id behind a gateway id of this kind, or null (malformed, another kind, a failed check). */
export function decodeId(kind: GatewayKind, text: unknown): DecodedId | null {
  return gateway.decode(kind, text);
}

/** The core id when the id's creation second matches the row's: anything else is not found. */
export function idOf(kind: GatewayKind, text: unknown, createdAtOf: (id: number) => number | undefined): number | null {
  const decoded = decodeId(kind, text);
  if (!decoded) return null;
  const created = createdAtOf(decoded.id);
  return created !== undefined && sameSecond(decoded, created) ? decoded.id : null;
}

export { sameSecond };

/** Occurrences per recurring charge an id can name (2^20: a daily charge for 2,800 years). */
export const OCCURRENCE_PLACES = 2 ** 20;

export const recurringId = (sub: { id: number; created_at: number }): string => encodeId('recurring_charge', sub.id, sub.created_at);

/** The n-th occurrence of a recurring charge: its core id and place, behind the recurring charge's creation second. */
export const occurrenceId = (sub: { id: number; created_at: number }, n: number): string => encodeId('occurrence', sub.id * OCCURRENCE_PLACES + n, sub.created_at);

// ---- Quick Bill XIDs --------------------------------------------------------------------------

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const XID_KINDS = { customer: 1, merchant: 2, address: 3, deposit_account: 4, invoice: 5, line: 6, document: 7, transaction: 8 } as const;
export type XidKind = keyof typeof XID_KINDS;

function toBase62(bytes: Buffer): string {
  let value = BigInt(`0x${bytes.toString('hex')}`);
  let out = '';
  while (value > 0n) {
    out = BASE62[Number(value % 62n)] + out;
    value /= 62n;
  }
  return out.padStart(21, '0');
}

function fromBase62(text: string): Buffer | null {
  let value = 0n;
  for (const char of text) value = value * 62n + BigInt(BASE62.indexOf(char));
  if (value >= 1n << 120n) return null;
  return Buffer.from(value.toString(16).padStart(30, '0'), 'hex');
}

const xidCheck = (packed: Buffer) => createHash('sha256').update('affinipay-xid').update(packed).digest().subarray(0, 3);

/** `prefix` + 21 base-62 characters naming a core row. */
export function encodeXid(prefix: string, kind: XidKind, id: number, createdAtMs: number): string {
  const packed = Buffer.alloc(12);
  packed.writeUInt32BE(Math.max(0, Math.floor(createdAtMs / 1000)) >>> 0, 0);
  packed[4] = XID_KINDS[kind];
  packed.writeUIntBE(Math.floor(id / 2 ** 24), 5, 4);
  packed.writeUIntBE(id % 2 ** 24, 9, 3);
  return `${prefix}${toBase62(Buffer.concat([packed, xidCheck(packed)]))}`;
}

/** The core id and creation second an XID carries, or null. */
export function decodeXid(prefix: string, kind: XidKind, text: unknown): DecodedId | null {
  if (typeof text !== 'string' || !text.startsWith(prefix)) return null;
  const body = text.slice(prefix.length);
  if (!/^[0-9A-Za-z]{21}$/.test(body)) return null;
  const bytes = fromBase62(body);
  if (!bytes) return null;
  const packed = bytes.subarray(0, 12);
  if (!xidCheck(packed).equals(bytes.subarray(12)) || packed[4] !== XID_KINDS[kind]) return null;
  const id = packed.readUIntBE(5, 4) * 2 ** 24 + packed.readUIntBE(9, 3);
  return id > 0 ? { id, second: packed.readUInt32BE(0) } : null;
}

/** A fresh random XID for things the door itself numbers (an e-mail address of a contact, a message). */
export function randomXid(prefix: string): string {
  const bytes = randomBytes(21);
  let out = '';
  for (const byte of bytes) out += BASE62[byte % 62];
  return `${prefix}${out}`;
}
