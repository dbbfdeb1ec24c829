// The simulated processor: every test number, AVS/CVV shaping, ACH accounts, FluidPay's ACH limit,
// expiry against the tenant's clock, fault knobs, determinism of auth codes and references.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { authCodeFor, declineMessage, gatewayRefFor, simulate, type CardInstrument, type ProcessorRequest } from '../../src/core/processor/simulator.ts';
import { detectBrand, isValidCardNumber, isValidRoutingNumber } from '../../src/core/processor/cards.ts';
import { CARD_DECLINES, FLUIDPAY_ACH_LIMIT } from '../../src/core/processor/test-numbers.ts';

const NOW = Date.UTC(2030, 5, 15, 12, 0, 0); // 15 June 2030

function card(number: string, extra: Partial<CardInstrument> = {}): CardInstrument {
  return { kind: 'card', number, expMonth: 12, expYear: 2099, ...extra };
}

function run(instrument: ProcessorRequest['instrument'], extra: Partial<ProcessorRequest> = {}) {
  return simulate({ tenantId: 7, seq: 1, operation: 'sale', amount: 1000, currency: 'USD', instrument, now: NOW, faults: {}, ...extra });
}

const APPROVE_CARDS: Array<[string, string]> = [
  ['4111111111111111', 'visa'],
  ['4242424242424242', 'visa'],
  ['378282246310005', 'amex'],
  ['371449635398431', 'amex'],
  ['5105105105105100', 'mastercard'],
  ['5499740000000057', 'mastercard'],
  ['30569309025904', 'diners'],
  ['38520000023237', 'diners'],
  ['6011111111111117', 'discover'],
  ['6011000990139424', 'discover'],
  ['3530111333300000', 'jcb'],
  ['3566002020360505', 'jcb'],
  ['4012888888881881', 'visa'],
  ['4012000010000', 'visa'],
];

describe('approve cards', () => {
  for (const [number, brand] of APPROVE_CARDS) {
    test(`${number} (${brand}) approves with a six-character auth code`, () => {
      for (const operation of ['sale', 'authorize', 'credit'] as const) {
        const outcome = run(card(number), { operation });
        assert.equal(outcome.approved, true);
        assert.equal(outcome.declineReason, null);
        assert.match(outcome.authCode ?? '', /^[A-HJ-NP-Z]{3}\d{3}$/);
        assert.equal(outcome.message, `APPROVAL ${outcome.authCode}`);
        assert.match(outcome.gatewayRef, /^[0-9a-f]{16}$/);
        assert.equal(outcome.avsResult, null);
        assert.equal(outcome.cvvResult, null);
      }
    });
  }

  test('isValidCardNumber ignores spaces and dashes and wants 12 to 19 digits', () => {
    assert.equal(isValidCardNumber('4111 1111 1111 1111'), true);
    assert.equal(isValidCardNumber('4111-1111-1111-1111'), true);
    assert.equal(isValidCardNumber('41111111111'), false); // 11 digits
    assert.equal(isValidCardNumber('41111111111111111111'), false); // 20 digits
  });
});

describe('detectBrand', () => {
  for (const [number, brand] of APPROVE_CARDS) {
    test(`${number} is ${brand}`, () => {
      assert.equal(detectBrand(number), brand);
    });
  }
  test('formatted numbers and unknown prefixes', () => {
    assert.equal(detectBrand('4111 1111 1111 1111'), 'visa');
    assert.equal(detectBrand('3782-822463-10005'), 'amex');
    assert.equal(detectBrand('9999999999999995'), 'unknown');
    assert.equal(detectBrand(''), 'unknown');
  });
});

describe('decline cards', () => {
  const EXPECTED: Record<string, string> = {
    '4000000000000002': 'declined',
    '4000000000000044': 'insufficient_funds',
    '4000000000009995': 'insufficient_funds',
    '4000000000000051': 'limit_exceeded',
    '4000000000000069': 'expired_card',
    '4000000000000119': 'processing_error',
    '4000000000000127': 'hold',
    '4000000000000135': 'type_not_accepted',
  };

  test('the trigger table is the documented one', () => {
    assert.deepEqual({ ...CARD_DECLINES }, EXPECTED);
  });

  for (const [number, reason] of Object.entries(EXPECTED)) {
    test(`${number} declines with ${reason}`, () => {
      for (const operation of ['sale', 'authorize'] as const) {
        const outcome = run(card(number), { operation, amount: 1 });
        assert.equal(outcome.approved, false);
        assert.equal(outcome.declineReason, reason);
        assert.equal(outcome.authCode, null);
        assert.equal(outcome.message, declineMessage(reason));
        assert.notEqual(outcome.message, `APPROVAL ${outcome.authCode}`);
        assert.match(outcome.gatewayRef, /^[0-9a-f]{16}$/);
      }
    });
  }

  test('decline messages', () => {
    assert.equal(run(card('4000000000000002')).message, 'Transaction was declined');
    assert.equal(run(card('4000000000000044')).message, 'Transaction was declined due to insufficient funds');
    assert.equal(run(card('4000000000000069')).message, 'Card is expired');
    assert.equal(declineMessage('no_such_reason'), 'Transaction was declined');
  });

  test('4242424242424241 fails Luhn: invalid_number', () => {
    const outcome = run(card('4242424242424241'));
    assert.equal(outcome.approved, false);
    assert.equal(outcome.declineReason, 'invalid_number');
    assert.equal(outcome.message, 'Card number is invalid');
    assert.equal(outcome.authCode, null);
  });

  test('too short and too long numbers are invalid_number', () => {
    assert.equal(run(card('42424242424')).declineReason, 'invalid_number');
    assert.equal(run(card('42424242424242424242')).declineReason, 'invalid_number');
  });
});

describe('CVV cards', () => {
  test('0077 forces UNAVAILABLE, 0101 forces NOT_MATCHED, whatever code is sent', () => {
    for (const cvv of [undefined, null, '123', '999']) {
      const unavailable = run(card('4000000000000077', { cvv }));
      assert.equal(unavailable.cvvResult, 'UNAVAILABLE');
      assert.equal(unavailable.approved, true);
      const mismatch = run(card('4000000000000101', { cvv }));
      assert.equal(mismatch.cvvResult, 'NOT_MATCHED');
      assert.equal(mismatch.approved, true);
    }
  });

  test('another card: MATCHED when a code is sent, null without one', () => {
    assert.equal(run(card('4111111111111111', { cvv: '123' })).cvvResult, 'MATCHED');
    assert.equal(run(card('4111111111111111', { cvv: '' })).cvvResult, null);
    assert.equal(run(card('4111111111111111')).cvvResult, null);
  });

  test('bank accounts carry no CVV or AVS result', () => {
    const outcome = run({ kind: 'bank', routingNumber: '021000021', accountNumber: '123456789' });
    assert.equal(outcome.cvvResult, null);
    assert.equal(outcome.avsResult, null);
  });
});

describe('AVS cards', () => {
  const address = { address1: '1 Main St', postalCode: '12345' };

  test('0010 NO_MATCH, 0085 UNAVAILABLE, 0093 AVS_ERROR_INELIGIBLE regardless of the address', () => {
    for (const extra of [{}, address]) {
      assert.equal(run(card('4000000000000010', extra)).avsResult, 'NO_MATCH');
      assert.equal(run(card('4000000000000085', extra)).avsResult, 'UNAVAILABLE');
      assert.equal(run(card('4000000000000093', extra)).avsResult, 'AVS_ERROR_INELIGIBLE');
    }
    assert.equal(run(card('4000000000000010', address)).approved, true);
  });

  test('0028 matches the postal code only', () => {
    assert.equal(run(card('4000000000000028', { postalCode: '12345' })).avsResult, 'ZIP5');
    assert.equal(run(card('4000000000000028', { postalCode: '12345-6789' })).avsResult, 'ZIP9');
    assert.equal(run(card('4000000000000028', { postalCode: 'K1A 0B1' })).avsResult, 'POSTAL_CODE');
    assert.equal(run(card('4000000000000028', address)).avsResult, 'ZIP5');
    assert.equal(run(card('4000000000000028')).avsResult, 'NO_MATCH');
    assert.equal(run(card('4000000000000028', { address1: '1 Main St' })).avsResult, 'NO_MATCH');
    assert.equal(run(card('4000000000000028', { postalCode: '  ' })).avsResult, 'NO_MATCH');
  });

  test('0036 matches the address only', () => {
    assert.equal(run(card('4000000000000036', { address1: '1 Main St' })).avsResult, 'ADDRESS');
    assert.equal(run(card('4000000000000036', address)).avsResult, 'ADDRESS');
    assert.equal(run(card('4000000000000036')).avsResult, 'NO_MATCH');
    assert.equal(run(card('4000000000000036', { address1: '   ', postalCode: '12345' })).avsResult, 'NO_MATCH');
  });

  test('an ordinary card reports what was sent', () => {
    assert.equal(run(card('4111111111111111', address)).avsResult, 'ADDRESS_AND_POSTAL_CODE');
    assert.equal(run(card('4111111111111111', { address1: '1 Main St' })).avsResult, 'ADDRESS');
    assert.equal(run(card('4111111111111111', { postalCode: '123456789' })).avsResult, 'ZIP9');
    assert.equal(run(card('4111111111111111', { postalCode: 'SW1A 1AA' })).avsResult, 'POSTAL_CODE');
    assert.equal(run(card('4111111111111111')).avsResult, null);
  });
});

describe('ACH', () => {
  const bank = (routingNumber: string, accountNumber: string) => ({ kind: 'bank' as const, routingNumber, accountNumber });

  test('routing 000000001 is invalid', () => {
    assert.equal(isValidRoutingNumber('000000001'), false);
    const outcome = run(bank('000000001', '1000000010'));
    assert.equal(outcome.approved, false);
    assert.equal(outcome.declineReason, 'ach_invalid_routing_number');
    assert.equal(outcome.message, 'Routing number is invalid');
  });

  test('routing checksum and shape', () => {
    assert.equal(isValidRoutingNumber('000000013'), true);
    assert.equal(isValidRoutingNumber('021000021'), true);
    assert.equal(isValidRoutingNumber('021000022'), false);
    assert.equal(isValidRoutingNumber('02100002'), false);
    assert.equal(run(bank('021000022', '123456789')).declineReason, 'ach_invalid_routing_number');
    assert.equal(run(bank('02100002a', '123456789')).declineReason, 'ach_invalid_routing_number');
  });

  test('account numbers must be 4 to 17 digits', () => {
    assert.equal(run(bank('021000021', '123')).declineReason, 'ach_invalid_account_number');
    assert.equal(run(bank('021000021', '1'.repeat(18))).declineReason, 'ach_invalid_account_number');
    assert.equal(run(bank('021000021', '12a4')).declineReason, 'ach_invalid_account_number');
    assert.equal(run(bank('021000021', '1234')).approved, true);
    assert.equal(run(bank('021000021', '1'.repeat(17))).approved, true);
  });

  const ACCOUNTS: Array<[string, string, string]> = [
    ['1000000001', 'ach_declined', 'Transaction was declined'],
    ['1000000002', 'ach_declined_hold', 'Transaction was declined: account on hold'],
    ['1000000003', 'ach_declined_duplicate', 'Transaction was declined as a duplicate'],
    ['1000000004', 'ach_invalid_account_number', 'Account number is invalid'],
    ['1000000005', 'ach_insufficient_funds', 'Transaction was declined due to insufficient funds'],
    ['1000000006', 'ach_account_not_found', 'Account was not found'],
    ['1000000007', 'ach_account_closed', 'Account is closed'],
    ['1000000008', 'ach_account_frozen', 'Account is frozen'],
    ['1000000009', 'ach_limit_exceeded', 'Transaction was declined due to limits exceeded'],
  ];
  for (const [account, reason, message] of ACCOUNTS) {
    test(`routing 000000013 account ${account} → ${reason}`, () => {
      const outcome = run(bank('000000013', account));
      assert.equal(outcome.approved, false);
      assert.equal(outcome.declineReason, reason);
      assert.equal(outcome.message, message);
      assert.equal(outcome.authCode, null);
      // The same account at another bank is an ordinary account.
      assert.equal(run(bank('021000021', account)).approved, true);
    });
  }

  test('other accounts at 000000013 approve', () => {
    for (const account of ['1000000000', '1000000010', '2000000001']) {
      const outcome = run(bank('000000013', account));
      assert.equal(outcome.approved, true, account);
      assert.match(outcome.authCode ?? '', /^[A-HJ-NP-Z]{3}\d{3}$/);
    }
  });

  test('FluidPay ACH limit: 10112 declines only when achAmountLimit is on', () => {
    assert.equal(FLUIDPAY_ACH_LIMIT, 10_000);
    const good = bank('021000021', '123456789');
    const limited = run(good, { amount: 10112, achAmountLimit: true });
    assert.equal(limited.approved, false);
    assert.equal(limited.declineReason, 'ach_limit_exceeded');
    assert.equal(run(good, { amount: 10112 }).approved, true);
    assert.equal(run(good, { amount: 10112, achAmountLimit: false }).approved, true);
    assert.equal(run(good, { amount: 10000, achAmountLimit: true }).approved, true);
    assert.equal(run(good, { amount: 10001, achAmountLimit: true }).declineReason, 'ach_limit_exceeded');
    assert.equal(run(good, { amount: 10112, achAmountLimit: true, operation: 'authorize' }).declineReason, 'ach_limit_exceeded');
    // Credits (money out) are not limited, and cards never are.
    assert.equal(run(good, { amount: 10112, achAmountLimit: true, operation: 'credit' }).approved, true);
    assert.equal(run(card('4111111111111111'), { amount: 10112, achAmountLimit: true }).approved, true);
  });
});

describe('expiry', () => {
  test('judged against now, to the month', () => {
    const expired = (expMonth: number, expYear: number, extra: Partial<ProcessorRequest> = {}) => run(card('4111111111111111', { expMonth, expYear }), extra).declineReason;
    assert.equal(expired(6, 2030), null); // the current month still works
    assert.equal(expired(7, 2030), null);
    assert.equal(expired(1, 2031), null);
    assert.equal(expired(5, 2030), 'expired_card');
    assert.equal(expired(12, 2029), 'expired_card');
    assert.equal(expired(6, 30), null); // two-digit years are 20xx
    assert.equal(expired(5, 30), 'expired_card');
    // The same card, a month later on the tenant's clock, is expired.
    assert.equal(expired(6, 2030, { now: Date.UTC(2030, 6, 1) }), 'expired_card');
    assert.equal(expired(6, 2030, { now: Date.UTC(2030, 5, 30, 23, 59, 59) }), null);
    const outcome = run(card('4111111111111111', { expMonth: 1, expYear: 2020 }));
    assert.equal(outcome.message, 'Card is expired');
    assert.equal(outcome.authCode, null);
  });

  test('ignored when checkExpiry is false', () => {
    const outcome = run(card('4111111111111111', { expMonth: 1, expYear: 2020 }), { checkExpiry: false });
    assert.equal(outcome.approved, true);
    assert.equal(run(card('4111111111111111', { expMonth: 1, expYear: 2020 }), { checkExpiry: true }).declineReason, 'expired_card');
  });

  test('a listed decline card and an invalid number win over expiry', () => {
    assert.equal(run(card('4000000000000002', { expMonth: 1, expYear: 2020 })).declineReason, 'declined');
    assert.equal(run(card('4242424242424241', { expMonth: 1, expYear: 2020 })).declineReason, 'invalid_number');
  });
});

describe('fault knobs', () => {
  test('processor_error fails every call, cards and banks, before any other check', () => {
    for (const instrument of [card('4111111111111111'), card('4242424242424241'), { kind: 'bank' as const, routingNumber: '021000021', accountNumber: '123456789' }]) {
      const outcome = run(instrument, { faults: { processor_error: true } });
      assert.equal(outcome.approved, false);
      assert.equal(outcome.declineReason, 'processor_error');
      assert.equal(outcome.message, 'The processor could not be reached');
      assert.equal(outcome.authCode, null);
    }
    assert.equal(run(card('4111111111111111'), { faults: { processor_error: false } }).approved, true);
  });

  test('force_decline uses a known reason, otherwise "declined"', () => {
    assert.equal(run(card('4111111111111111'), { faults: { force_decline: 'insufficient_funds' } }).declineReason, 'insufficient_funds');
    assert.equal(run(card('4111111111111111'), { faults: { force_decline: 'hold' } }).message, 'Transaction was declined: hold card');
    assert.equal(run(card('4111111111111111'), { faults: { force_decline: 'bogus' } }).declineReason, 'declined');
    const bankOutcome = run({ kind: 'bank', routingNumber: '021000021', accountNumber: '123456789' }, { faults: { force_decline: 'ach_account_closed' } });
    assert.equal(bankOutcome.declineReason, 'ach_account_closed');
    assert.equal(run(card('4111111111111111'), { faults: { force_decline: null } }).approved, true);
    assert.equal(run(card('4111111111111111'), { faults: { force_decline: '' } }).approved, true);
  });

  test('processor_error wins over force_decline', () => {
    assert.equal(run(card('4111111111111111'), { faults: { processor_error: true, force_decline: 'declined' } }).declineReason, 'processor_error');
  });

  test('latency_ms alone changes nothing in the outcome', () => {
    assert.deepEqual(run(card('4111111111111111'), { faults: { latency_ms: 500 } }), run(card('4111111111111111')));
  });
});

describe('determinism', () => {
  const expectedRef = (tenantId: number, seq: number) => createHash('sha256').update(`ref:${tenantId}:${seq}`).digest('hex').slice(0, 16);

  test('the gateway reference is sha256("ref:tenant:seq"), declined or approved', () => {
    assert.equal(run(card('4111111111111111'), { tenantId: 3, seq: 42 }).gatewayRef, expectedRef(3, 42));
    assert.equal(run(card('4000000000000002'), { tenantId: 3, seq: 42 }).gatewayRef, expectedRef(3, 42));
    assert.equal(gatewayRefFor(3, 42), expectedRef(3, 42));
  });

  test('the auth code derives from sha256("auth:tenant:seq")', () => {
    const bytes = createHash('sha256').update('auth:3:42').digest();
    const letters = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
    const expected = letters[bytes[0] % 24] + letters[bytes[1] % 24] + letters[bytes[2] % 24] + String(bytes.readUInt16BE(3) % 1000).padStart(3, '0');
    assert.equal(authCodeFor(3, 42), expected);
    assert.equal(run(card('4111111111111111'), { tenantId: 3, seq: 42 }).authCode, expected);
  });

  test('same tenant and seq give the same code and reference, whatever else differs', () => {
    const a = run(card('4111111111111111'), { tenantId: 5, seq: 9, amount: 100 });
    const b = run(card('5105105105105100'), { tenantId: 5, seq: 9, amount: 99999, operation: 'authorize', now: NOW + 86_400_000 });
    assert.equal(a.authCode, b.authCode);
    assert.equal(a.gatewayRef, b.gatewayRef);
    assert.deepEqual(run(card('4111111111111111'), { tenantId: 5, seq: 9, amount: 100 }), a);
  });

  test('a different tenant or seq gives a different code and reference', () => {
    const base = run(card('4111111111111111'), { tenantId: 5, seq: 9 });
    const otherTenant = run(card('4111111111111111'), { tenantId: 6, seq: 9 });
    const otherSeq = run(card('4111111111111111'), { tenantId: 5, seq: 10 });
    assert.notEqual(otherTenant.gatewayRef, base.gatewayRef);
    assert.notEqual(otherTenant.authCode, base.authCode);
    assert.notEqual(otherSeq.gatewayRef, base.gatewayRef);
    assert.notEqual(otherSeq.authCode, base.authCode);
    // Over many sequence numbers the references do not collide.
    const refs = new Set(Array.from({ length: 1000 }, (_, seq) => gatewayRefFor(1, seq)));
    assert.equal(refs.size, 1000);
  });
});
