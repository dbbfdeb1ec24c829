// bursar webhook …: an operator adds an endpoint, sees the delivery log, replays what failed and
// sends a test delivery, on the same database a server uses (the server's loop sends them).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openCli, runJson, type Cli } from './helpers.ts';
import { startReceiver, type Receiver } from '../webhooks/helpers.ts';

let cli: Cli;
let receiver: Receiver;
before(async () => {
  cli = openCli();
  receiver = await startReceiver();
});
after(async () => {
  await receiver.close();
  await cli.dispose();
});

test('webhook create, list, disable/enable, test, deliveries, replay and delete from the CLI', async () => {
  assert.equal((await cli.run('tenant', 'create', 'Hooks', '--slug', 'hooks')).code, 0);
  const refused = await cli.run('webhook', 'create', '--tenant', 'hooks', '--url', 'ftp://127.0.0.1/x');
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /^bursar: url: scheme ftp is not allowed/);
  let fail = true;
  receiver.on('/cli', () => ({ status: fail ? 500 : 200 }));
  const endpoint = (await runJson(cli, 'webhook', 'create', '--tenant', 'hooks', '--url', `${receiver.url}/cli`, '--format', 'chargedesk', '--events', 'charge_new,customer_new', '--json')) as any;
  assert.equal(endpoint.format, 'chargedesk');
  assert.deepEqual(endpoint.events, ['charge_new', 'customer_new']);
  assert.match(endpoint.standard_webhooks_secret, /^whsec_/);
  assert.equal(((await runJson(cli, 'webhook', 'list', '--tenant', 'hooks', '--json')) as any[]).length, 1);
  assert.match((await cli.run('webhook', 'disable', '--tenant', 'hooks', String(endpoint.id))).stdout, /disabled/);
  assert.match((await cli.run('webhook', 'enable', '--tenant', 'hooks', String(endpoint.id))).stdout, /enabled/);

  // A test delivery queued by the CLI goes out when the clock moves (the CLI runs due work then).
  assert.match((await cli.run('webhook', 'test', '--tenant', 'hooks', String(endpoint.id))).stdout, /queued test delivery/);
  assert.equal((await cli.run('clock', 'advance', '--tenant', 'hooks', '1s')).code, 0);
  assert.equal(receiver.received.length, 1);
  assert.equal(JSON.parse(receiver.received[0].body).event, 'test');
  assert.equal((await cli.run('clock', 'advance', '--tenant', 'hooks', '3d')).code, 0);
  const failed = (await runJson(cli, 'webhook', 'deliveries', '--tenant', 'hooks', '--status', 'failed', '--json')) as any[];
  assert.equal(failed.length, 1);
  assert.equal(failed[0].attempts, 73, 'hourly for three days');
  assert.equal(failed[0].log[0].response_status, 500);

  fail = false;
  assert.match((await cli.run('webhook', 'replay', '--tenant', 'hooks', String(endpoint.id))).stdout, /queued 1 replay/);
  await cli.run('clock', 'advance', '--tenant', 'hooks', '1s');
  const delivered = (await runJson(cli, 'webhook', 'deliveries', '--tenant', 'hooks', '--status', 'delivered', '--json')) as any[];
  assert.equal(delivered.length, 1);
  assert.equal(delivered[0].replay_of, failed[0].id);
  assert.equal((await cli.run('webhook', 'delete', String(endpoint.id))).code, 1, '--tenant is required to delete');
  assert.equal((await cli.run('webhook', 'delete', '--tenant', 'hooks', String(endpoint.id))).code, 0);
  assert.equal(((await runJson(cli, 'webhook', 'list', '--tenant', 'hooks', '--json')) as any[]).length, 0);
});
