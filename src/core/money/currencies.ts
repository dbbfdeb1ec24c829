// ISO 4217 minor-unit exponents. Every currency Intl knows is accepted; those not listed use 2.
const EXPONENTS: Record<string, number> = {
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  ISK: 0,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  PYG: 0,
  RWF: 0,
  UGX: 0,
  UYI: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
  CLF: 4,
  UYW: 4,
};

const KNOWN = new Set<string>(Intl.supportedValuesOf('currency'));

export function isCurrency(code: string): boolean {
  return KNOWN.has(code.toUpperCase());
}

/** Minor-unit exponent of a currency: JPY 0, USD 2, KWD 3. */
export function exponentOf(currency: string): number {
  return EXPONENTS[currency.toUpperCase()] ?? 2;
}

/** Upper-cases and validates a currency code; null when it is not an ISO 4217 code. */
export function normalizeCurrency(code: unknown): string | null {
  if (typeof code !== 'string' || !/^[A-Za-z]{3}$/.test(code)) return null;
  const upper = code.toUpperCase();
  return KNOWN.has(upper) ? upper : null;
}
