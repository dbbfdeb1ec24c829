import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestStore } from './helpers/store.ts';
import { createTenant, contextFor } from '../src/core/tenants/tenants.ts';
import { createCustomer } from '../src/core/customers/customers.ts';
import { createPayment, refund, capture } from '../src/core/payments/payments.ts';
import { createInvoice } from '../src/core/invoices/invoices.ts';
import { applyToInvoice } from '../src/core/invoices/allocations.ts';
import { advanceClock } from '../src/core/clock/tenant-clock.ts';
import { verify } from '../src/core/verify/verify.ts';

test('a payment applied to an invoice, refunded in part and settled keeps the ledger consistent', async () => {
  const t = await openTestStore();
  try {
    const tenant = await createTenant(t.services, { name: 'Smoke' });
    const ctx = contextFor(t.services, tenant);
    const customer = await createCustomer(ctx, { firstName: 'Ada', currency: 'USD' });
    const invoice = await createInvoice(ctx, { customerId: customer.id, lines: [{ unitPrice: 1500, quantity: '2' }] });
    assert.equal(invoice.total, 3000);
    const { transaction } = await createPayment(ctx, {
      type: 'authorize',
      amount: 3000,
      currency: 'USD',
      customerId: customer.id,
      source: { card: { number: '4111111111111111', expMonth: 12, expYear: 2099 } },
    });
    assert.equal(transaction.status, 'authorized');
    await capture(ctx, transaction.id);
    const paid = await applyToInvoice(ctx, transaction.id, invoice.id);
    assert.equal(paid.balance, 0);
    await refund(ctx, transaction.id, { amount: 1000 });
    await advanceClock(t.services, tenant, 2 * 86_400_000);
    const report = await verify(t.services, tenant.id);
    assert.equal(report.violation, null);
    assert.ok(report.checked.settlement_batches >= 1);
  } finally {
    await t.dispose();
  }
});
