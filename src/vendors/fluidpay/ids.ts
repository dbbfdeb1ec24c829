// FluidPay ids: 20 lowercase base32hex characters (rs/xid layout, spec §1.5), derived reversibly
// from the internal integer id: 4 bytes creation second | 1 byte object kind | 7 bytes internal id.
// Ids are time-ordered like xids; a decoded id whose second or kind does not match is not found.
const ALPHABET = '0123456789abcdefghijklmnopqrstuv';

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

export function encodeId(kind: IdKind, id: number, createdAtMs: number): string {
  const bytes = Buffer.alloc(12);
  bytes.writeUInt32BE(Math.max(0, Math.floor(createdAtMs / 1000)) >>> 0, 0);
  bytes[4] = IdKind[kind];
  bytes.writeUIntBE(Math.floor(id / 2 ** 24), 5, 4); // high bits (7 bytes = 56 bits in total)
  bytes.writeUIntBE(id % 2 ** 24, 9, 3);
  // 96 bits → 20 base32 characters (the last one carries one bit, so it is always 0 or g).
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

export interface DecodedId {
  id: number;
  second: number;
}

/** Decodes an id of the given kind; anything malformed or of another kind is null (→ 404). */
export function decodeId(kind: IdKind, text: unknown): DecodedId | null {
  if (typeof text !== 'string' || !/^[0-9a-v]{20}$/.test(text)) return null;
  const bytes = Buffer.alloc(12);
  let bits = 0;
  let value = 0;
  let index = 0;
  for (const char of text) {
    value = (value << 5) | ALPHABET.indexOf(char);
    bits += 5;
    if (bits >= 8) {
      if (index < 12) bytes[index++] = (value >>> (bits - 8)) & 255;
      bits -= 8;
      value &= (1 << bits) - 1;
    }
  }
  if (bytes[4] !== IdKind[kind]) return null;
  const id = bytes.readUIntBE(5, 4) * 2 ** 24 + bytes.readUIntBE(9, 3);
  if (id <= 0 || !Number.isSafeInteger(id)) return null;
  return { id, second: bytes.readUInt32BE(0) };
}

/** True when a row's creation time matches the second carried in its id. */
export function sameSecond(decoded: DecodedId, createdAtMs: number): boolean {
  return decoded.second === Math.max(0, Math.floor(createdAtMs / 1000)) >>> 0;
}
