import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestStore } from './helpers/store.ts';
import { createTenant, contextFor } from '../src/core/tenants/tenants.ts';
import { createCustomer } from '../src/core/customers/customers.ts';
import { createToken, deletePaymentMethod, listPaymentMethods, publicView, storeBank, storeCard } from '../src/core/vault/vault.ts';
import { createPayment } from '../src/core/payments/payments.ts';
import { advanceClock } from '../src/core/clock/tenant-clock.ts';
import { DomainError } from '../src/core/errors/domain-error.ts';

test('the vault keeps card and bank numbers encrypted, shows only first6/last4, and tokens are single-use and expire', async () => {
  const t = await openTestStore();
  try {
    const tenant = await createTenant(t.services, { name: 'Vault' });
    const ctx = contextFor(t.services, tenant);
    const customer = await createCustomer(ctx, { firstName: 'Vi' });
    const card = await storeCard(ctx, { number: '4242 4242 4242 4242', expMonth: 4, expYear: 31 }, { customerId: customer.id });
    assert.equal(card.brand, 'visa');
    assert.equal(card.first6, '424242');
    assert.equal(card.last4, '4242');
    assert.equal(card.exp_year, 2031);
    const raw = await t.services.db.selectFrom('payment_methods').selectAll().where('id', '=', card.id).executeTakeFirstOrThrow();
    assert.doesNotMatch(JSON.stringify(raw), /4242424242424242/);
    assert.doesNotMatch(JSON.stringify(publicView(card)), /4242424242424242|secret/);
    const again = await storeCard(ctx, { number: '4242424242424242', expMonth: 5, expYear: 2032 }, { customerId: customer.id });
    assert.equal(again.fingerprint, card.fingerprint);

    const bank = await storeBank(ctx, { routingNumber: '000000013', accountNumber: '1100000002' }, { customerId: customer.id });
    assert.equal(bank.last4, '0002');
    assert.doesNotMatch(JSON.stringify(await t.services.db.selectFrom('payment_methods').selectAll().where('id', '=', bank.id).executeTakeFirstOrThrow()), /1100000002/);
    await assert.rejects(storeCard(ctx, { number: '4242', expMonth: 1, expYear: 2030 }), (e: unknown) => e instanceof DomainError && e.field === 'number');
    await assert.rejects(storeCard(ctx, { number: '4242424242424242', expMonth: 13, expYear: 2030 }), (e: unknown) => e instanceof DomainError && e.field === 'exp_month');

    const { token } = await createToken(ctx, card.id, { ttlMs: 60_000 });
    const paid = await createPayment(ctx, { type: 'sale', amount: 700, currency: 'USD', source: { token } });
    assert.equal(paid.transaction.status, 'captured');
    assert.equal(paid.transaction.payment_method_id, card.id);
    await assert.rejects(createPayment(ctx, { type: 'sale', amount: 700, currency: 'USD', source: { token } }), (e: unknown) => e instanceof DomainError && e.code === 'not_found');

    const { token: stale } = await createToken(ctx, card.id, { ttlMs: 60_000 });
    await advanceClock(t.services, tenant, 61_000);
    const later = contextFor(t.services, await t.services.db.selectFrom('tenants').selectAll().where('id', '=', tenant.id).executeTakeFirstOrThrow());
    await assert.rejects(createPayment(later, { type: 'sale', amount: 700, currency: 'USD', source: { token: stale } }), (e: unknown) => e instanceof DomainError && e.code === 'not_found');
    const count = await t.services.db.selectFrom('transactions').select('id').where('tenant_id', '=', tenant.id).execute();
    assert.equal(count.length, 1);

    assert.deepEqual(
      (await listPaymentMethods(ctx, customer.id)).map((m) => m.id),
      [card.id, again.id, bank.id],
    );
    await deletePaymentMethod(ctx, again.id);
    assert.deepEqual(
      (await listPaymentMethods(ctx, customer.id)).map((m) => m.id),
      [card.id, bank.id],
    );
  } finally {
    await t.dispose();
  }
});
