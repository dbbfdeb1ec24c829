// Money conversions for a 0-, 2- and 3-decimal currency (JPY, USD, KWD): decimal strings, JSON
// floats, quantities, percentages, and round trips over every safe integer amount.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MoneyFormatError, applyPercent, exponentOf, formatDecimal, multiplyQuantity, normalizeDecimalText, parseDecimal, parseFloatMajor, toFloatMajor } from '../../src/core/money/index.ts';

const CURRENCIES = ['JPY', 'USD', 'KWD'] as const;

describe('exponentOf', () => {
  test('JPY 0, USD 2, KWD 3, case-insensitive, unlisted currencies 2', () => {
    assert.equal(exponentOf('JPY'), 0);
    assert.equal(exponentOf('USD'), 2);
    assert.equal(exponentOf('KWD'), 3);
    assert.equal(exponentOf('kwd'), 3);
    assert.equal(exponentOf('EUR'), 2);
  });
});

describe('parseDecimal', () => {
  const cases: Array<[string, string, number]> = [
    ['1000', 'JPY', 1000],
    ['1000.0', 'JPY', 1000],
    ['-5', 'JPY', -5],
    ['0', 'JPY', 0],
    ['12.34', 'USD', 1234],
    ['-0.5', 'USD', -50],
    ['+3.1', 'USD', 310],
    ['1', 'USD', 100],
    ['1.', 'USD', 100],
    ['0.01', 'USD', 1],
    ['1.000', 'USD', 100],
    [' 12.30 ', 'USD', 1230],
    ['007.10', 'USD', 710],
    ['1.234', 'KWD', 1234],
    ['0.001', 'KWD', 1],
    ['1.2', 'KWD', 1200],
    ['-1.2', 'KWD', -1200],
    ['5', 'KWD', 5000],
    ['90071992547409.91', 'USD', Number.MAX_SAFE_INTEGER],
    ['-9007199254740991', 'JPY', -Number.MAX_SAFE_INTEGER],
    ['9007199254740.991', 'KWD', Number.MAX_SAFE_INTEGER],
  ];
  for (const [text, currency, expected] of cases) {
    test(`${JSON.stringify(text)} ${currency} → ${expected}`, () => {
      assert.equal(parseDecimal(text, currency), expected);
    });
  }

  test('refuses more decimals than the currency has, unless they are zeros', () => {
    assert.throws(
      () => parseDecimal('1.001', 'USD'),
      (e: unknown) => e instanceof MoneyFormatError && /too many decimal places for USD/.test(e.message),
    );
    assert.throws(() => parseDecimal('1.5', 'JPY'), MoneyFormatError);
    assert.throws(() => parseDecimal('0.0001', 'KWD'), MoneyFormatError);
    assert.throws(() => parseDecimal('1.0010', 'USD'), MoneyFormatError);
    assert.equal(parseDecimal('1.0000', 'KWD'), 1000);
  });

  test('refuses garbage', () => {
    for (const text of ['', ' ', 'abc', '1,000.00', '1.2.3', '$5', '.5', '1e3', 'NaN', 'Infinity', '--1', '1 000', '0x10', '١٢']) {
      assert.throws(
        () => parseDecimal(text, 'USD'),
        (e: unknown) => e instanceof MoneyFormatError && /not a decimal amount/.test(e.message),
        text,
      );
    }
  });

  test('refuses amounts outside the safe integer range', () => {
    assert.throws(
      () => parseDecimal('90071992547409.92', 'USD'),
      (e: unknown) => e instanceof MoneyFormatError && /out of range/.test(e.message),
    );
    assert.throws(() => parseDecimal('9007199254740992', 'JPY'), /out of range/);
    assert.throws(() => parseDecimal('-9007199254740992', 'JPY'), /out of range/);
    assert.throws(() => parseDecimal('9007199254741', 'KWD'), /out of range/);
    assert.throws(() => parseDecimal('1' + '0'.repeat(30), 'USD'), /out of range/);
  });
});

describe('parseFloatMajor', () => {
  const cases: Array<[number, string, number]> = [
    // float artefacts: the shortest decimal of the double is what the client meant
    [0.1 + 0.2, 'USD', 30],
    [19.99, 'USD', 1999],
    [1.005, 'USD', 101],
    [1.15, 'USD', 115],
    [4.35, 'USD', 435],
    [0.07, 'USD', 7],
    [1e-7, 'USD', 0],
    [-1e-7, 'USD', 0],
    [5e-7, 'KWD', 0],
    [1e-7, 'JPY', 0],
    // half away from zero
    [12.345, 'USD', 1235],
    [-12.345, 'USD', -1235],
    [12.344, 'USD', 1234],
    [0.005, 'USD', 1],
    [-0.005, 'USD', -1],
    [0.0049, 'USD', 0],
    [1234.5, 'JPY', 1235],
    [1234.4, 'JPY', 1234],
    [-0.5, 'JPY', -1],
    [1.2345, 'KWD', 1235],
    [0.0005, 'KWD', 1],
    [1.2344, 'KWD', 1234],
    // whole and large values
    [0, 'USD', 0],
    [42, 'USD', 4200],
    [42, 'JPY', 42],
    [42, 'KWD', 42000],
    [1e13, 'USD', 1e15],
    [123456789012.34, 'USD', 12345678901234],
    [9e15, 'JPY', 9e15],
    [1e12, 'KWD', 1e15],
    [-1e12, 'KWD', -1e15],
  ];
  for (const [value, currency, expected] of cases) {
    test(`${value} ${currency} → ${expected}`, () => {
      assert.equal(parseFloatMajor(value, currency), expected);
    });
  }

  test('refuses non-finite numbers and values past the safe range', () => {
    for (const value of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      assert.throws(
        () => parseFloatMajor(value, 'USD'),
        (e: unknown) => e instanceof MoneyFormatError && /not a finite amount/.test(e.message),
      );
    }
    assert.throws(
      () => parseFloatMajor(1e21, 'USD'),
      (e: unknown) => e instanceof MoneyFormatError && /out of range/.test(e.message),
    );
    assert.throws(() => parseFloatMajor(-1.5e21, 'JPY'), /out of range/);
    assert.throws(() => parseFloatMajor(1e14, 'USD'), /out of range/);
    assert.throws(() => parseFloatMajor(1e13, 'KWD'), /out of range/);
  });
});

describe('formatDecimal and toFloatMajor', () => {
  const cases: Array<[number, string, string, number]> = [
    [1234, 'USD', '12.34', 12.34],
    [5, 'JPY', '5', 5],
    [1, 'KWD', '0.001', 0.001],
    [-5, 'USD', '-0.05', -0.05],
    [0, 'USD', '0.00', 0],
    [0, 'JPY', '0', 0],
    [0, 'KWD', '0.000', 0],
    [100, 'USD', '1.00', 1],
    [1999, 'USD', '19.99', 19.99],
    [-1234567, 'KWD', '-1234.567', -1234.567],
    [-50, 'USD', '-0.50', -0.5],
    [-7, 'JPY', '-7', -7],
    [Number.MAX_SAFE_INTEGER, 'USD', '90071992547409.91', 90071992547409.9], // the nearest double
    [Number.MAX_SAFE_INTEGER, 'KWD', '9007199254740.991', 9007199254740.99], // the nearest double: floats lose the last digit here
  ];
  for (const [minor, currency, text, float] of cases) {
    test(`${minor} ${currency} → "${text}" / ${float}`, () => {
      assert.equal(formatDecimal(minor, currency), text);
      assert.equal(toFloatMajor(minor, currency), float);
    });
  }
});

describe('multiplyQuantity', () => {
  const cases: Array<[number, string, number]> = [
    [1500, '2', 3000],
    [999, '1.5', 1499], // 1498.5 → half away from zero
    [333, '0.5', 167], // 166.5
    [-333, '0.5', -167],
    [333, '-0.5', -167],
    [1000, '0.333', 333],
    [100, '-2', -200],
    [1, '0.5', 1],
    [1, '0.49', 0],
    [1999, '3', 5997],
    [250, '0', 0],
    [250, ' 1.000 ', 250],
    [12345, '0.0001', 1], // 1.2345
    [12345, '0.00001', 0], // 0.12345
  ];
  for (const [unit, quantity, expected] of cases) {
    test(`${unit} × ${JSON.stringify(quantity)} → ${expected}`, () => {
      assert.equal(multiplyQuantity(unit, quantity), expected);
    });
  }

  test('refuses a non-decimal quantity and a product past the safe range', () => {
    for (const quantity of ['abc', '1e2', '', '1/2', '1,5']) {
      assert.throws(
        () => multiplyQuantity(100, quantity),
        (e: unknown) => e instanceof MoneyFormatError && /not a decimal quantity/.test(e.message),
        quantity,
      );
    }
    assert.throws(() => multiplyQuantity(Number.MAX_SAFE_INTEGER, '2'), /out of range/);
    assert.equal(multiplyQuantity(Number.MAX_SAFE_INTEGER, '1'), Number.MAX_SAFE_INTEGER);
  });
});

describe('applyPercent', () => {
  const cases: Array<[number, string, number]> = [
    [10000, '8.25', 825],
    [1999, '8.25', 165], // 164.9175
    [150, '10', 15],
    [5, '10', 1], // 0.5 → 1
    [-5, '10', -1],
    [4, '10', 0], // 0.4
    [1234, '0', 0],
    [100, '-10', -10],
    [3, '50', 2], // 1.5
    [1000, '100', 1000],
    [1000, '0.125', 1], // 1.25
    [333, '33.3333', 111], // 110.99989
  ];
  for (const [amount, percent, expected] of cases) {
    test(`${amount} × ${percent} % → ${expected}`, () => {
      assert.equal(applyPercent(amount, percent), expected);
    });
  }

  test('refuses a non-decimal percentage', () => {
    for (const percent of ['8%', 'abc', '', '1e1']) {
      assert.throws(
        () => applyPercent(100, percent),
        (e: unknown) => e instanceof MoneyFormatError && /not a decimal percentage/.test(e.message),
        percent,
      );
    }
  });
});

describe('normalizeDecimalText', () => {
  const cases: Array<[string, string]> = [
    ['1.50', '1.5'],
    ['2.0', '2'],
    ['007', '7'],
    ['0.0', '0'],
    ['-0.00', '0'],
    ['-1.50', '-1.5'],
    ['+3', '3'],
    [' 4.10 ', '4.1'],
    ['0.50', '0.5'],
    ['1.', '1'],
    ['000.000', '0'],
    ['10', '10'],
    ['100.001', '100.001'],
    ['-0.05', '-0.05'],
  ];
  for (const [text, expected] of cases) {
    test(`${JSON.stringify(text)} → "${expected}"`, () => {
      assert.equal(normalizeDecimalText(text), expected);
    });
  }

  test('refuses anything that is not a decimal', () => {
    for (const text of ['', '1.2.3', 'abc', '.5', '1e3', '1,5']) {
      assert.throws(
        () => normalizeDecimalText(text),
        (e: unknown) => e instanceof MoneyFormatError && /not a decimal number/.test(e.message),
        text,
      );
    }
  });
});

describe('round trips (fast-check)', () => {
  test('parseDecimal(formatDecimal(x)) === x for every safe integer', () => {
    fc.assert(
      fc.property(fc.oneof(fc.maxSafeInteger(), fc.integer({ min: -1e6, max: 1e6 })), fc.constantFrom(...CURRENCIES), (minor, currency) => {
        const text = formatDecimal(minor, currency);
        const decimals = text.includes('.') ? text.split('.')[1].length : 0;
        assert.equal(decimals, exponentOf(currency));
        assert.equal(parseDecimal(text, currency), minor);
      }),
      { numRuns: 2000 },
    );
  });

  test('parseFloatMajor(toFloatMajor(x)) === x for |x| < 1e13', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: -(1e13 - 1), max: 1e13 - 1 }), fc.integer({ min: -1e5, max: 1e5 })), fc.constantFrom(...CURRENCIES), (minor, currency) => {
        assert.equal(parseFloatMajor(toFloatMajor(minor, currency), currency), minor);
      }),
      { numRuns: 2000 },
    );
  });

  test('normalizeDecimalText is idempotent and keeps the value', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e9, max: 1e9 }), fc.stringMatching(/^\d{0,6}$/), fc.integer({ min: 0, max: 3 }), (whole, fraction, leadingZeros) => {
        const sign = whole < 0 ? '-' : '';
        const text = sign + '0'.repeat(leadingZeros) + String(Math.abs(whole)) + (fraction ? '.' + fraction : '');
        const normal = normalizeDecimalText(text);
        assert.equal(normalizeDecimalText(normal), normal);
        assert.equal(multiplyQuantity(1_000_000, normal), multiplyQuantity(1_000_000, text));
        assert.doesNotMatch(normal, /\.\d*0$|\.$|^-?0\d|^-0$/);
      }),
      { numRuns: 500 },
    );
  });
});
