import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestStore } from './helpers/store.ts';
import { createTenant, contextFor } from '../src/core/tenants/tenants.ts';
import { createCustomer } from '../src/core/customers/customers.ts';
import { applyFilters, pageWithTotal, type FieldMap } from '../src/core/query/filters.ts';
import type { Database } from '../src/core/database.ts';

const FIELDS: FieldMap<Database, 'customers'> = {
  customer_id: { column: 'customers.id', type: 'number' },
  company: { column: 'customers.company', type: 'text_ci' },
  email: { column: 'customers.email', type: 'string' },
};

test('filters, ordering and paging run the same on both databases', async () => {
  const t = await openTestStore();
  try {
    const tenant = await createTenant(t.services, { name: 'Query' });
    const ctx = contextFor(t.services, tenant);
    for (const company of ['Acme, Inc.', 'Beta 50%', 'acme labs', null]) await createCustomer(ctx, { company });
    const base = () => t.services.db.selectFrom('customers').selectAll().where('tenant_id', '=', tenant.id);
    const run = (filters: Parameters<typeof applyFilters>[1], limit = 10) => pageWithTotal(applyFilters(base(), filters, FIELDS), { limit }, FIELDS, { field: 'customer_id', direction: 'asc' });

    const contains = await run([{ field: 'company', op: 'contains', value: 'ACME' }]);
    assert.deepEqual(
      contains.rows.map((r) => r.company),
      ['Acme, Inc.', 'acme labs'],
    );
    assert.equal((await run([{ field: 'company', op: 'contains', value: '50%' }])).total, 1);
    assert.equal((await run([{ field: 'company', op: 'contains', value: '_' }])).total, 0);
    assert.equal((await run([{ field: 'company', op: 'eq', value: 'ACME LABS' }])).total, 1);
    assert.equal((await run([{ field: 'company', op: 'is_null' }])).total, 1);
    assert.equal((await run([{ field: 'company', op: 'ne', value: 'acme labs' }])).total, 3);
    const paged = await run([{ field: 'customer_id', op: 'gt', value: '0' }], 2);
    assert.equal(paged.total, 4);
    assert.equal(paged.rows.length, 2);
    assert.throws(() => applyFilters(base(), [{ field: 'nope', op: 'eq', value: 1 }], FIELDS), /Unknown field nope/);
  } finally {
    await t.dispose();
  }
});
