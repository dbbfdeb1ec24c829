// Reference data and settings (chargeover-extra §5, §6): brands (four per tenant, read-only),
// ISO countries, the five currencies and their exchange rates (core/money/exchange-rates), and
// `_config` (core/tenants/settings: the tenant's door configuration values).
import { exchangeRate, setExchangeRate } from '../../core/money/exchange-rates.ts';
import { doorConfig, setDoorConfig } from '../../core/tenants/settings.ts';
import { bad, doesNotExist, ok, type CoRequest, type CoResult } from './envelope.ts';
import { COUNTRY_ROWS } from './countries.ts';
import type { Resource } from './router.ts';
import { parsePaging } from './where.ts';
import { asObject, currencyId, CURRENCIES, optString, VENDOR } from './wire.ts';

// ---- brands ------------------------------------------------------------------------------------

const BRAND_NAMES = ['Default', 'Brand 2', 'Brand 3', 'Brand 4'];

/** Brands 1-4 (the PHP example asks for brand 4); the customer's brand_id defaults to 1. */
function brand(id: number): Record<string, unknown> {
  const name = BRAND_NAMES[id - 1];
  const custom = Object.fromEntries([1, 2, 3, 4, 5].map((i) => [`custom_${i}`, null]));
  return {
    brand_id: id,
    brand: name,
    name,
    brand_addr1: '',
    brand_addr2: '',
    brand_city: '',
    brand_state: '',
    brand_postcode: '',
    brand_country: 'United States',
    brand_block: `${name}\nUnited States`,
    ...custom,
  };
}

export const brands: Resource = {
  list: async () => ok(BRAND_NAMES.map((_, i) => brand(i + 1))),
  get: async (_req, segment) => {
    const id = /^\d{1,3}$/.test(segment) ? Number(segment) : 0;
    if (id < 1 || id > BRAND_NAMES.length) throw doesNotExist('brand');
    return ok(brand(id));
  },
};

// ---- countries ---------------------------------------------------------------------------------

const COUNTRIES = COUNTRY_ROWS.map((row, i) => {
  const [iso2, iso3, ...name] = row.split(' ');
  return { country_id: i + 1, name: name.join(' '), iso2, iso3, cctld: iso2 === 'GB' ? 'uk' : iso2.toLowerCase() };
});

export const countries: Resource = {
  list: async (req) => {
    const { offset, limit } = parsePaging(req.query);
    return ok(COUNTRIES.slice(offset, offset + limit));
  },
  get: async (_req, segment) => {
    const found = /^\d{1,4}$/.test(segment) ? COUNTRIES[Number(segment) - 1] : undefined;
    if (!found) throw doesNotExist('country');
    return ok(found);
  },
};

// ---- currencies and exchange rates -------------------------------------------------------------

const CURRENCY_NAMES: Record<string, string> = { USD: 'US Dollar', CAD: 'Canadian Dollar', GBP: 'British Pound', EUR: 'Euro', AUD: 'Australian Dollar' };

function currencyCode(body: Record<string, unknown>, key: string): string {
  const value = optString(body, key);
  const code = typeof value === 'string' ? value.trim().toUpperCase() : '';
  if (!code || !currencyId(code)) throw bad('Missing or invalid parameter.', { field: key });
  return code;
}

async function setRate(req: CoRequest): Promise<CoResult> {
  const body = asObject(req.body);
  const from = currencyCode(body, 'from');
  const to = currencyCode(body, 'to');
  const exchange = body.exchange;
  if (from === to || (typeof exchange !== 'number' && typeof exchange !== 'string') || !(Number(exchange) > 0)) throw bad('Missing or invalid parameter.', { field: 'exchange' });
  await setExchangeRate(req.ctx, from, to, exchange);
  return ok(true);
}

async function getRate(req: CoRequest): Promise<CoResult> {
  const body = asObject(req.body);
  return ok(Number(await exchangeRate(req.ctx, currencyCode(body, 'from'), currencyCode(body, 'to'))));
}

export const currencies: Resource = {
  list: async () => ok(Object.entries(CURRENCIES).map(([id, c]) => ({ currency_id: Number(id), currency: CURRENCY_NAMES[c.iso], iso4217: c.iso, symbol: c.symbol, rounding: 2 }))),
  collectionActions: { setExchangeRate: setRate, getExchangeRate: getRate },
};

// ---- _config -----------------------------------------------------------------------------------

export const config: Resource = {
  list: async (req) => ok(await doorConfig(req.ctx, VENDOR)),
  create: async (req) => {
    const body = req.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw bad('The configuration must be a JSON object of settings');
    await setDoorConfig(req.ctx, VENDOR, body as Record<string, unknown>);
    return ok(true);
  },
};
