// Unit tests of ChargeOver's list grammar (spec 1.7-1.9).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseOrder, parsePaging, parseWhere } from '../../src/vendors/chargeover/where.ts';

test('where: nine operators, comma AND, escapes, dotted fields', () => {
  assert.deepEqual(parseWhere('a:EQUALS:1,b:notequals:2,c:GT:3,d:LT:4,e:GTE:5,f:LTE:6,g:CONTAINS:x,h:IS:NULL,i:ISNOT:null'), [
    { field: 'a', op: 'eq', value: '1' },
    { field: 'b', op: 'ne', value: '2' },
    { field: 'c', op: 'gt', value: '3' },
    { field: 'd', op: 'lt', value: '4' },
    { field: 'e', op: 'gte', value: '5' },
    { field: 'f', op: 'lte', value: '6' },
    { field: 'g', op: 'contains', value: 'x' },
    { field: 'h', op: 'is_null' },
    { field: 'i', op: 'not_null' },
  ]);
  assert.deepEqual(parseWhere('external_key:EQUALS:Example\\:ID'), [{ field: 'external_key', op: 'eq', value: 'Example:ID' }]);
  assert.deepEqual(parseWhere('company:CONTAINS:a\\,b,x:EQUALS:1'), [
    { field: 'company', op: 'contains', value: 'a,b' },
    { field: 'x', op: 'eq', value: '1' },
  ]);
  assert.deepEqual(parseWhere('transaction_datetime:GTE:2015-02-01 10:00:00'), [{ field: 'transaction_datetime', op: 'gte', value: '2015-02-01 10:00:00' }]);
  assert.deepEqual(parseWhere('customers.customer_id:EQUALS:4'), [{ field: 'customers.customer_id', op: 'eq', value: '4' }]);
  assert.throws(() => parseWhere('a:LIKE:1'));
  assert.throws(() => parseWhere('a:EQUALS'));
  assert.throws(() => parseWhere('a:IS:EMPTY'));
});

test('order and paging', () => {
  assert.deepEqual(parseOrder('a:ASC,b:desc,c'), [
    { field: 'a', direction: 'asc' },
    { field: 'b', direction: 'desc' },
    { field: 'c', direction: 'asc' },
  ]);
  assert.throws(() => parseOrder('a:UP'));
  assert.deepEqual(parsePaging({}), { offset: 0, limit: 10 });
  assert.deepEqual(parsePaging({ offset: '3', limit: '1000' }), { offset: 3, limit: 100 });
  assert.deepEqual(parsePaging({ limit: '0' }), { offset: 0, limit: 10 });
  assert.throws(() => parsePaging({ offset: '-1' }));
});
