// The recurring engine from the CLI (in this process, test/cli/helpers.ts): settings (zone, dunning
// ladder), what is due (due list), moving the clock reports what ran, due run, subscriptions.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/config.ts';
import { openServices } from '../../src/server.ts';
import { contextFor, getTenant } from '../../src/core/tenants/tenants.ts';
import { openVaultCustomer } from '../../src/core/flows/vault-customer.ts';
import { createSubscription } from '../../src/core/subscriptions/subscriptions.ts';
import { assertSnakeCase, openCli, runJson, type Cli } from './helpers.ts';

let cli: Cli;
before(() => {
  cli = openCli();
});
after(async () => cli.dispose());

test('settings, due list, clock advance reporting what ran, due run, subscriptions', async () => {
  await runJson(cli, 'tenant', 'create', 'Recurring Co', '--slug', 'rec-co', '--json');
  const settings = await runJson(cli, 'settings', '--tenant', 'rec-co', '--timezone', 'Asia/Tokyo', '--dunning', '2,4', '--dunning-final', 'unpaid', '--json');
  assert.deepEqual(settings, { timezone: 'Asia/Tokyo', dunning_days: [2, 4], dunning_final: 'unpaid', authorization_expiry_days: null, settlement_cutoff: '00:00', notice_days: 3 });
  const badZone = await cli.run('settings', '--tenant', 'rec-co', '--timezone', 'Mars/Olympus');
  assert.equal(badZone.code, 1);
  assert.match(badZone.stderr, /^bursar: timezone must be an IANA time zone name/);
  await runJson(cli, 'clock', 'set', '2031-07-01T10:00:00Z', '--freeze', '--tenant', 'rec-co', '--json');

  // A subscription through the core, as any door would make one.
  const { store, services } = await openServices({ ...loadConfig(cli.env), logLevel: 'silent' });
  try {
    const ctx = contextFor(services, await getTenant(services, 'rec-co'));
    const customer = await openVaultCustomer(ctx, { customer: { company: 'Monthly' }, card: { number: '4242424242424242', expMonth: 12, expYear: 2099 } });
    await createSubscription(ctx, { customerId: customer.id, amount: 1800, schedule: { unit: 'month', interval: 1, anchors: [{ kind: 'dayOfMonth', day: 2 }], shortMonths: 'clamp' } });
  } finally {
    await store.close();
  }

  const due = await runJson(cli, 'due', 'list', '--tenant', 'rec-co', '--until', '2031-07-05T00:00:00Z', '--json');
  assertSnakeCase(due, 'due list');
  assert.deepEqual(due.counts, { renewal: 1 });
  assert.equal(due.items[0].kind, 'renewal');
  assert.equal(due.items[0].due_at, '2031-07-01T15:00:00.000Z', 'midnight of 2 July in Tokyo');
  assert.equal((await cli.run('due', 'list', '--tenant', 'rec-co')).stdout, 'nothing due by 2031-07-01T10:00:00.000Z\n');

  const advanced = await cli.run('clock', 'advance', '2d', '--tenant', 'rec-co');
  assert.equal(advanced.code, 0, advanced.stderr);
  assert.equal(advanced.stdout, '2031-07-03T10:00:00.000Z (frozen)\nran: renewal 1, settlement 1\n');
  const moved = await runJson(cli, 'clock', 'advance', '31d', '--tenant', 'rec-co', '--json');
  assert.deepEqual(moved.ran, { renewal: 1, settlement: 1 });

  assert.deepEqual(await runJson(cli, 'due', 'run', '--tenant', 'rec-co', '--json'), { ran: {}, moments: 0 });
  assert.equal((await cli.run('due', 'run', '--tenant', 'rec-co')).stdout, 'nothing was due\n');

  const subs = await runJson(cli, 'subscriptions', '--tenant', 'rec-co', '--json');
  assertSnakeCase(subs, 'subscriptions');
  assert.equal(subs.total, 1);
  assert.equal(subs.subscriptions[0].billed_count, 2);
  assert.equal(subs.subscriptions[0].next_bill_date, '2031-09-02');
  assert.match((await cli.run('subscriptions', '--tenant', 'rec-co')).stdout, /^\d+\tactive\tcustomer \d+\t1800 USD\tnext 2031-09-02\n1 subscription\n$/);
});
