// Lenient JSON (comments, trailing commas) must never change what is inside a string: a company
// name with a comma before a brace was once stored without the comma.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { errorBody, okBody, startChargeOver, type CoClient } from './helpers.ts';

let co: CoClient;
before(async () => {
  co = await startChargeOver();
});
after(async () => co.close());

const json = { 'content-type': 'application/json' };

test('a trailing comma leaves strings that contain ", }" and ", ]" as sent', async () => {
  const body = '{"company": "Smith, }Jones", "custom_1": "a, ]b", "custom_2": "x // not a comment", /* note */ }';
  const id = okBody(await co.call('POST', '/customer', body, json), 201).id;
  const stored = okBody(await co.get(`/customer/${id}`));
  assert.equal(stored.company, 'Smith, }Jones');
  assert.equal(stored.custom_1, 'a, ]b');
  assert.equal(stored.custom_2, 'x // not a comment');
});

test('what is not JSON even leniently is still the 400 envelope', async () => {
  for (const body of ['{"company": "x",,}', '{"company": }', '{company: "x"}', '{"company": "x" /* open', '// only a comment']) {
    errorBody(await co.call('POST', '/customer', body, json), 400);
  }
});
