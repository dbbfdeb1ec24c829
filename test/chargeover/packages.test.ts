// ChargeOver packages over HTTP (chargeover-extra §11, conformance cases K1-K14), and their billing
// on the tenant clock: the first invoice at once, renewals on each paycycle date with package_id and
// package_line_id, card packages charged and applied, declines walked through the dunning ladder,
// usage billed, suspend/hold/cancel honoured.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { errorBody, okBody, startChargeOver, type CoClient } from './helpers.ts';
import { verify } from '../../src/core/verify/verify.ts';

let co: CoClient;
let customer: number;
let item: number;
let item2: number;
let item3: number;
const DAY = 86_400_000;

const clock = async (to: string) => {
  const answer = await co.server.admin(`/_admin/tenants/${co.server.tenant.slug}/clock`, { body: { to, freeze: true } });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return answer.body;
};
const advance = async (by: string) => {
  const answer = await co.server.admin(`/_admin/tenants/${co.server.tenant.slug}/clock/advance`, { body: { by } });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return answer.body.ran as Record<string, number>;
};
const pkg = async (id: number) => okBody(await co.get(`/package/${id}`));
const invoicesOf = async (id: number) => okBody(await co.get(`/invoice?where=package_id:EQUALS:${id}&order=invoice_id:ASC&limit=100`)) as any[];

before(async () => {
  co = await startChargeOver();
  await clock('2027-05-02T09:00:00Z');
  customer = okBody(await co.post('/customer', { company: 'Package Co', superuser_email: 'owner@package.example' }), 201).id;
  item = okBody(await co.post('/item', { name: 'Plan', type: 'service', pricemodel: { base: 99, paycycle: 'evy' } }), 201).id;
  item2 = okBody(await co.post('/item', { name: 'Bigger plan', type: 'service', pricemodel: { base: 150, paycycle: 'evy' } }), 201).id;
  item3 = okBody(await co.post('/item', { name: 'Storage', type: 'service', pricemodel: { base: 0 } }), 201).id;
});
after(async () => {
  const report = await verify(co.server.store.services, co.server.tenant.id);
  assert.equal(report.violation, null);
  await co?.close();
});

describe('the package object and its routes', () => {
  let id: number;
  test('K1 create → 201; the object has every recorded key, status current, inv/mon, a 12-char token, and its first invoice', async () => {
    const answer = await co.post('/package', { customer_id: customer, line_items: [{ item_id: item }] });
    id = okBody(answer, 201).id;
    assert.match(answer.headers.get('location') ?? '', new RegExp(`/package/${id}$`));
    const p = await pkg(id);
    for (const key of [
      'terms_id',
      'currency_id',
      'external_key',
      'token',
      'nickname',
      'paymethod',
      'paycycle',
      'bill_addr1',
      'ship_notes',
      'creditcard_id',
      'ach_id',
      'tokenized_id',
      'custom_1',
      'write_datetime',
      'mod_datetime',
      'suspendfrom_datetime',
      'suspendto_datetime',
      'cancel_datetime',
      'holduntil_datetime',
      'currency_symbol',
      'currency_iso4217',
      'amount_collected',
      'amount_invoiced',
      'amount_due',
      'next_invoice_datetime',
      'package_id',
      'customer_id',
      'package_status_id',
      'package_status_name',
      'package_status_str',
      'package_status_state',
      'line_items',
    ])
      assert.ok(key in p, key);
    assert.deepEqual([p.package_status_id, p.package_status_str, p.package_status_state], [2, 'active-current', 'a']);
    assert.deepEqual([p.paymethod, p.paycycle], ['inv', 'mon']);
    assert.match(p.token, /^[0-9a-z]{12}$/);
    assert.equal(p.is_overdue, false);
    assert.equal(p.line_items.length, 1);
    assert.equal(p.line_items[0].item_id, item);
    assert.equal(p.line_items[0].tierset.pricemodel, 'fla');
    assert.equal(p.line_items[0].tierset.percent, '0.000000');
    assert.equal(p.next_invoice_datetime, '2027-06-02 00:00:01', 'the start plus one paycycle');
    assert.equal(p.amount_invoiced, 99, 'the first period is invoiced on create');
    assert.equal(p.amount_due, 99);
    const [invoice] = await invoicesOf(id);
    const full = okBody(await co.get(`/invoice/${invoice.invoice_id}`));
    assert.equal(full.package_id, id);
    assert.equal(full.line_items[0].package_line_id, p.line_items[0].line_item_id);
    assert.equal(full.line_items[0].is_recurring, true);
    assert.equal(full.date, '2027-05-02');
  });

  test('K2 list without line_items; query by customer; expand=line_items; _count', async () => {
    const list = okBody(await co.get('/package'));
    assert.ok(Array.isArray(list));
    assert.ok(list.every((p: any) => !('line_items' in p)));
    assert.ok(okBody(await co.get(`/package?where=customer_id:EQUALS:${customer}`)).some((p: any) => p.package_id === id));
    assert.ok(okBody(await co.get(`/package?where=customer_id:EQUALS:${customer}&expand=line_items`)).every((p: any) => Array.isArray(p.line_items)));
    assert.equal(okBody(await co.get(`/package/_count?where=customer_id:EQUALS:${customer}`)), list.filter((p: any) => p.customer_id === customer).length);
    assert.ok(okBody(await co.get('/package?where=package_status_str:EQUALS:active-current')).some((p: any) => p.package_id === id));
    assert.ok(okBody(await co.get('/package?where=paycycle:EQUALS:mon,paymethod:EQUALS:inv')).some((p: any) => p.package_id === id));
    assert.ok(okBody(await co.get(`/package?where=line_items.item_id:EQUALS:${item}`)).some((p: any) => p.package_id === id));
    assert.deepEqual(okBody(await co.get('/package?where=package_status_state:EQUALS:c')), []);
    errorBody(await co.get('/package?where=colour:EQUALS:red'), 400);
  });

  test('K3 PUT custom_1 → 202 with a later mod_datetime; PUT paycycle → 400', async () => {
    const before = await pkg(id);
    await clock('2027-05-02T10:00:00Z');
    const answer = await co.put(`/package/${id}`, { custom_1: '123456', terms_id: 2 });
    assert.deepEqual(okBody(answer, 202), { id });
    const after = await pkg(id);
    assert.equal(after.custom_1, '123456');
    assert.equal(after.terms_id, 2);
    assert.ok(after.mod_datetime > before.mod_datetime);
    assert.match(errorBody(await co.put(`/package/${id}`, { paycycle: 'qtr' }), 400).message, /paycycle action/);
    errorBody(await co.put(`/package/${id}`, {}), 400);
  });

  test('K4 paycycle → qtr: next date recomputed from the start, at 00:00:01; an unknown code → 400', async () => {
    assert.equal(okBody(await co.post(`/package/${id}?action=paycycle`, { paycycle: 'qtr' })), true);
    const p = await pkg(id);
    assert.equal(p.paycycle, 'qtr');
    assert.equal(p.next_invoice_datetime, '2027-08-02 00:00:01');
    errorBody(await co.post(`/package/${id}?action=paycycle`, { paycycle: 'zzz' }), 400);
  });

  test('K5/K6 upgrade: replace a line in place (its descrip kept), add one with a custom tierset', async () => {
    const before = await pkg(id);
    const old = before.line_items[0].line_item_id;
    assert.equal(okBody(await co.post(`/package/${id}?action=upgrade`, { line_items: [{ line_item_id: old, item_id: item2, subscribe_prorate: true, cancel_prorate: true }] })), true);
    let p = await pkg(id);
    assert.equal(p.line_items.length, 1);
    assert.notEqual(p.line_items[0].line_item_id, old);
    assert.equal(p.line_items[0].item_id, item2);
    assert.equal(p.line_items[0].tierset_id, before.line_items[0].tierset_id + 100 * (item2 - item), "the new item's own tierset");
    assert.equal(okBody(await co.post(`/package/${id}?action=upgrade`, { line_items: [{ item_id: item3, tierset: { base: '800', pricemodel: 'fla', paycycle: 'mon' } }] })), true);
    p = await pkg(id);
    assert.equal(p.line_items.length, 2);
    const added = p.line_items[1];
    assert.equal(added.tierset.base, 800);
    assert.equal(added.tierset.base_formatted, '$ 800.00');
    assert.equal(added.tierset.paycycle, 'mon');
    assert.ok(![p.line_items[0].tierset_id].includes(added.tierset_id));
    errorBody(await co.post(`/package/${id}?action=upgrade`, { line_items: [{ line_item_id: 999999, item_id: item }] }), 400);
    assert.equal((await pkg(id)).line_items.length, 2, 'nothing changed');
  });

  test('K7 paymethod crd with a card, then inv; a card of another customer → 400', async () => {
    const card = okBody(await co.post('/creditcard', { customer_id: customer, number: '4111111111111111', expdate_month: 12, expdate_year: 2099 }), 201).id;
    assert.equal(okBody(await co.post(`/package/${id}?action=paymethod`, { paymethod: 'crd', creditcard_id: card })), true);
    let p = await pkg(id);
    assert.deepEqual([p.paymethod, p.creditcard_id], ['crd', card]);
    assert.equal(okBody(await co.post(`/package/${id}?action=paymethod`, { paymethod: 'inv' })), true);
    p = await pkg(id);
    assert.deepEqual([p.paymethod, p.creditcard_id], ['inv', null]);
    const other = okBody(await co.post('/customer', { company: 'Other' }), 201).id;
    const theirs = okBody(await co.post('/creditcard', { customer_id: other, number: '4111111111111111', expdate_month: 12, expdate_year: 2099 }), 201).id;
    errorBody(await co.post(`/package/${id}?action=paymethod`, { paymethod: 'crd', creditcard_id: theirs }), 400);
  });

  test('K8 hold: holduntil and next_invoice are the day at 00:00:00', async () => {
    assert.equal(okBody(await co.post(`/package/${id}?action=hold`, { holduntil_datetime: '2027-05-12' })), true);
    const p = await pkg(id);
    assert.equal(p.holduntil_datetime, '2027-05-12 00:00:00');
    assert.equal(p.next_invoice_datetime, '2027-05-12 00:00:00');
    errorBody(await co.post(`/package/${id}?action=hold`, { holduntil_datetime: 'soon' }), 400);
  });

  test('K10 suspend then unsuspend', async () => {
    assert.equal(okBody(await co.post(`/package/${id}?action=suspend`)), true);
    let p = await pkg(id);
    assert.equal(p.package_status_str, 'suspended-suspended');
    assert.equal(p.package_status_state, 's');
    assert.ok(p.suspendfrom_datetime);
    assert.equal(p.suspendto_datetime, null);
    assert.equal(okBody(await co.post(`/package/${id}?action=unsuspend`)), true);
    p = await pkg(id);
    assert.equal(p.package_status_str, 'active-current');
    assert.equal(okBody(await co.post(`/package/${id}?action=unsuspend`)), true, 'idempotent');
  });

  test('K11 invoice now (C# double slash): 200 {id}, the invoice carries package_id and package_line_id; the next date moves on', async () => {
    const before = await pkg(id);
    const answer = await co.post(`/package/${id}?action=invoice`, '""');
    const invoiceId = okBody(answer).id;
    const invoice = okBody(await co.get(`/invoice/${invoiceId}`));
    assert.equal(invoice.package_id, id);
    assert.ok(invoice.line_items.every((l: any) => typeof l.package_line_id === 'number'));
    const after = await pkg(id);
    assert.notEqual(after.next_invoice_datetime, before.next_invoice_datetime);
    assert.equal(after.amount_invoiced, before.amount_invoiced + invoice.total);
    // The prorations of the upgrade ride on it: a credit for the old line and a charge for the new.
    assert.ok(invoice.line_items.some((l: any) => l.line_rate < 0));
    const viaDoubleSlash = await fetch(`${co.base.replace(/\/api\/v3$/, '')}/api/v3//package/${id}?action=invoice`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${co.publicKey}:${co.privateKey}`).toString('base64')}`, 'content-type': 'application/json' },
      body: '""',
    });
    assert.equal(viaDoubleSlash.status, 200);
  });

  test('K9 cancel with no body, and with ""; canceled-manual, next invoice ""; again → 400', async () => {
    const other = okBody(await co.post('/package', { customer_id: customer, line_items: [{ item_id: item }] }), 201).id;
    const response = await fetch(`${co.base}/package/${id}?action=cancel`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${co.publicKey}:${co.privateKey}`).toString('base64')}` },
    });
    assert.equal(response.status, 200);
    assert.equal(okBody(await co.post(`/package/${other}?action=cancel`, '""')), true);
    const p = await pkg(id);
    assert.deepEqual([p.package_status_id, p.package_status_name, p.package_status_str, p.package_status_state], [5, 'Canceled manually', 'canceled-manual', 'c']);
    assert.ok(p.cancel_datetime);
    assert.equal(p.next_invoice_datetime, '');
    errorBody(await co.post(`/package/${id}?action=cancel`), 400);
    errorBody(await co.post(`/package/${id}?action=upgrade`, { line_items: [{ item_id: item }] }), 400);
    errorBody(await co.post(`/package/${id}?action=invoice`), 400);
  });

  test('K12 a missing package → 404 "This package does not exist."; DELETE → 400', async () => {
    assert.equal(errorBody(await co.get('/package/999999'), 404).message, 'This package does not exist.');
    errorBody(await co.post('/package/999999?action=cancel'), 404);
    errorBody(await co.del(`/package/${id}`), 400);
  });

  test('K13 C# zeros on create → 201 with quantity 1; an empty body, no lines, an unknown item or customer → 400', async () => {
    const id = okBody(
      await co.post('/package', {
        customer_id: customer,
        holduntil_datetime: '2027-09-01T00:00:00',
        line_items: [{ item_id: item, descrip: 'desc', tierset_id: 0, line_item_id: 0, line_quantity: 0 }],
      }),
      201,
    ).id;
    const p = await pkg(id);
    assert.equal(p.line_items[0].line_quantity, 1);
    assert.equal(p.amount_invoiced, 0, 'held: no first invoice');
    assert.equal(p.next_invoice_datetime, '2027-09-01 00:00:00');
    assert.equal(errorBody(await co.post('/package', {}), 400).message, 'A required parameter was missing: No data.');
    errorBody(await co.post('/package', { customer_id: customer, line_items: [] }), 400);
    errorBody(await co.post('/package', { customer_id: customer, line_items: [{ item_id: 999999 }] }), 400);
    errorBody(await co.post('/package', { customer_id: 999999, line_items: [{ item_id: item }] }), 400);
    errorBody(await co.post('/package', { customer_id: customer, paycycle: 'fortnightly', line_items: [{ item_id: item }] }), 400);
  });

  test('external keys: unique per tenant; a package by external_key: and token:', async () => {
    const id = okBody(await co.post('/package', { customer_id: customer, external_key: 'abcd1234817', holduntil_datetime: '2027-09-01', line_items: [{ item_id: item }] }), 201).id;
    assert.match(errorBody(await co.post('/package', { customer_id: customer, external_key: 'abcd1234817', line_items: [{ item_id: item }] }), 400).message, /already exists with the external_key/);
    assert.equal((await pkg(id)).external_key, 'abcd1234817');
    assert.equal(okBody(await co.get('/package/external_key:abcd1234817')).package_id, id);
    assert.equal(okBody(await co.get(`/package/token:${(await pkg(id)).token}`)).package_id, id);
    assert.ok(okBody(await co.get('/package?where=external_key:EQUALS:abcd1234817')).some((p: any) => p.package_id === id));
  });
});

describe('billing on the tenant clock', () => {
  test('K14 and renewals: a card package is charged each month on its day, the line description rendered for the invoice date', async () => {
    await clock('2027-05-02T12:00:00Z');
    const card = okBody(await co.post('/creditcard', { customer_id: customer, number: '4242424242424242', expdate_month: 12, expdate_year: 2099 }), 201).id;
    const id = okBody(
      await co.post('/package', {
        customer_id: customer,
        paymethod: 'crd',
        creditcard_id: card,
        line_items: [{ item_id: item, descrip: 'X {{ "now"|date("F j") }} to {{ "now"|date_modify("+1 month")|date_modify("-1 day")|date("F j, Y") }}' }],
      }),
      201,
    ).id;
    const first = (await invoicesOf(id))[0];
    const firstFull = okBody(await co.get(`/invoice/${first.invoice_id}`));
    assert.equal(firstFull.line_items[0].descrip, 'X May 2 to June 1, 2027');
    assert.equal(first.invoice_status_str, 'closed-paid', 'charged and applied at once');
    const ran = await advance('92d');
    assert.ok((ran.renewal ?? 0) >= 3, JSON.stringify(ran));
    const invoices = await invoicesOf(id);
    assert.deepEqual(
      invoices.map((i) => i.date),
      ['2027-05-02', '2027-06-02', '2027-07-02', '2027-08-02'],
    );
    assert.ok(invoices.every((i) => i.invoice_status_str === 'closed-paid'));
    const june = okBody(await co.get(`/invoice/${invoices[1].invoice_id}`));
    assert.equal(june.line_items[0].descrip, 'X June 2 to July 1, 2027');
    const payments = okBody(await co.get(`/transaction?where=applied_to.package_id:EQUALS:${id}&limit=100`));
    assert.equal(payments.length, 4);
    assert.ok(payments.every((t: any) => t.creditcard_id === card && t.transaction_type === 'pay'));
    const p = await pkg(id);
    assert.equal(p.amount_invoiced, 4 * 99);
    assert.equal(p.amount_collected, 4 * 99);
    assert.equal(p.amount_due, 0);
  });

  test('a declining card: past due (active-overdue), retried on days 1, 3, 5, then canceled for non-payment, with e-mails', async () => {
    const card = okBody(await co.post('/creditcard', { customer_id: customer, number: '4000000000000002', expdate_month: 12, expdate_year: 2099 }), 201).id;
    const id = okBody(await co.post('/package', { customer_id: customer, paymethod: 'crd', creditcard_id: card, line_items: [{ item_id: item }] }), 201).id;
    let p = await pkg(id);
    assert.equal(p.package_status_str, 'active-overdue');
    assert.equal(p.is_overdue, true);
    await advance('2d');
    await advance('4d');
    p = await pkg(id);
    assert.deepEqual([p.package_status_id, p.package_status_str], [6, 'canceled-nonpayment']);
    const declined = okBody(await co.get(`/transaction?where=customer_id:EQUALS:${customer},transaction_status.state:EQUALS:f&limit=100`));
    assert.ok(declined.filter((t: any) => t.creditcard_id === card).length >= 4, 'the first attempt and three retries');
    const outbox = (await co.server.admin(`/_admin/tenants/${co.server.tenant.slug}/outbox`)).body.messages;
    assert.ok(outbox.filter((m: any) => JSON.parse(m.meta).subscription_id === id).length >= 4, 'a notice for each step');
  });

  test('usage on a per-unit line is billed by the next invoice; a cancelled line takes none', async () => {
    const id = okBody(
      await co.post('/package', {
        customer_id: customer,
        line_items: [{ item_id: item3, tierset: { setup: 0, base: 0, paycycle: 'mon', pricemodel: 'uni', tiers: [{ unit_from: 1, unit_to: 9999, amount: 2 }] } }],
      }),
      201,
    ).id;
    const line = (await pkg(id)).line_items[0].line_item_id;
    okBody(await co.post('/usage', { line_item_id: line, usage_value: 42 }), 201);
    okBody(await co.post('/usage', { line_item_id: line, usage_value: 8, from: '2027-08-02 00:00:00', to: '2027-08-02 23:59:59' }), 201);
    errorBody(await co.post('/usage', { line_item_id: 999999, usage_value: 1 }), 400);
    errorBody(await co.post('/usage', { line_item_id: line, usage_value: -1 }), 400);
    const invoiceId = okBody(await co.post(`/package/${id}?action=invoice`)).id;
    const invoice = okBody(await co.get(`/invoice/${invoiceId}`));
    assert.equal(invoice.line_items[0].line_quantity, 50);
    assert.equal(invoice.total, 100);
  });

  test('a package suspended for a window raises no invoice inside it', async () => {
    const id = okBody(await co.post('/package', { customer_id: customer, line_items: [{ item_id: item }] }), 201).id;
    const before = (await invoicesOf(id)).length;
    const now = Date.parse((await co.server.admin(`/_admin/tenants/${co.server.tenant.slug}/clock`)).body.clock.iso);
    const iso = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
    okBody(await co.post(`/package/${id}?action=suspend`, { suspendfrom_datetime: iso(now + DAY), suspendto_datetime: iso(now + 40 * DAY) }));
    assert.equal((await pkg(id)).package_status_str, 'active-current', 'the window has not begun');
    await advance('35d');
    assert.equal((await invoicesOf(id)).length, before, 'the period inside the window was not invoiced');
    assert.equal((await pkg(id)).package_status_str, 'suspended-suspended');
    await advance('30d');
    assert.equal((await invoicesOf(id)).length, before + 1, 'billing resumed after the window');
  });
});
