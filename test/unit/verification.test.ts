// Card verification policies (core/processor/verification.ts): every CVV and AVS policy against the
// results that pass and fail it, and the exemption of an address failure when the CVV matched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { verificationDecline, type AvsPolicy, type CvvPolicy } from '../../src/core/processor/verification.ts';
import type { AvsResult, CvvResult } from '../../src/core/processor/test-numbers.ts';
import { computeLines, computeTotals } from '../../src/core/invoices/totals.ts';
import { multiplyDecimals } from '../../src/core/money/money.ts';

const cvv = (policy: CvvPolicy, result: CvvResult | null, sent = true) => verificationDecline({ cvv: policy, avs: 'disabled' }, { cvv: result, avs: null, cvvSent: sent });
const avs = (policy: AvsPolicy, result: AvsResult | null) => verificationDecline({ cvv: 'disabled', avs: policy }, { cvv: null, avs: result, cvvSent: false });

test('CVV policies', () => {
  assert.equal(cvv('disabled', 'NOT_MATCHED'), null);
  assert.equal(cvv('optional', null, false), null);
  assert.equal(cvv('optional', 'NOT_MATCHED'), 'cvv_mismatch');
  assert.equal(cvv('require_match_lenient', 'UNAVAILABLE'), null);
  assert.equal(cvv('require_match_lenient', null, false), null, 'no CVV sent passes the lenient policy');
  assert.equal(cvv('require_match_lenient', 'NOT_MATCHED'), 'cvv_mismatch');
  assert.equal(cvv('require_match_strict', 'MATCHED'), null);
  assert.equal(cvv('require_match_strict', 'UNAVAILABLE'), 'cvv_mismatch');
  assert.equal(cvv('require_match_strict', null, false), 'cvv_mismatch');
});

test('AVS policies', () => {
  const table: Array<[AvsPolicy, AvsResult | null, boolean]> = [
    ['disabled', 'NO_MATCH', true],
    ['submit_ignore_result', 'NO_MATCH', true],
    ['addr_or_postal_code_lenient', 'UNAVAILABLE', true],
    ['addr_or_postal_code_lenient', null, true],
    ['addr_or_postal_code_lenient', 'NO_MATCH', false],
    ['addr_or_postal_code_strict', 'ZIP5', true],
    ['addr_or_postal_code_strict', 'UNAVAILABLE', false],
    ['addr_strict', 'ADDRESS', true],
    ['addr_strict', 'ZIP9', false],
    ['postal_code_strict', 'POSTAL_CODE', true],
    ['postal_code_strict', 'ADDRESS', false],
    ['exact_addr_and_postal_code_lenient', 'ADDRESS_AND_POSTAL_CODE', true],
    ['exact_addr_and_postal_code_lenient', 'AVS_ERROR_INELIGIBLE', true],
    ['exact_addr_and_postal_code_lenient', 'ADDRESS', false],
    ['exact_addr_and_postal_code_strict', 'ADDRESS_AND_POSTAL_CODE', true],
    ['exact_addr_and_postal_code_strict', 'UNAVAILABLE', false],
  ];
  for (const [policy, result, passes] of table) assert.equal(avs(policy, result), passes ? null : 'avs_rejected', `${policy} ${result}`);
});

test('an address failure passes when the CVV matched, if the account says so', () => {
  const policy = { cvv: 'require_match_lenient' as const, avs: 'addr_strict' as const, ignoreAvsFailureIfCvvMatch: true };
  assert.equal(verificationDecline(policy, { cvv: 'MATCHED', avs: 'NO_MATCH', cvvSent: true }), null);
  assert.equal(verificationDecline(policy, { cvv: 'UNAVAILABLE', avs: 'NO_MATCH', cvvSent: true }), 'avs_rejected');
  assert.equal(verificationDecline({ ...policy, cvv: 'disabled' }, { cvv: 'MATCHED', avs: 'NO_MATCH', cvvSent: true }), 'avs_rejected');
});

test('percentage lines are priced from the other lines, once, after their discounts', () => {
  const lines = computeLines([
    { description: 'a', unitPrice: 15000, quantity: '2.5' },
    { description: 'b', unitPrice: 1000, quantity: '1', discount: 100 },
    { description: 'fee', unitPrice: 0, percentOfOthers: '10' },
  ]);
  assert.deepEqual(
    lines.map((l) => l.amount),
    [37500, 900, 3840],
  );
  assert.equal(computeTotals(lines).total, 37500 + 900 + 3840);
  assert.equal(multiplyDecimals('99.5', '3'), '298.5');
  assert.equal(multiplyDecimals('0.05', '0.2'), '0.01');
  assert.equal(multiplyDecimals('-1.5', '2'), '-3');
});
