// /package (subscriptions, chargeover-extra §11): create (the first invoice at once unless held),
// get (with line_items), list/query/count (without, unless expand=line_items), update, and the
// actions upgrade, cancel, hold, paycycle, paymethod, suspend, unsuspend, welcome and invoice;
// /usage (§11.12). Each route parses ChargeOver's words, calls one core use-case, and renders.
import { getCatalogItem } from '../../core/catalog/catalog.ts';
import { getCustomer } from '../../core/customers/customers.ts';
import { primaryContacts } from '../../core/customers/contact-queries.ts';
import { reasonOf } from '../../core/errors/domain-error.ts';
import { openSubscription, renewNow } from '../../core/flows/open-subscription.ts';
import { queueEmail } from '../../core/outbox/outbox.ts';
import { eq } from '../../core/query/conditions.ts';
import { cancelSubscription, changeCadence, holdSubscription, pauseSubscription, resumeSubscription, setCollection, type CollectionChange } from '../../core/subscriptions/lifecycle.ts';
import { changeLines, recordUsage, type LineChange } from '../../core/subscriptions/line-changes.ts';
import { linesByIds, type SubscriptionLineInput } from '../../core/subscriptions/lines.ts';
import { countSubscriptions, querySubscriptions, subscriptionsByIds } from '../../core/subscriptions/queries.ts';
import { getSubscription, updateSubscription } from '../../core/subscriptions/subscriptions.ts';
import { findByRef } from '../../core/refs/refs.ts';
import { dayStart, tenantToday } from '../../core/clock/tenant-time.ts';
import { addDaysTo } from '../../core/clock/zone.ts';
import { listPaymentMethodsBy } from '../../core/vault/queries.ts';
import type { Tier } from '../../core/subscriptions/renewal-plan.ts';
import type { CatalogItemRow } from '../../core/database.ts';
import { accepted, bad, CoError, created, duplicateKey, ok, type CoRequest, type CoResult } from './envelope.ts';
import { listing, pageOf, whereOf } from './lists.ts';
import { lookup, parseRef, payloadRef } from './refs.ts';
import type { Resource } from './router.ts';
import { itemPrice, PACKAGE_FIELDS, renderPackages } from './package-view.ts';
import { EVERY, isPaycycle, PAYCYCLES } from './paycycles.ts';
import { ADDRESS_KEYS, ADMINS, asObject, currencyIso, optBool, optInt, optString, parseAmount, TERMS, VENDOR, vendorData } from './wire.ts';

const NO_DATA = 'A required parameter was missing: No data.';
const PAYMETHODS = ['crd', 'ach', 'tok', 'inv', 'any'] as const;
// Keys a PUT may change (C#'s UpdateSubscription, §11.6); the rest have their own actions.
const UPDATABLE = new Set([
  'class_id',
  'external_key',
  'nickname',
  'admin_id',
  'terms_id',
  'brand_id',
  ...ADDRESS_KEYS.flatMap((k) => [`bill_${k}`, `ship_${k}`]),
  ...[1, 2, 3, 4, 5].map((i) => `custom_${i}`),
]);
const ACTION_FOR: Record<string, string> = {
  paycycle: 'paycycle',
  paymethod: 'paymethod',
  creditcard_id: 'paymethod',
  ach_id: 'paymethod',
  tokenized_id: 'paymethod',
  line_items: 'upgrade',
  holduntil_datetime: 'hold',
  suspendfrom_datetime: 'suspend',
  suspendto_datetime: 'suspend',
  cancel_datetime: 'cancel',
};

/** A package in a path: 404 "This package does not exist." when it is not one of the tenant's. */
async function packageTarget(req: CoRequest, segment: string): Promise<number> {
  const ref = parseRef(segment);
  const id = ref ? await lookup(req.ctx, 'package', ref) : null;
  if (id === null) throw new CoError(404, 'This package does not exist.');
  return id;
}

/** YYYY-MM-DD, YYYY-MM-DD HH:MM:SS or YYYY-MM-DDTHH:MM:SS (§1): the day and the instant (UTC, as ChargeOver's datetimes are shown). */
function parseWhen(value: unknown, field: string): { date: string; at: number; hasTime: boolean } | null {
  if (value === undefined || value === null || value === '') return null;
  const m = typeof value === 'string' ? /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}:\d{2}))?$/.exec(value.trim()) : null;
  const at = m ? Date.parse(`${m[1]}T${m[2] ?? '00:00:00'}Z`) : NaN;
  if (!m || !Number.isFinite(at)) throw bad(`${field} must be a date (YYYY-MM-DD or YYYY-MM-DD HH:MM:SS)`);
  return { date: m[1], at, hasTime: m[2] !== undefined };
}

/** An id where C# sends 0 for "absent" (§1). */
function optId(body: Record<string, unknown>, key: string): number | undefined {
  const value = optInt(body, key);
  return value === null || value === undefined || value === 0 ? undefined : value;
}

function tiersOf(raw: unknown, currency: string, field: string): Tier[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw bad(`${field} must be an array`);
  return raw.map((t, i) => {
    const tier = asObject(t);
    const from = Number(tier.unit_from ?? 1);
    const to = tier.unit_to === undefined || tier.unit_to === null || tier.unit_to === '' ? null : Number(tier.unit_to);
    if (!Number.isFinite(from) || (to !== null && !Number.isFinite(to))) throw bad(`${field}[${i}] unit_from and unit_to must be numbers`);
    return { from: String(from), to: to === null ? null : String(to), price: parseAmount(tier.amount ?? 0, currency, `${field}[${i}].amount`) };
  });
}

/** A line of a create or upgrade body as a core line (the item's own price unless a tierset is given). */
async function lineInput(
  req: CoRequest,
  raw: Record<string, unknown>,
  currency: string,
  field: string,
): Promise<{ line: SubscriptionLineInput; item: CatalogItemRow; key: string | null | undefined }> {
  const itemId = (await payloadRef(req.ctx, 'item', raw, 'item', true)) as number;
  const item = await getCatalogItem(req.ctx, itemId);
  const own = itemPrice(item, currency);
  const custom = raw.tierset !== undefined && raw.tierset !== null && typeof raw.tierset === 'object' && Object.keys(raw.tierset).length > 0;
  const t = custom ? asObject(raw.tierset) : {};
  const pricemodel = custom ? (optString(t, 'pricemodel') ?? 'fla') : own.pricemodel;
  if (pricemodel !== 'fla' && pricemodel !== 'uni') throw bad(`${field}.tierset.pricemodel must be fla or uni`);
  const paycycle = custom ? (optString(t, 'paycycle') ?? EVERY) : own.paycycle;
  if (paycycle !== EVERY && !isPaycycle(paycycle)) throw bad(`${field}.tierset.paycycle must be evy or a paycycle code`);
  const percent = custom && t.percent !== undefined && t.percent !== null && t.percent !== '' ? String(t.percent) : null;
  if (percent !== null && !/^\d+(\.\d+)?$/.test(percent)) throw bad(`${field}.tierset.percent must be a number`);
  const quantity = raw.line_quantity === undefined || raw.line_quantity === null || raw.line_quantity === '' || Number(raw.line_quantity) === 0 ? '1' : String(raw.line_quantity);
  const trialDays = optInt(raw, 'trial_days') ?? 0;
  if (trialDays < 0) throw bad(`${field}.trial_days must not be negative`);
  const expires = parseWhen(raw.expire_datetime, `${field}.expire_datetime`);
  const lineVendor: Record<string, unknown> = { trial_days: trialDays, tierset: { custom, paycycle, pricemodel, written_at: req.ctx.clock.now() } };
  for (const key of ['nickname', 'custom_1', 'custom_2', 'custom_3', 'expire_recurs', 'license']) {
    const value = optString(raw, key);
    if (value !== undefined) lineVendor[key] = value;
  }
  const line: SubscriptionLineInput = {
    itemId,
    description: optString(raw, 'descrip') ?? undefined,
    quantity,
    unitPrice: custom ? (t.base === undefined || t.base === null || t.base === '' ? 0 : parseAmount(t.base, currency, `${field}.tierset.base`)) : own.base,
    setupFee: custom ? (t.setup === undefined || t.setup === null || t.setup === '' ? 0 : parseAmount(t.setup, currency, `${field}.tierset.setup`)) : own.setup,
    pricing: percent !== null && Number(percent) !== 0 ? 'percent' : pricemodel === 'uni' ? 'per_unit' : 'flat',
    percent,
    tiers: custom ? tiersOf(t.tiers, currency, `${field}.tierset.tiers`) : [],
    cadence: paycycle === EVERY ? null : PAYCYCLES[paycycle],
    trialDays,
    expiresAt: expires?.at ?? null,
    vendorData: { [VENDOR]: lineVendor },
  };
  const key = raw.external_key === undefined ? undefined : optString(raw, 'external_key') || null;
  if (key) line.refs = [{ vendor: VENDOR, kind: 'external_key', value: key }];
  return { line, item, key };
}

/** paymethod and the ids that go with it (§11.4, §11.8) as the core's collection. */
async function collectionOf(req: CoRequest, body: Record<string, unknown>, customerId: number, fallback: string): Promise<CollectionChange> {
  const cardId = optId(body, 'creditcard_id');
  const achId = optId(body, 'ach_id');
  const tokenizedId = optId(body, 'tokenized_id');
  const named = optString(body, 'paymethod') || (cardId ? 'crd' : achId ? 'ach' : tokenizedId ? 'tok' : fallback);
  if (!(PAYMETHODS as readonly string[]).includes(named)) throw bad(`paymethod must be one of ${PAYMETHODS.join(', ')}`);
  const own = async (kind: 'creditcard' | 'ach' | 'tokenized', id: number | undefined, coreKind: string): Promise<number> => {
    if (id !== undefined) {
      const found = await lookup(req.ctx, kind, { by: 'id', id });
      if (found === null) throw bad(`No ${kind} found for ${kind}_id ${id}`);
      return found;
    }
    // No id: the customer's newest one (§11.8).
    const newest = await listPaymentMethodsBy(req.ctx, { where: [eq('customer_id', customerId), eq('kind', coreKind)], order: [{ field: 'id', direction: 'desc' }], limit: 1 });
    if (!newest.rows[0]) throw bad(`The customer has no ${kind === 'creditcard' ? 'credit card' : kind === 'ach' ? 'bank account' : 'tokenized method'} on file`);
    return newest.rows[0].id;
  };
  switch (named) {
    case 'crd':
      return { collection: 'charge', paymentMethodId: await own('creditcard', cardId, 'card') };
    case 'ach':
      return { collection: 'charge', paymentMethodId: await own('ach', achId, 'bank') };
    // A tokenized method lives at another gateway: this server cannot charge it, so its invoices are only sent.
    case 'tok':
      return { collection: 'invoice', paymentMethodId: await own('tokenized', tokenizedId, 'tokenized') };
    case 'any':
      return { collection: 'charge', paymentMethodId: null };
    default:
      return { collection: 'invoice', paymentMethodId: null };
  }
}

function packageVendorFields(body: Record<string, unknown>): Record<string, unknown> {
  const v: Record<string, unknown> = {};
  for (const key of ['nickname', ...[1, 2, 3, 4, 5].map((i) => `custom_${i}`), ...ADDRESS_KEYS.flatMap((k) => [`bill_${k}`, `ship_${k}`])]) {
    const value = optString(body, key);
    if (value !== undefined) v[key] = value;
  }
  for (const key of ['class_id', 'admin_id', 'brand_id']) {
    const value = optInt(body, key);
    if (value !== undefined) v[key] = value === 0 ? null : value;
  }
  if (typeof v.admin_id === 'number' && !ADMINS[v.admin_id]) throw bad(`Unknown admin_id ${v.admin_id}`);
  const termsId = optInt(body, 'terms_id');
  if (termsId !== undefined && termsId !== null && termsId !== 0) {
    if (!TERMS[termsId]) throw bad(`Unknown terms_id ${termsId}`);
    v.terms_id = termsId;
  }
  return v;
}

const conflict = (key: string | null | undefined) => (error: unknown) => {
  if (reasonOf(error) === 'duplicate_ref') throw bad(`A package already exists with the external_key value "${String(key)}"`);
  throw error;
};

async function create(req: CoRequest): Promise<CoResult> {
  const body = asObject(req.body);
  if (Object.keys(body).length === 0) throw bad(NO_DATA);
  const customerId = (await payloadRef(req.ctx, 'customer', body, 'customer', true)) as number;
  const customer = await getCustomer(req.ctx, customerId);
  const currency = optId(body, 'currency_id') === undefined ? customer.currency : currencyIso(optInt(body, 'currency_id'));
  if (currency !== customer.currency) throw bad('The package currency must be the customer currency');
  if (!Array.isArray(body.line_items) || body.line_items.length === 0) throw bad('line_items must list at least one line');
  const lines: SubscriptionLineInput[] = [];
  for (const [i, raw] of body.line_items.entries()) lines.push((await lineInput(req, asObject(raw), currency, `line_items[${i}]`)).line);
  const paycycle = optString(body, 'paycycle') || 'mon';
  if (!isPaycycle(paycycle)) throw bad(`Unknown paycycle ${paycycle}`);
  const hold = parseWhen(body.holduntil_datetime, 'holduntil_datetime');
  const how = await collectionOf(req, body, customerId, 'inv');
  const v = packageVendorFields(body);
  const cv = vendorData(customer.vendor_data);
  v.terms_id ??= cv.terms_id ?? 3;
  if (hold) v.holduntil_datetime = `${hold.date} ${hold.hasTime ? new Date(hold.at).toISOString().slice(11, 19) : '00:00:00'}`;
  const externalKey = optString(body, 'external_key') || null;
  const today = tenantToday(req.ctx);
  const maxTrial = Math.max(0, ...lines.map((l) => l.trialDays ?? 0));
  // `coupon` is accepted and ignored: this server has no coupons (§11.5).
  const { subscription } = await openSubscription(
    req.ctx,
    {
      customerId,
      currency,
      amount: 0,
      description: optString(body, 'nickname') || '',
      schedule: { ...PAYCYCLES[paycycle], start: today },
      nextBillDate: hold ? hold.date : today,
      lines,
      paymentMethodId: how.paymentMethodId ?? null,
      collection: how.collection,
      notify: true,
      termsDays: TERMS[v.terms_id as number]?.days ?? 0,
      trialEndsOn: maxTrial > 0 ? addDaysTo(today, maxTrial) : null,
      refs: externalKey ? [{ vendor: VENDOR, kind: 'external_key', value: externalKey }] : undefined,
      vendor: VENDOR,
      vendorData: v,
    },
    // The first invoice is raised at once unless the package is held (§11.5).
    { billFirstPeriodNow: !hold },
  ).catch(conflict(externalKey));
  return created(req, 'package', subscription.id);
}

async function update(req: CoRequest, segment: string): Promise<CoResult> {
  const id = await packageTarget(req, segment);
  const body = asObject(req.body);
  if (Object.keys(body).length === 0) throw bad(NO_DATA);
  for (const key of Object.keys(body)) {
    if (UPDATABLE.has(key)) continue;
    throw bad(ACTION_FOR[key] ? `Use the ${ACTION_FOR[key]} action to change ${key}.` : `${key} cannot be changed on a package.`);
  }
  const v = packageVendorFields(body);
  const externalKey = optString(body, 'external_key');
  await updateSubscription(req.ctx, id, {
    vendor: VENDOR,
    vendorData: v,
    ...(v.terms_id !== undefined ? { termsDays: TERMS[v.terms_id as number].days } : {}),
    ...(externalKey !== undefined ? { refs: [{ vendor: VENDOR, kind: 'external_key', value: externalKey || null }] } : {}),
  }).catch(conflict(externalKey));
  return accepted(req, 'package', id);
}

async function upgrade(req: CoRequest, segment: string): Promise<CoResult> {
  const id = await packageTarget(req, segment);
  const sub = await getSubscription(req.ctx, id);
  if (sub.status === 'cancelled' || sub.status === 'completed') throw bad('This package is canceled.');
  const body = asObject(req.body);
  if (!Array.isArray(body.line_items) || body.line_items.length === 0) throw bad('line_items must list at least one line');
  const changes: LineChange[] = [];
  for (const [i, entry] of body.line_items.entries()) {
    const raw = asObject(entry);
    const field = `line_items[${i}]`;
    const prorate = { charge: optBool(raw, 'subscribe_prorate') === true, credit: optBool(raw, 'cancel_prorate') === true };
    const lineId =
      optId(raw, 'line_item_id') ??
      (typeof raw.line_item_external_key === 'string'
        ? ((await findByRef(req.ctx, { vendor: VENDOR, objectType: 'subscription_line', kind: 'external_key' }, raw.line_item_external_key)) ?? -1)
        : undefined);
    if (lineId !== undefined && optBool(raw, 'cancel') === true) {
      changes.push({ kind: 'cancel', lineId, prorate });
      continue;
    }
    const { line } = await lineInput(req, raw, sub.currency, field);
    changes.push(lineId === undefined ? { kind: 'add', line, prorate } : { kind: 'replace', lineId, line, prorate });
  }
  await changeLines(req.ctx, id, changes).catch((error: unknown) => {
    if (reasonOf(error) === 'unknown_line') throw bad(error instanceof Error ? error.message : 'Unknown line_item_id');
    if (reasonOf(error) === 'duplicate_ref') throw duplicateKey('line item', 'external_key');
    if (reasonOf(error) === 'cancelled') throw bad('This package is canceled.');
    throw error;
  });
  return ok(true);
}

async function cancel(req: CoRequest, segment: string): Promise<CoResult> {
  const id = await packageTarget(req, segment);
  const body = asObject(req.body);
  const when = parseWhen(body.cancel_date, 'cancel_date');
  const reasonId = optInt(body, 'cancel_reason_id');
  // A later cancel_date cancels on that day; the record's mod time is not touched (recorded).
  await cancelSubscription(req.ctx, id, { at: when ? dayStart(req.ctx, when.date) : null, touch: false }, reasonId ? { vendor: VENDOR, fields: { cancel_reason_id: reasonId } } : undefined).catch(
    (error: unknown) => {
      if (reasonOf(error) === 'already_cancelled') throw bad('This package is already canceled.');
      throw error;
    },
  );
  return ok(true);
}

async function hold(req: CoRequest, segment: string): Promise<CoResult> {
  const id = await packageTarget(req, segment);
  const when = parseWhen(asObject(req.body).holduntil_datetime, 'holduntil_datetime');
  if (!when) throw bad('holduntil_datetime is required');
  const shown = `${when.date} ${when.hasTime ? new Date(when.at).toISOString().slice(11, 19) : '00:00:00'}`;
  await holdSubscription(req.ctx, id, when.date, { vendor: VENDOR, fields: { holduntil_datetime: shown } });
  return ok(true);
}

async function paycycle(req: CoRequest, segment: string): Promise<CoResult> {
  const id = await packageTarget(req, segment);
  const code = optString(asObject(req.body), 'paycycle');
  if (!code || !isPaycycle(code)) throw bad(`Unknown paycycle ${String(code ?? '')}`);
  await changeCadence(req.ctx, id, PAYCYCLES[code], { vendor: VENDOR, fields: { paycycle: code } });
  return ok(true);
}

async function paymethod(req: CoRequest, segment: string): Promise<CoResult> {
  const id = await packageTarget(req, segment);
  const sub = await getSubscription(req.ctx, id);
  const body = asObject(req.body);
  if (Object.keys(body).length === 0) throw bad('paymethod is required');
  const how = await collectionOf(req, body, sub.customer_id, 'inv');
  await setCollection(req.ctx, id, how).catch((error: unknown) => {
    if (reasonOf(error) === 'not_owned' || reasonOf(error) === 'no_payment_method') throw bad(error instanceof Error ? error.message : 'Invalid payment method');
    throw error;
  });
  return ok(true);
}

async function suspend(req: CoRequest, segment: string): Promise<CoResult> {
  const id = await packageTarget(req, segment);
  const body = asObject(req.body);
  const from = parseWhen(body.suspendfrom_datetime, 'suspendfrom_datetime');
  const until = parseWhen(body.suspendto_datetime, 'suspendto_datetime');
  await pauseSubscription(req.ctx, id, { from: from?.at ?? null, until: until?.at ?? null }).catch((error: unknown) => {
    if (reasonOf(error) === 'cancelled') throw bad('This package is canceled.');
    throw error;
  });
  return ok(true);
}

async function welcome(req: CoRequest, segment: string): Promise<CoResult> {
  const id = await packageTarget(req, segment);
  const sub = await getSubscription(req.ctx, id);
  const body = asObject(req.body);
  const contact = (await primaryContacts(req.ctx, [sub.customer_id])).get(sub.customer_id);
  const customer = await getCustomer(req.ctx, sub.customer_id);
  const to = optString(body, 'email') || contact?.email || customer.email;
  if (!to) throw bad('No e-mail address to send the welcome message to');
  // An unknown message_id still sends, with the default template (§11.8).
  if (req.emails) {
    await queueEmail(req.ctx, {
      to,
      subject: 'Welcome',
      body: `Welcome! Your subscription (package #${id}) is set up.`,
      meta: { vendor: VENDOR, kind: 'welcome', package_id: id, message_id: optInt(body, 'message_id') ?? null },
    });
  }
  return ok(true);
}

async function invoiceNow(req: CoRequest, segment: string): Promise<CoResult> {
  const id = await packageTarget(req, segment);
  const sub = await getSubscription(req.ctx, id);
  if (sub.status === 'cancelled' || sub.status === 'completed') throw bad('This package is canceled.');
  const outcome = await renewNow(req.ctx, id).catch((error: unknown) => {
    if (reasonOf(error) === 'nothing_to_bill') throw bad('This package has nothing left to invoice.');
    throw error;
  });
  if (!outcome || outcome.invoiceId === null) throw bad(outcome?.result === 'skipped' ? 'This package is suspended or has nothing to invoice this cycle.' : 'This package cannot be invoiced now.');
  return ok({ id: outcome.invoiceId });
}

const expand = (req: CoRequest): boolean =>
  String(req.query.expand ?? '')
    .split(',')
    .includes('line_items');

export const packages: Resource = {
  list: async (req) => ok(await renderPackages(req, (await listing(querySubscriptions(req.ctx, pageOf(req, PACKAGE_FIELDS)))).rows, expand(req))),
  count: async (req) => ok(await listing(countSubscriptions(req.ctx, { where: whereOf(req, PACKAGE_FIELDS) }))),
  create,
  get: async (req, segment) => ok((await renderPackages(req, await subscriptionsByIds(req.ctx, [await packageTarget(req, segment)]), true))[0]),
  update,
  // No client deletes a package; ChargeOver's way to end one is to cancel it (§11.1).
  remove: async () => {
    throw bad('Use the cancel action to end a subscription.');
  },
  actions: {
    upgrade,
    cancel,
    hold,
    paycycle,
    paymethod,
    suspend,
    unsuspend: async (req, segment) => {
      await resumeSubscription(req.ctx, await packageTarget(req, segment));
      return ok(true);
    },
    welcome,
    invoice: invoiceNow,
  },
};

/** /usage (§11.12): usage on a package line, billed by its next invoice. */
export const usage: Resource = {
  create: async (req) => {
    const body = asObject(req.body);
    if (Object.keys(body).length === 0) throw bad(NO_DATA);
    let lineId = optId(body, 'line_item_id');
    const key = optString(body, 'line_item_external_key');
    if (lineId === undefined && key) lineId = (await findByRef(req.ctx, { vendor: VENDOR, objectType: 'subscription_line', kind: 'external_key' }, key)) ?? undefined;
    if (lineId === undefined) throw bad('line_item_id (or line_item_external_key) of a package line is required');
    const [line] = await linesByIds(req.ctx, [lineId]);
    if (!line) throw bad(`No package line found for ${String(body.line_item_id ?? key)}`);
    const value = body.usage_value;
    if (value === undefined || value === null || value === '' || !/^\d+(\.\d+)?$/.test(String(value))) throw bad('usage_value must be a number of 0 or more');
    const from = parseWhen(body.from, 'from');
    const to = parseWhen(body.to, 'to');
    const externalKey = optString(body, 'external_key') || null;
    const id = await recordUsage(req.ctx, {
      lineId: line.id,
      quantity: String(value),
      from: from?.at ?? null,
      to: to?.at ?? null,
      refs: externalKey ? [{ vendor: VENDOR, kind: 'external_key', value: externalKey }] : undefined,
    }).catch((error: unknown) => {
      if (reasonOf(error) === 'unknown_line' || reasonOf(error) === 'cancelled') throw bad(error instanceof Error ? error.message : 'The line cannot take usage');
      if (reasonOf(error) === 'duplicate_ref') throw duplicateKey('usage', String(externalKey));
      throw error;
    });
    return created(req, 'usage', id);
  },
};
