// The core's filter language over a real database: comparisons (case-insensitive text, LIKE
// escapes, null-safe "not equal"), all/any/not, vendor fields, external references, ordering and
// counted paging — the same on SQLite and PostgreSQL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestStore } from './helpers/store.ts';
import { createTenant, contextFor } from '../src/core/tenants/tenants.ts';
import { createCustomer } from '../src/core/customers/customers.ts';
import { listCustomers, countCustomers } from '../src/core/customers/queries.ts';
import type { Condition } from '../src/core/query/conditions.ts';

test('filters, ordering and paging run the same on both databases', async () => {
  const t = await openTestStore();
  try {
    const tenant = await createTenant(t.services, { name: 'Query' });
    const ctx = contextFor(t.services, tenant);
    const companies = ['Acme, Inc.', 'Beta 50%', 'acme labs', null];
    for (const [i, company] of companies.entries()) {
      await createCustomer(ctx, { company, vendor: 'door', vendorData: { tier: i }, refs: [{ vendor: 'door', kind: 'external_key', value: `K-${i}` }] });
    }
    const count = (where: Condition[]) => countCustomers(ctx, { where });
    const names = async (where: Condition[]) => (await listCustomers(ctx, { where, limit: 10 })).rows.map((r) => r.company);

    assert.deepEqual(await names([{ field: 'company', op: 'contains', value: 'ACME' }]), ['Acme, Inc.', 'acme labs']);
    assert.equal(await count([{ field: 'company', op: 'contains', value: '50%' }]), 1);
    assert.equal(await count([{ field: 'company', op: 'contains', value: '_' }]), 0, 'LIKE wildcards are escaped');
    assert.equal(await count([{ field: 'company', op: 'eq', value: 'ACME LABS' }]), 1);
    assert.equal(await count([{ field: 'company', op: 'is_null' }]), 1);
    assert.equal(await count([{ field: 'company', op: 'ne', value: 'acme labs' }]), 3, 'not equal matches the unset one too');
    assert.equal(await count([{ not: { field: 'company', op: 'eq', value: 'acme labs' } }]), 3, 'not is null-safe');
    assert.equal(
      await count([
        {
          any: [
            { field: 'company', op: 'eq', value: 'beta 50%' },
            { field: 'company', op: 'is_null' },
          ],
        },
      ]),
      2,
    );
    assert.equal(await count([{ field: { vendor: 'door', key: 'tier', type: 'number' }, op: 'gte', value: 2 }]), 2);
    assert.deepEqual(await names([{ field: { ref: { vendor: 'door', kind: 'external_key' } }, op: 'eq', value: 'k-1' }]), ['Beta 50%']);

    const paged = await listCustomers(ctx, { where: [{ field: 'id', op: 'gt', value: 0 }], order: [{ field: 'company', direction: 'desc' }], limit: 2, total: true });
    assert.equal(paged.total, 4);
    assert.equal(paged.rows.length, 2);
    await assert.rejects(count([{ field: 'nope', op: 'eq', value: 1 }]), /Unknown field nope/);
    await assert.rejects(listCustomers(ctx, { order: [{ field: 'standing', direction: 'asc' }] }), /Cannot order by standing/);
  } finally {
    await t.dispose();
  }
});
