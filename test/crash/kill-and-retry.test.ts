// A crash between the commit of a payment and its answer, then a retry with the same idempotency
// key: the retry answers the payment that committed and never charges again. The server runs as a
// child process (as `npm start` runs it); a test-only fault makes it SIGKILL itself right after the
// commit, before a byte of the answer is written; then it is started again on the same database.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { crashableServer } from '../helpers/crashable-server.ts';

const server = crashableServer('crash');
const { serve, exited, admin } = server;
after(() => server.dispose());

async function call(url: string, path: string, auth: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any } | { crashed: true }> {
  try {
    const response = await fetch(url + path, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    return { status: response.status, body: JSON.parse(await response.text()) };
  } catch {
    return { crashed: true };
  }
}

test('kill -9 between commit and answer, restart, retry with the same key: the same transaction, charged once', { timeout: 120_000 }, async () => {
  let { child, url } = await serve();
  await admin(url, 'POST', '/_admin/tenants', { name: 'Crash Co', slug: 'crash' });
  const fluidpay = (await admin(url, 'POST', '/_admin/tenants/crash/credentials', { vendor: 'fluidpay' })).credential.secret as string;
  const chargeover = (await admin(url, 'POST', '/_admin/tenants/crash/credentials', { vendor: 'chargeover' })).credential;
  const coAuth = `Basic ${Buffer.from(`${chargeover.public_id}:${chargeover.secret}`).toString('base64')}`;

  // A ChargeOver invoice to pay, created before the fault is on.
  const co = (path: string, body: unknown, headers?: Record<string, string>) => call(url, `/chargeover/api/v3${path}`, coAuth, body, headers);
  const customer = (await co('/customer', { company: 'Crash Customer' })) as { body: any };
  const item = (await co('/item', { name: 'Thing', type: 'service', pricemodel: { base: 10 } })) as { body: any };
  const invoice = (await co('/invoice', { customer_id: customer.body.response.id, line_items: [{ item_id: item.body.response.id, line_rate: 42, line_quantity: 1 }] })) as { body: any };
  const invoiceId = invoice.body.response.id as number;

  const sale = { type: 'sale', amount: 1234, idempotency_key: 'crash-sale-1', payment_method: { card: { number: '4111111111111111', expiration_date: '12/29' } } };
  const pay = { number: '4111111111111111', expdate_month: 12, expdate_year: 2099 };
  await admin(url, 'PUT', '/_admin/tenants/crash/faults', { crash_after_commit: true });

  // Both writes commit, then the process dies before answering.
  assert.deepEqual(await call(url, '/fluidpay/api/transaction', fluidpay, sale), { crashed: true });
  await exited(child);
  ({ child, url } = await serve());
  assert.deepEqual(await call(url, `/chargeover/api/v3/invoice/${invoiceId}?action=pay`, coAuth, pay, { 'idempotency-key': 'crash-pay-1' }), { crashed: true });
  await exited(child);

  ({ child, url } = await serve());
  await admin(url, 'PUT', '/_admin/tenants/crash/faults', {});
  const retried = (await call(url, '/fluidpay/api/transaction', fluidpay, sale)) as { status: number; body: any };
  assert.equal(retried.status, 200);
  assert.equal(retried.body.data.amount, 1234);
  const again = (await call(url, '/fluidpay/api/transaction', fluidpay, sale)) as { status: number; body: any };
  assert.deepEqual(again.body, retried.body, 'later retries answer the same');
  const payRetry = (await call(url, `/chargeover/api/v3/invoice/${invoiceId}?action=pay`, coAuth, pay, { 'idempotency-key': 'crash-pay-1' })) as { status: number; body: any };
  assert.equal(payRetry.status, 200, JSON.stringify(payRetry.body));

  // One sale of 12.34 and one charge of 42.00, nothing more; the ledger holds.
  const events = await admin(url, 'GET', '/_admin/tenants/crash/events?type=transaction.captured&limit=1000');
  assert.deepEqual(events.events.map((e: any) => e.data.amount).sort(), [1234, 4200]);
  const report = await admin(url, 'GET', '/_admin/verify?tenant=crash');
  assert.equal(report.ok, true);
  child.kill('SIGTERM');
  await exited(child);
});
