import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeId, encodeId, sameSecond } from '../../src/vendors/fluidpay/ids.ts';

test('ids: 20 base32hex characters ending in 0 or g, reversible, kind-checked, time-ordered', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 2 ** 53 - 1 }), fc.integer({ min: 0, max: 4_102_444_800_000 }), (id, createdAt) => {
      const text = encodeId('transaction', id, createdAt);
      assert.match(text, /^[0-9a-v]{19}[0g]$/);
      const decoded = decodeId('transaction', text);
      assert.ok(decoded);
      assert.equal(decoded.id, id);
      assert.ok(sameSecond(decoded, createdAt));
      assert.equal(decodeId('customer', text), null, 'another kind does not decode');
    }),
  );
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 2 ** 31 }), fc.integer({ min: 1, max: 2 ** 31 }), (a, b) => {
      const [early, late] = [encodeId('customer', 5, a * 1000), encodeId('customer', 5, (a + b) * 1000)];
      assert.ok(early < late, 'later creation sorts later');
    }),
  );
  for (const bad of ['', 'bbbbbbbbbbbbbbbbbbbb', 'aaaaaaaaaaaaaaaaaaaa', 'B7KGFLT1TLV51ER0FTS0', 'b7kgflt1tlv51er0fts', 'zzzzzzzzzzzzzzzzzzzz', 5, null]) {
    assert.equal(decodeId('transaction', bad), null, String(bad));
  }
});
