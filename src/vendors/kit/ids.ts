// Id codecs: how a door shows the core's integer ids in its vendor's form, reversibly, so no
// mapping table is needed (design: "derive a vendor id from the internal id where the form allows").
// A decoded id of the wrong kind, or whose embedded creation second does not match the row, is
// simply not found. Client-chosen ids (ChargeDesk) are external references instead (refs.ts).
import { createHash } from 'node:crypto';

export interface DecodedId {
  id: number;
  /** The creation second the id carries (0 for codecs that carry none). */
  second: number;
}

export interface IdCodec<K extends string> {
  encode(kind: K, id: number, createdAtMs: number): string;
  /** Malformed, or of another kind: null (the door answers its 404). */
  decode(kind: K, text: unknown): DecodedId | null;
}

/** Whether a row's creation time matches the second carried in its id. */
export function sameSecond(decoded: DecodedId, createdAtMs: number): boolean {
  return decoded.second === Math.max(0, Math.floor(createdAtMs / 1000)) >>> 0;
}

/** 12 bytes: creation second (4) | kind (1) | id (7). */
function pack(kind: number, id: number, createdAtMs: number): Buffer {
  const bytes = Buffer.alloc(12);
  bytes.writeUInt32BE(Math.max(0, Math.floor(createdAtMs / 1000)) >>> 0, 0);
  bytes[4] = kind;
  bytes.writeUIntBE(Math.floor(id / 2 ** 24), 5, 4);
  bytes.writeUIntBE(id % 2 ** 24, 9, 3);
  return bytes;
}

function unpack(bytes: Buffer, kind: number): DecodedId | null {
  if (bytes[4] !== kind) return null;
  const id = bytes.readUIntBE(5, 4) * 2 ** 24 + bytes.readUIntBE(9, 3);
  if (id <= 0 || !Number.isSafeInteger(id)) return null;
  return { id, second: bytes.readUInt32BE(0) };
}

const BASE32HEX = '0123456789abcdefghijklmnopqrstuv';

/** 20 lowercase base32hex characters, time-ordered like an xid (FluidPay). */
export function xidCodec<K extends string>(kinds: Readonly<Record<K, number>>): IdCodec<K> {
  return {
    encode(kind, id, createdAtMs) {
      let bits = 0;
      let value = 0;
      let out = '';
      for (const byte of pack(kinds[kind], id, createdAtMs)) {
        value = (value << 8) | byte;
        bits += 8;
        while (bits >= 5) {
          out += BASE32HEX[(value >>> (bits - 5)) & 31];
          bits -= 5;
        }
        value &= (1 << bits) - 1;
      }
      // 96 bits → 20 characters; the last carries one bit, so it is always 0 or g.
      return out + BASE32HEX[(value << (5 - bits)) & 31];
    },
    decode(kind, text) {
      if (typeof text !== 'string' || !/^[0-9a-v]{20}$/.test(text)) return null;
      const bytes = Buffer.alloc(12);
      let bits = 0;
      let value = 0;
      let index = 0;
      for (const char of text) {
        value = (value << 5) | BASE32HEX.indexOf(char);
        bits += 5;
        if (bits >= 8) {
          if (index < 12) bytes[index++] = (value >>> (bits - 8)) & 255;
          bits -= 8;
          value &= (1 << bits) - 1;
        }
      }
      return unpack(bytes, kinds[kind]);
    },
  };
}

/**
 * 22 URL-safe base64 characters (16 bytes): the packed id and 4 bytes of check derived from it
 * (and a per-door salt), so ids look random and a mistyped one decodes to nothing (AffiniPay).
 */
export function base64urlCodec<K extends string>(kinds: Readonly<Record<K, number>>, salt: string): IdCodec<K> {
  const check = (packed: Buffer) => createHash('sha256').update(salt).update(packed).digest().subarray(0, 4);
  return {
    encode(kind, id, createdAtMs) {
      const packed = pack(kinds[kind], id, createdAtMs);
      return Buffer.concat([packed, check(packed)]).toString('base64url');
    },
    decode(kind, text) {
      if (typeof text !== 'string' || !/^[A-Za-z0-9_-]{22}$/.test(text)) return null;
      const bytes = Buffer.from(text, 'base64url');
      if (bytes.length !== 16) return null;
      const packed = bytes.subarray(0, 12);
      if (!check(packed).equals(bytes.subarray(12))) return null;
      return unpack(Buffer.from(packed), kinds[kind]);
    },
  };
}

/** Plain integers (ChargeOver, Invoiced): the core id itself; the kind is not checked. */
export function integerCodec<K extends string>(): IdCodec<K> {
  return {
    encode: (_kind, id) => String(id),
    decode: (_kind, text) => {
      const value = typeof text === 'number' ? String(text) : text;
      if (typeof value !== 'string' || !/^[1-9]\d{0,14}$/.test(value)) return null;
      return { id: Number(value), second: 0 };
    },
  };
}
