// Spec §5 cases 99–113: Quick Bill contacts, bank accounts, invoices (lines, numbers, messages,
// statuses, deletion), attachments (upload, scan, attach, download, detach) and payments, with
// Bearer tokens; and this server's payment extension, through the core and the ledger.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { card, startAffiniPay, type AffiniPay } from './client.ts';

let ap: AffiniPay;
let token: string;
let personId: string;
let bankId: string;
let orgId: string;
before(async () => {
  ap = await startAffiniPay();
  token = await ap.accessToken('client_credentials');
});
after(async () => {
  await ap.assertLedger();
  await ap.close();
});

const qb = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => ap.call(method, path, body, { bearer: token, headers });

async function upload(name: string, content: string | Buffer): Promise<{ status: number; body: any }> {
  const form = new FormData();
  form.append('file', new Blob([content]), name);
  const response = await fetch(`${ap.server.url}/affinipay/contacts/${orgId}/attachments`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  return { status: response.status, body: await response.json() };
}

describe('contacts and bank accounts', () => {
  test('99: a person with an e-mail address, with the derived names and ids', async () => {
    const reply = await qb('POST', '/contacts', { first_name: 'Ellen', last_name: 'Ripley', email_addresses: [{ address: 'eripley@weyland-yutani.com' }], type: 'person' });
    assert.equal(reply.status, 200, reply.text);
    const contact = reply.body;
    personId = contact.id;
    assert.match(contact.id, /^p_[0-9A-Za-z]{21}$/);
    assert.equal(contact.name, 'Ellen Ripley');
    assert.equal(contact.sort_name, 'Ripley Ellen');
    assert.equal(contact.display_name, 'Ellen Ripley');
    assert.equal(contact.preferred_email, 'eripley@weyland-yutani.com');
    assert.equal(contact.type, 'person');
    assert.equal(contact.test_mode, false);
    assert.match(contact.email_addresses[0].id, /^eml_/);
    assert.equal(contact.email_addresses[0].preferred, false);
    assert.equal(contact.email_addresses[0].type, 'email_address');
    assert.ok(!Number.isNaN(Date.parse(contact.created.timestamp)));
    assert.equal(contact.owner.type, 'organization');
    orgId = contact.owner_id;
    assert.match(orgId, /^org_[0-9A-Za-z]{21}$/);
    assert.match(contact.contact_code, /^\d{4,}$/);
  });

  test('100: a person needs a name or an e-mail; an organization with a name', async () => {
    const empty = await qb('POST', '/contacts', { type: 'person' });
    assert.equal(empty.status, 422);
    assert.equal(empty.body.messages[0].code, 'invalid_data');
    const org = await qb('POST', '/contacts', { type: 'organization', name: 'Acme' });
    assert.equal(org.status, 200, org.text);
    assert.match(org.body.id, /^org_/);
    assert.equal(org.body.name, 'Acme');
    const robot = await qb('POST', '/contacts', { type: 'robot', name: 'Ash' });
    assert.equal(robot.body.messages[0].context, 'type');
    const member = await qb('POST', '/contacts', {
      type: 'person',
      first_name: 'Dallas',
      organization_id: org.body.id,
      addresses: [{ line1: '1 Nostromo Way', city: 'Houston', state_or_province: 'TX', postal_code: '77001', country_code: 'US', preferred: true }],
    });
    assert.equal(member.status, 200, member.text);
    assert.equal(member.body.organization_id, org.body.id);
    assert.match(member.body.addresses[0].id, /^addr_/);
    assert.equal(member.body.addresses[0].preferred, true);
    const withMembers = await qb('GET', `/contacts/${org.body.id}`);
    assert.deepEqual(
      withMembers.body.members.map((m: any) => m.id),
      [member.body.id],
    );
    const duplicate = await qb('POST', '/contacts', { type: 'person', first_name: 'A', source_id: 'urn:example:1' });
    assert.equal(duplicate.status, 200);
    const again = await qb('POST', '/contacts', { type: 'person', first_name: 'B', source_id: 'urn:example:1' });
    assert.equal(again.status, 409);
  });

  test('101: PATCH adds a phone and leaves the e-mails; GET agrees; an unknown id is 404', async () => {
    const reply = await qb('PATCH', `/contacts/${personId}`, { phone_numbers: [{ number: '512-555-1212' }] });
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.body.phone_numbers[0].number, '512-555-1212');
    assert.match(reply.body.phone_numbers[0].id, /^phn_/);
    assert.equal(reply.body.email_addresses[0].address, 'eripley@weyland-yutani.com');
    const read = await qb('GET', `/contacts/${personId}`);
    assert.deepEqual(read.body.phone_numbers, reply.body.phone_numbers);
    assert.deepEqual(read.body.email_addresses, reply.body.email_addresses);
    assert.equal((await qb('GET', '/contacts/p_000000000000000000000')).status, 404);
    const typeChange = await qb('PATCH', `/contacts/${personId}`, { type: 'organization' });
    assert.equal(typeChange.status, 422);
    const singular = await qb('GET', `/contact/${personId}`);
    assert.equal(singular.status, 200);
  });

  test('102: search by last name, with the default paging', async () => {
    const reply = await qb('GET', '/contacts?qf=last_name:Ripley');
    assert.equal(reply.status, 200);
    assert.equal(reply.body.page, 1);
    assert.equal(reply.body.page_size, 20);
    assert.ok(reply.body.results.some((c: any) => c.id === personId));
    assert.ok(reply.body.results.every((c: any) => c.last_name === 'Ripley'));
    const orgs = await qb('GET', '/contacts?qf=type:organization');
    assert.ok(orgs.body.results.length >= 1 && orgs.body.results.every((c: any) => c.type === 'organization'));
    assert.equal((await qb('GET', '/contacts?qf=shoe_size:9')).status, 422);
  });

  test('103: the bank accounts are a bare array', async () => {
    const reply = await qb('GET', '/bank-accounts');
    assert.equal(reply.status, 200);
    assert.ok(Array.isArray(reply.body));
    for (const account of reply.body) {
      assert.match(account.id, /^bank_/);
      assert.equal(typeof account.trust, 'boolean');
    }
    bankId = reply.body[0].id;
  });
});

describe('invoices', () => {
  let invoiceId: string;
  let invoiceNumber: string;
  const body = () => ({
    contact_id: personId,
    bank_account_id: bankId,
    invoice_date: '2018-06-06',
    currency: 'USD',
    line_items: [{ description: 'Consulting fee', rate_per_quantity: '10000', quantity: '1', rate_type: 'units' }],
  });

  test('104: a draft invoice with its totals and number; the next is numbered after it', async () => {
    const reply = await qb('POST', '/invoices', body());
    assert.equal(reply.status, 200, reply.text);
    const invoice = reply.body;
    invoiceId = invoice.id;
    invoiceNumber = invoice.invoice_number;
    assert.match(invoice.id, /^i_/);
    assert.equal(invoice.status, 'draft');
    assert.match(invoice.invoice_number, /^\d{6}$/);
    assert.equal(invoice.invoice_date, '2018-06-06T00:00:00.000Z');
    assert.equal(invoice.total_amount, 10000);
    assert.equal(invoice.total_amount_due, 10000);
    assert.equal(invoice.amount_paid, 0);
    assert.equal(invoice.line_items[0].total, 10000);
    assert.deepEqual(invoice.items, invoice.line_items);
    assert.equal(invoice.contact.id, personId);
    assert.deepEqual(invoice.invoice_payments, []);
    assert.deepEqual(invoice.attachments, []);
    assert.equal(invoice.type, 'invoice');
    const next = await qb('POST', '/invoices', body());
    assert.equal(Number(next.body.invoice_number), Number(invoiceNumber) + 1);
  });

  test('percentage and hourly lines are priced by the core', async () => {
    const reply = await qb('POST', '/invoices', {
      ...body(),
      line_items: [
        { description: 'Hours', rate_per_quantity: '15000', quantity: '2.5', rate_type: 'hours' },
        { description: 'Filing', rate_per_quantity: '99.5', quantity: '3', rate_type: 'units', code: 'F1' },
        { description: 'Admin fee', rate_per_quantity: '10', quantity: '1', rate_type: 'percentage' },
      ],
    });
    assert.equal(reply.status, 200, reply.text);
    const [hours, filing, fee] = reply.body.line_items;
    assert.equal(hours.total, 37500);
    assert.equal(filing.total, 299);
    assert.equal(filing.rate_per_quantity, '99.5');
    assert.equal(filing.code, 'F1');
    assert.equal(fee.total, 3780);
    assert.equal(fee.rate_type, 'percentage');
    assert.equal(reply.body.total_amount, 37500 + 299 + 3780);
  });

  test('105: with messages it is sent: pending, presented', async () => {
    const reply = await qb('POST', '/invoices', { ...body(), invoice_messages: [{ email_addresses: ['eripley@weyland-yutani.com', 'billing@mycompany.com'] }] });
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.body.status, 'pending');
    assert.equal(reply.body.presentment_status, 'sent');
    assert.equal(reply.body.invoice_messages[0].status, 'sent');
    assert.match(reply.body.invoice_messages[0].id, /^imsg_/);
    assert.equal(reply.body.invoice_messages[0].subject, `Your AffiniPay Invoice [${reply.body.invoice_number}]`);
    const outbox = await ap.server.admin(`/_admin/tenants/${ap.server.tenant.slug}/outbox`);
    assert.ok(outbox.body.messages.some((m: any) => m.recipient === 'billing@mycompany.com'));
  });

  test('106: without a contact it is invalid', async () => {
    const { contact_id: _none, ...rest } = body();
    const reply = await qb('POST', '/invoices', rest);
    assert.equal(reply.status, 422);
    assert.equal(reply.body.messages[0].context, 'contact_id');
    const noBank = await qb('POST', '/invoices', { ...body(), bank_account_id: 'bank_000000000000000000000' });
    assert.equal(noBank.body.messages[0].context, 'bank_account_id');
  });

  test('107: a message about a draft sends it', async () => {
    const reply = await qb('POST', `/invoices/${invoiceId}/messages`, { email_addresses: ['eripley@weyland-yutani.com', 'billing@mycompany.com'] });
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.body.subject, `Your AffiniPay Invoice [${invoiceNumber}]`);
    assert.equal(reply.body.status, 'sent');
    assert.equal(reply.body.type, 'invoice_message');
    assert.deepEqual(reply.body.email_addresses, ['eripley@weyland-yutani.com', 'billing@mycompany.com']);
    assert.match(reply.body.body, /Balance Due/);
    assert.match(reply.body.body, /\$100\.00/);
    const invoice = await qb('GET', `/invoices/${invoiceId}`);
    assert.equal(invoice.body.status, 'pending');
    assert.equal(invoice.body.presentment_status, 'sent');
    const bad = await qb('POST', `/invoices/${invoiceId}/messages`, { email_addresses: [] });
    assert.equal(bad.status, 422);
  });

  test('108–110: upload, scan, attach, download, detach', async () => {
    const uploaded = await upload('invoice123456789.pdf', '%PDF-1.4 a test file');
    assert.equal(uploaded.status, 200, JSON.stringify(uploaded.body));
    const fref = uploaded.body.id;
    assert.match(fref, /^fref_/);
    assert.equal(uploaded.body.file_name, 'invoice123456789.pdf');
    assert.equal(uploaded.body.processing_state, 'processing');
    assert.equal(uploaded.body.type, 'invoice_file_reference');
    const early = await qb('PATCH', `/invoices/${invoiceId}`, { attachments: [{ id: fref }] });
    assert.equal(early.status, 422, 'only a scanned file can be attached');
    await ap.advance('2s');
    const polled = await qb('GET', `/contacts/${orgId}/attachments/${fref}`);
    assert.equal(polled.body.processing_state, 'completed');
    const exe = await upload('tool.exe', 'MZ');
    assert.equal(exe.status, 422);
    const virus = await upload('eicar.txt', 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*');
    await ap.advance('2s');
    assert.equal((await qb('GET', `/contacts/${orgId}/attachments/${virus.body.id}`)).body.processing_state, 'failed');

    const attached = await qb('PATCH', `/invoices/${invoiceId}`, { attachments: [{ id: fref }] });
    assert.equal(attached.status, 200, attached.text);
    assert.equal(attached.body.attachments[0].id, fref);
    assert.equal(attached.body.attachments[0].processing_state, 'completed');
    assert.equal((await qb('GET', `/contacts/${orgId}/attachments/${fref}`)).status, 404);
    assert.equal((await qb('DELETE', `/contacts/${orgId}/attachments/${fref}`)).status, 409);
    const download = await fetch(`${ap.server.url}/affinipay/invoices/${invoiceId}/attachments/${fref}`, { headers: { authorization: `Bearer ${token}`, accept: 'application/octet-stream' } });
    assert.equal(download.status, 200);
    assert.equal(await download.text(), '%PDF-1.4 a test file');
    assert.match(String(download.headers.get('content-disposition')), /invoice123456789\.pdf/);
    const json = await qb('GET', `/invoices/${invoiceId}/attachments/${fref}`);
    assert.equal(json.body.id, fref);
    const cleared = await qb('PATCH', `/invoices/${invoiceId}`, { attachments: [] });
    assert.deepEqual(cleared.body.attachments, []);

    const second = await upload('second.txt', 'hello');
    await ap.advance('2s');
    await qb('PATCH', `/invoices/${invoiceId}`, { attachments: [{ id: second.body.id }] });
    const detached = await qb('DELETE', `/invoice/${invoiceId}/attachments/${second.body.id}`);
    assert.equal(detached.status, 200, detached.text);
    assert.equal(detached.body.type, 'invoice');
    assert.ok(!detached.body.attachments.some((a: any) => a.id === second.body.id));
    const unattached = await upload('third.csv', 'a,b');
    const removed = await qb('DELETE', `/contact/${orgId}/attachments/${unattached.body.id}`);
    assert.equal(removed.status, 200);
    assert.equal(removed.body.id, unattached.body.id);
    assert.equal(
      (await fetch(`${ap.server.url}/affinipay/contacts/p_000000000000000000000/attachments`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: new FormData() })).status,
      404,
    );
  });

  test('111: a draft deletes; an invoice with a payment does not', async () => {
    const draft = await qb('POST', '/invoices', body());
    const deleted = await qb('DELETE', `/invoices/${draft.body.id}`);
    assert.equal(deleted.status, 200, deleted.text);
    assert.equal(deleted.body.deleted, true);
    assert.equal((await qb('GET', `/invoices/${draft.body.id}`)).status, 404);
    const search = await qb('GET', '/invoices?page_size=100');
    assert.ok(!search.body.results.some((i: any) => i.id === draft.body.id));

    const paid = await qb('POST', `/invoices/${invoiceId}/payments`, { method: card(), amount: 4000 });
    assert.equal(paid.status, 200, paid.text);
    assert.equal(paid.body.invoice.amount_paid, 4000);
    assert.equal(paid.body.invoice.total_amount_due, 6000);
    assert.equal(paid.body.invoice.invoice_payments[0].amount, 4000);
    assert.equal(paid.body.transaction.type, 'CHARGE');
    const refused = await qb('DELETE', `/invoices/${invoiceId}`);
    assert.equal(refused.status, 409);
    const rest = await qb('POST', `/invoices/${invoiceId}/payments`, { method: card() });
    assert.equal(rest.status, 200, rest.text);
    assert.equal(rest.body.invoice.status, 'paid');
    assert.equal(rest.body.invoice.presentment_status, 'paid');
    assert.equal(rest.body.invoice.total_amount_due, 0);
    const nothing = await qb('POST', `/invoices/${invoiceId}/payments`, { method: card() });
    assert.equal(nothing.status, 409);
    const patchPaid = await qb('PATCH', `/invoices/${invoiceId}`, { reference: 'late' });
    assert.equal(patchPaid.status, 409);
    const declined = await qb('POST', '/invoices', { ...body(), invoice_messages: [{ email_addresses: ['eripley@weyland-yutani.com'] }] });
    const failure = await qb('POST', `/invoices/${declined.body.id}/payments`, { method: card('4000000000000002') });
    assert.equal(failure.status, 422);
    assert.equal(failure.body.messages[0].code, 'card_declined');
    await ap.assertLedger();
  });

  test('a pending invoice voids by PATCH; then it cannot change', async () => {
    const sent = await qb('POST', '/invoices', { ...body(), invoice_messages: [{ email_addresses: ['x@example.com'] }] });
    const voided = await qb('PATCH', `/invoice/${sent.body.id}`, { status: 'void' });
    assert.equal(voided.status, 200, voided.text);
    assert.equal(voided.body.status, 'void');
    assert.equal(voided.body.total_amount_due, 0);
    assert.equal((await qb('PATCH', `/invoices/${sent.body.id}`, { reference: 'x' })).status, 409);
    const lines = await qb('PATCH', `/invoices/${invoiceId}`, { line_items: [] });
    assert.equal(lines.status, 409, 'a paid invoice keeps its lines');
  });

  test('112: search by status; payments since a date', async () => {
    const drafts = await qb('GET', '/invoices?qf=status:draft&page_size=100');
    assert.ok(drafts.body.results.length >= 1);
    assert.ok(drafts.body.results.every((i: any) => i.status === 'draft'));
    const payments = await qb('GET', '/payments?start_date=2018-06-01T00:00:00.000Z');
    assert.equal(payments.status, 200);
    assert.ok(payments.body.results.length >= 2);
    for (const payment of payments.body.results) {
      assert.equal(payment.type, 'payment');
      assert.ok(['inbound', 'outbound'].includes(payment.direction));
      assert.match(payment.id, /^pmt_/);
    }
    const forInvoice = payments.body.results.find((p: any) => p.invoices.some((i: any) => i.id === invoiceId));
    assert.ok(forInvoice);
    assert.equal(forInvoice.payment_type, 'credit_card');
    assert.equal(forInvoice.card_type, 'VISA');
    assert.equal(forInvoice.last4_digits, '4242');
    assert.match(forInvoice.transaction_id, /^[A-Za-z0-9_-]{22}$/);
    const gateway = await ap.call('GET', `/v1/transactions/${forInvoice.transaction_id}`);
    assert.equal(gateway.status, 200, 'the payment is a gateway transaction too');
    const failed = await qb('GET', '/payments?qf=status:transaction_failed');
    assert.ok(failed.body.results.every((p: any) => p.status === 'transaction_failed' && p.failure_message));
  });

  test('113: Quick Bill needs a Bearer token, not a gateway key', async () => {
    assert.equal((await ap.call('GET', '/contacts', undefined, { key: null })).status, 401);
    assert.equal((await ap.call('GET', '/contacts')).status, 401);
    assert.equal((await ap.call('GET', '/invoices', undefined, { bearer: 'nope' })).status, 401);
    assert.equal((await ap.call('GET', '/contacts', undefined, { bearer: await ap.accessToken('authorization_code') })).status, 200);
  });
});
