// The CLI's safety rules, in this process (test/cli/helpers.ts): destructive commands need a named
// tenant (and --yes off a terminal), values are checked, --json is snake_case throughout.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Json } from '../http/helpers.ts';
import { assertSnakeCase, openCli, runJson, type Cli } from './helpers.ts';

const DAY_MS = 86_400_000;

let cli: Cli;
before(() => {
  cli = openCli();
});
after(async () => cli.dispose());

const bursar = (...args: string[]) => cli.run(...args);

const json = (...args: string[]): Promise<Json> => runJson(cli, ...args);

describe('destructive commands and checked values', () => {
  test('reset without --tenant refuses and wipes nothing', async () => {
    const target = Math.floor((Date.now() + 40 * DAY_MS) / 1000) * 1000;
    await json('tenant', 'create', 'Keep Me', '--slug', 'keep-me', '--json');
    await json('clock', 'set', new Date(target).toISOString(), '--freeze', '--tenant', 'keep-me', '--json');
    const bare = await bursar('reset', '--json');
    assert.notEqual(bare.code, 0);
    assert.equal(bare.stdout, '');
    assert.match(bare.stderr, /^bursar: required option '-t, --tenant <idOrSlug>' not specified \(see --help\)\n$/);
    assert.equal((await json('clock', 'get', '--tenant', 'keep-me', '--json')).now, target, 'nothing was reset');
  });

  test('reset needs --yes off a terminal; at a terminal it asks', async () => {
    const target = Math.floor((Date.now() + 50 * DAY_MS) / 1000) * 1000;
    await json('clock', 'set', new Date(target).toISOString(), '--freeze', '--tenant', 'keep-me', '--json');
    const unconfirmed = await bursar('reset', '--tenant', 'keep-me');
    assert.equal(unconfirmed.code, 1);
    assert.match(unconfirmed.stderr, /^bursar: reset wipes every customer, invoice and payment of tenant keep-me cannot be undone: add --yes to confirm \(no terminal to ask on\)\n$/);
    const declined = await cli.runAtTerminal(false, 'reset', '--tenant', 'keep-me');
    assert.equal(declined.code, 1);
    assert.equal(declined.asked.length, 1);
    assert.match(declined.asked[0], /keep-me/);
    assert.equal((await json('clock', 'get', '--tenant', 'keep-me', '--json')).now, target, 'still not reset');
    const accepted = await cli.runAtTerminal(true, 'reset', '--tenant', 'keep-me');
    assert.equal(accepted.code, 0, accepted.stderr);
    assert.equal((await json('clock', 'get', '--tenant', 'keep-me', '--json')).offset_ms, 0);
  });

  test('key revoke needs --tenant; --kind takes only kinds the door accepts', async () => {
    const issued = await json('key', 'create', '--tenant', 'keep-me', '--vendor', 'invoiced', '--json');
    const noTenant = await bursar('key', 'revoke', String(issued.id));
    assert.notEqual(noTenant.code, 0);
    assert.match(noTenant.stderr, /required option '-t, --tenant <idOrSlug>'/);
    const bogus = await bursar('key', 'create', '--tenant', 'keep-me', '--vendor', 'fluidpay', '--kind', 'bogus');
    assert.notEqual(bogus.code, 0);
    assert.match(bogus.stderr, /^bursar: option '--kind <kind>' argument 'bogus' is invalid/);
    const wrongDoor = await bursar('key', 'create', '--tenant', 'keep-me', '--vendor', 'chargeover', '--kind', 'api_key');
    assert.equal(wrongDoor.code, 1);
    assert.match(wrongDoor.stderr, /^bursar: kind "api_key" is not one chargeover accepts; use key_pair\n$/);
    const password = await json('key', 'create', '--tenant', 'keep-me', '--vendor', 'fluidpay', '--kind', 'password', '--json');
    assert.equal(password.kind, 'password');
    assert.equal(typeof password.public_id, 'string');
  });

  test('--json output is snake_case everywhere', async () => {
    const outputs: Array<[string, Json]> = [
      ['tenant create', await json('tenant', 'create', 'Snake Co', '--json')],
      ['tenant list', await json('tenant', 'list', '--json')],
      ['key create', await json('key', 'create', '--tenant', 'snake-co', '--vendor', 'chargeover', '--json')],
      ['key list', await json('key', 'list', '--tenant', 'snake-co', '--json')],
      ['clock get', await json('clock', 'get', '--tenant', 'snake-co', '--json')],
      ['verify', await json('verify', '--json')],
      ['reset', await json('reset', '--tenant', 'snake-co', '--yes', '--json')],
    ];
    const keyCreate = outputs[2][1];
    assert.equal(typeof keyCreate.public_id, 'string', 'key create names the public key public_id');
    for (const [command, output] of outputs) assertSnakeCase(output, command);
  });
});
