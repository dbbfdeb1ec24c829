// Spec §5 conformance cases 28-43 and 54-60 (gateway charges, refunds, captures, payment requests,
// gateway subscriptions and plans, webhooks, agents, logs) over HTTP, with the notifications read
// from the event log each change wrote in its own transaction. Run twice (conformance-gateway*.test.ts):
// with form bodies, as the PHP client sends them, and with JSON bodies.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { envelopeOf, startChargeDesk, type ChargeDeskClient } from './client.ts';

export function gatewayConformance(json: boolean): void {
  describe(json ? 'JSON bodies' : 'form bodies', () => {
    let cd: ChargeDeskClient;
    before(async () => {
      cd = await startChargeDesk({ json });
      await cd.call('POST', '/customers', { customer_id: 'cus-card', email: 'card@example.com', card_on_file: 1 });
      await cd.call('POST', '/customers', { customer_id: 'cus-decline', email: 'd@example.com', card: { number: '4000000000000002' } });
      await cd.call('POST', '/customers', { customer_id: 'cus-nocard', email: 'n@example.com' });
      await cd.call('POST', '/charges', { amount: '34.00', currency: 'USD', customer: { id: 'jane@example.com' }, transaction_id: 'txn-rec' });
    });
    after(async () => {
      await cd?.assertLedger();
      await cd?.close();
    });

    const charge = (extra: Record<string, unknown> = {}) => ({ using: 'card', customer: { id: 'cus-card' }, amount: '34.00', currency: 'USD', ...extra });
    let paid: any;

    test('#28-#30 gateway charge, bad customers, decline', async () => {
      const mark = await cd.lastEventId();
      const reply = await cd.call('POST', '/gateway/products/charge', charge());
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      paid = reply.body.charge;
      assert.deepEqual(Object.keys(reply.body), ['charge']);
      assert.deepEqual([paid.status, paid.is_paid], ['paid', true]);
      assert.ok(paid.transaction_id);
      assert.deepEqual([paid.last_4_digits, paid.payment_method, paid.payment_method_brand, paid.payment_method_describe], ['4242', 'Credit', 'Visa', 'Visa credit card']);
      assert.ok(paid.methods_supported.includes('refund') && paid.methods_active.includes('refund'));
      const codes = (await cd.notifications(mark)).codes;
      for (const code of ['charge_new', 'charge_paid', 'customer_first_paid']) assert.ok(codes.includes(code), codes.join());
      // #29
      envelopeOf(await cd.call('POST', '/gateway/products/charge', charge({ customer: { id: 'nobody' } })), 400, 'customer[id]');
      envelopeOf(await cd.call('POST', '/gateway/products/charge', charge({ customer: { id: 'cus-nocard' } })), 400, 'customer[id]');
      envelopeOf(await cd.call('POST', '/gateway/products/charge', charge({ using: 'cheque' })), 400, 'using');
      // #30
      const mark2 = await cd.lastEventId();
      const declined = await cd.call('POST', '/gateway/products/charge', charge({ customer: { id: 'cus-decline' } }));
      envelopeOf(declined, 402);
      assert.equal(declined.body.error.type, 'gateway');
      const failed = await cd.call('GET', `/charges/${declined.body.error.charge_id}`);
      assert.deepEqual([failed.body.status, failed.body.is_paid], ['failed', false]);
      assert.ok((await cd.notifications(mark2)).codes.includes('charge_failed'));
    });

    test('#31-#33 refunds', async () => {
      const partial = await cd.call('POST', `/gateway/charges/${paid.charge_id}/refund`, { amount: '21.00', log_reason: 'Example refund' });
      assert.equal(partial.status, 200, JSON.stringify(partial.body));
      const c = partial.body;
      assert.deepEqual([c.amount, c.amount_refunded, c.amount_refunded_formatted], ['34.00', '21.00', '$21.00 USD']);
      assert.deepEqual([c.status, c.status_text, c.is_paid], ['partially refunded', 'partially refunded', true]);
      assert.deepEqual([c.name_email, c.name_send_email, c.refunded_at_formatted], ['refund notification', 'Send Refund Notification', 'moments ago']);
      const log = await cd.call('GET', '/log/activity', { object_type: 'charge', object_id: paid.charge_id, action_type: 'refund' });
      assert.deepEqual(
        [log.body.data[0].event, log.body.data[0].description, log.body.data[0].action_reason, log.body.data[0].object_type],
        ['charge-refund', 'Charge Refunded', 'Example refund', 'charge'],
      );
      // #32
      envelopeOf(await cd.call('POST', `/gateway/charges/${paid.charge_id}/refund`, { amount: '20.00' }), 400, 'amount');
      const rest = await cd.call('POST', `/gateway/charges/${paid.charge_id}/refund`);
      assert.deepEqual([rest.body.status, rest.body.amount_refunded], ['refunded', '34.00']);
      envelopeOf(await cd.call('POST', `/gateway/charges/${paid.charge_id}/refund`), 400);
      // #33: a record is not gateway-backed; the PHP client's /charges/{id}/refund refunds records.
      const record = (await cd.call('GET', '/charges', { transaction_id: 'txn-rec' })).body.data[0];
      envelopeOf(await cd.call('POST', `/gateway/charges/${record.charge_id}/refund`), 400);
      const recordRefund = await cd.call('POST', `/charges/${record.charge_id}/refund`, { amount: '4.00' });
      assert.deepEqual([recordRefund.body.status, recordRefund.body.amount_refunded], ['partially refunded', '4.00']);
      envelopeOf(await cd.call('POST', `/charges/${record.charge_id}/refund`, { amount: '31.00' }), 400, 'amount');
    });

    test('#34 capture and void of authorizations', async () => {
      const fresh = (await cd.call('POST', '/gateway/products/charge', charge())).body.charge;
      envelopeOf(await cd.call('POST', `/gateway/charges/${fresh.charge_id}/capture`), 400);
      const auth = (await cd.call('POST', '/gateway/products/charge', charge({ capture: 0 }))).body.charge;
      assert.deepEqual([auth.status, auth.is_paid, auth.name_email], ['authorized', false, 'authorized notification']);
      const captured = await cd.call('POST', `/gateway/charges/${auth.charge_id}/capture`, { amount: '20.00' });
      assert.equal(captured.status, 200, JSON.stringify(captured.body));
      assert.equal(captured.body.status, 'paid');
      const auth2 = (await cd.call('POST', '/gateway/products/charge', charge({ capture: 0 }))).body.charge;
      const voided = await cd.call('POST', `/gateway/charges/${auth2.charge_id}/capture`, { amount: '0' });
      assert.deepEqual([voided.body.status, voided.body.is_paid], ['void', false]);
      const auth3 = (await cd.call('POST', '/gateway/products/charge', charge({ capture: 0 }))).body.charge;
      envelopeOf(await cd.call('POST', `/gateway/charges/${auth3.charge_id}/capture`, { amount: '99.00' }), 400, 'amount');
    });

    test('#35-#38 payment requests, the pay page, cancel', async () => {
      const mark = await cd.lastEventId();
      const outbox = async () => (await cd.server.admin('/_admin/tenants/acme/outbox')).body.messages.length;
      const before = await outbox();
      const reply = await cd.call('POST', '/gateway/products/charge', { contact: 'jane@example.com', amount: '34.00', currency: 'USD' });
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      assert.ok(reply.body.pay_link.startsWith(`${cd.base}/pay/`));
      const c = reply.body.charge;
      assert.deepEqual([c.status, c.is_paid, c.sent_invoice, c.name_email, c.customer_id], ['invoiced', false, 'jane@example.com', 'invoice', 'jane@example.com']);
      assert.equal(await outbox(), before + 1);
      const codes = (await cd.notifications(mark)).codes;
      assert.ok(codes.includes('charge_new') && codes.includes('charge_request') && !codes.includes('charge_paid'), codes.join());
      // #36
      const linkOnly = await cd.call('POST', '/gateway/products/charge', { contact: 'jane@example.com', amount: '34.00', currency: 'USD', link_only: 1 });
      assert.equal(linkOnly.body.charge.sent_invoice, '');
      assert.equal(await outbox(), before + 1);
      envelopeOf(await cd.call('POST', '/gateway/products/charge', { lines: [{ amount: '10.00', quantity: 2, description: 'A' }], amount: '34.00', currency: 'USD' }), 400, 'lines');
      assert.equal((await cd.call('POST', '/gateway/products/charge', { lines: [{ amount: '17.00', quantity: 2 }], amount: '34.00', currency: 'USD' })).status, 200);
      // #37: the pay page resolves here and takes a simulated card.
      const page = await fetch(reply.body.pay_link);
      assert.equal(page.status, 200);
      const mark2 = await cd.lastEventId();
      const pay = await fetch(reply.body.pay_link, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'card%5Bnumber%5D=4242424242424242&card%5Bexp_month%5D=12&card%5Bexp_year%5D=2030',
      });
      assert.equal(pay.status, 200);
      assert.equal((await cd.call('GET', `/charges/${c.charge_id}`)).body.status, 'paid');
      const paidCodes = (await cd.notifications(mark2)).codes;
      assert.ok(paidCodes.includes('charge_request_paid') && !paidCodes.includes('charge_paid'), paidCodes.join());
      // #38
      const open = (await cd.call('POST', '/gateway/products/charge', { contact: 'jane@example.com', amount: '5.00', currency: 'USD' })).body.charge;
      const voided = await cd.call('POST', `/gateway/charges/${open.charge_id}/void`);
      assert.deepEqual([voided.body.status, voided.body.is_paid], ['invoice canceled', false]);
      envelopeOf(await cd.call('POST', `/gateway/charges/${open.charge_id}/void`), 400);
      envelopeOf(await cd.call('POST', `/gateway/charges/${c.charge_id}/void`), 400);
    });

    let subscription: any;

    test('#39-#41 gateway subscriptions', async () => {
      const reply = await cd.call('POST', '/gateway/products/charge', charge({ quantity: 2, product: { interval: 'month', setup_amount: '10.00' } }));
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      assert.deepEqual(Object.keys(reply.body), ['subscription', 'charge']);
      const s = reply.body.subscription;
      subscription = s;
      assert.deepEqual(
        [s.status, s.status_text, s.amount, s.amount_formatted, s.quantity, s.setup_amount, s.interval, s.interval_count, s.readable_interval],
        ['active', 'Active', '34.00', '2x $34.00 USD', 2, 10, 'month', 1, 'Monthly'],
      );
      assert.deepEqual([s.billing_cycles_current, s.billing_cycles_total, s.charges, s.canceled_at, s.ended_at, s.trial_end], [1, 0, 1, 0, 0, 0]);
      const start = new Date(s.current_period_start * 1000);
      const end = new Date(s.current_period_end * 1000);
      assert.equal((end.getUTCFullYear() - start.getUTCFullYear()) * 12 + end.getUTCMonth() - start.getUTCMonth(), 1);
      assert.deepEqual([reply.body.charge.amount, reply.body.charge.status, reply.body.charge.subscription_id], ['78.00', 'paid', s.subscription_id]);
      // #40
      const trial = await cd.call('POST', '/gateway/products/charge', charge({ product: { interval: 'month', trial_period_days: 14 } }));
      assert.equal(trial.status, 200, JSON.stringify(trial.body));
      assert.deepEqual([trial.body.subscription.status, trial.body.subscription.trial_period_days], ['trialing', 14]);
      assert.equal(trial.body.subscription.trial_end - trial.body.subscription.trial_start, 1209600);
      assert.deepEqual([trial.body.charge.status, trial.body.charge.amount], ['trial', '0.00']);
      // #41
      envelopeOf(await cd.call('POST', '/gateway/products/charge', charge({ product: { interval: 'fortnight' } })), 400, 'product[interval]');
      envelopeOf(await cd.call('POST', '/gateway/products/charge', charge({ product: { product_id: 'missing' } })), 400, 'product[product_id]');
    });

    test('#42 cancel', async () => {
      const mark = await cd.lastEventId();
      const reply = await cd.call('POST', `/gateway/subscriptions/${subscription.subscription_id}/cancel`, { log_reason: 'Too expensive' });
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      assert.deepEqual([reply.body.status, reply.body.status_text, reply.body.methods_active], ['canceled', 'Canceled', []]);
      assert.ok(reply.body.canceled_at > 0);
      assert.ok((await cd.notifications(mark)).codes.includes('subscription_canceled'));
      const log = await cd.call('GET', '/log/cancellations', { action: 'cancel' });
      const entry = log.body.data.find((e: any) => e.subscription_id === subscription.subscription_id);
      assert.ok(entry, JSON.stringify(log.body));
      assert.deepEqual([entry.reason, entry.email, entry.method], ['Too expensive', 'card@example.com', 'immediately']);
      envelopeOf(await cd.call('POST', `/gateway/subscriptions/${subscription.subscription_id}/cancel`), 400);
    });

    test('#43 plans', async () => {
      await cd.call('POST', '/products', { product_id: 'plan-a', name: 'A', amount: '10.00', currency: 'USD', interval: 'month' });
      await cd.call('POST', '/products', { product_id: 'plan-b', name: 'B', amount: '20.00', currency: 'USD', interval: 'month' });
      const start = await cd.call('POST', '/gateway/products/charge', charge({ amount: '10.00', product: { product_id: 'plan-a', interval: 'month' } }));
      assert.equal(start.status, 200, JSON.stringify(start.body));
      const id = start.body.subscription.subscription_id;
      assert.equal(start.body.subscription.product_id, 'plan-a');
      const mark = await cd.lastEventId();
      const up = await cd.call('POST', `/gateway/subscriptions/${id}/plans`, { plans: [{ id: 'plan-b', quantity: 1 }] });
      assert.equal(up.status, 200, JSON.stringify(up.body));
      assert.deepEqual([up.body.product_id, up.body.amount], ['plan-b', '20.00']);
      assert.ok((await cd.notifications(mark)).codes.includes('subscription_upgraded'));
      const same = await cd.call('POST', `/gateway/subscriptions/${id}/plans`);
      assert.deepEqual({ ...same.body, charges: 0 }, { ...up.body, charges: 0 });
      envelopeOf(await cd.call('POST', `/gateway/subscriptions/${id}/plans`, { plans: [{ id: 'nope' }] }), 400, 'plans');
    });

    test('#54-#57 webhooks', async () => {
      const list = await cd.call('GET', '/webhooks/notifications');
      assert.equal(list.body.length, 25);
      assert.deepEqual(list.body[0], { notification: 'charge_new', object: 'Charge', name: 'Charge Created', description: 'Sent when a new charge is created.' });
      assert.equal(list.body[23].name, 'Subscription Subscription Trial Ends Soon');
      assert.deepEqual([list.body[24].notification, list.body[24].object], ['agent_log_new', 'AgentLog']);
      const created = await cd.call('POST', '/webhooks', { url: 'http://127.0.0.1:9/hook', notifications: ['charge_new'] });
      assert.equal(created.status, 200);
      assert.deepEqual(Object.keys(created.body), ['webhook_id']);
      assert.ok(created.body.webhook_id);
      envelopeOf(await cd.call('POST', '/webhooks', { url: 'http://127.0.0.1:9/hook', notifications: ['bogus'] }), 400, 'notifications');
      envelopeOf(await cd.call('POST', '/webhooks', { notifications: ['charge_new'] }), 400, 'url');
      envelopeOf(await cd.call('POST', '/webhooks', { url: 'http://127.0.0.1:9/hook' }), 400, 'notifications');
      assert.equal((await cd.call('POST', '/webhooks', { url: 'https://example.com/h', notifications: 'charge_new,charge_paid' })).status, 200);
      assert.equal((await cd.call('DELETE', `/webhooks/${created.body.webhook_id}`)).status, 200);
      envelopeOf(await cd.call('DELETE', `/webhooks/${created.body.webhook_id}`), 404);
    });

    test('#58-#60 agents, logs, delinquent', async () => {
      const outbox = async () => (await cd.server.admin('/_admin/tenants/acme/outbox')).body.messages as any[];
      const invited = await cd.call('POST', '/agents', { name: 'John Example', email: 'john@example.com', role: 'agent' });
      assert.equal(invited.status, 200, JSON.stringify(invited.body));
      assert.ok((await outbox()).some((m) => m.recipient === 'john@example.com'));
      const again = await cd.call('POST', '/agents', { name: 'Other', email: 'john@example.com', role: 'admin' });
      assert.deepEqual([again.body.role, again.body.name], ['admin', 'John Example']);
      envelopeOf(await cd.call('POST', '/agents', { name: 'X', email: 'x@example.com' }), 400, 'role');
      await cd.call('POST', '/agents', { name: 'Second', email: 'second@example.com', role: 'admin' });
      assert.equal((await cd.call('DELETE', `/agents/${encodeURIComponent('john@example.com')}`)).status, 200);
      envelopeOf(await cd.call('DELETE', `/agents/${encodeURIComponent('john@example.com')}`), 404);
      // #59
      envelopeOf(await cd.call('GET', '/log/activity', { action_type: 'refund' }), 400, 'object_type');
      envelopeOf(await cd.call('GET', '/log/activity', { object_type: 'invoice' }), 400, 'object_type');
      envelopeOf(await cd.call('GET', '/log/activity', { offset: 10001 }), 400, 'offset');
      envelopeOf(await cd.call('GET', '/log/cancellations', { action: 'delete' }), 400, 'action');
      // #60
      const mark = await cd.lastEventId();
      const delinquent = await cd.call('POST', '/customers/cus-card', { delinquent: 1 });
      assert.equal(delinquent.body.delinquent, 1);
      const codes = (await cd.notifications(mark)).codes;
      assert.ok(codes.includes('customer_updated') && codes.includes('customer_delinquent'), codes.join());
    });
  });
}
