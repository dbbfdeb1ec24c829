// FluidPay's schedule words through its door: billing_frequency / billing_cycle_interval /
// billing_days / duration / next_bill_date into the core's neutral schedule and back, errors in
// FluidPay's field names, what is stored, and migration 005 turning FluidPay-shaped rows neutral.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Kysely } from 'kysely';
import { DomainError } from '../../src/core/errors/domain-error.ts';
import { occurrenceDates, type Cadence, type Schedule } from '../../src/core/subscriptions/schedule.ts';
import { durationOf, maxOccurrencesOf, parseSchedule, refuseInFluidPayWords, renderScheduleFields } from '../../src/vendors/fluidpay/schedule-wire.ts';
import { up as migrate005 } from '../../src/store/migrations/neutral_schedules.ts';
import { startFluidPay, type FluidPayClient } from './client.ts';

const cadence = (unit: Cadence['unit'], interval: number, days: number[] = []): Cadence => ({ unit, interval, anchors: days.map((day) => ({ kind: 'dayOfMonth', day })), shortMonths: 'clamp' });

/** The field a parse failure names. */
function refusedField(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof DomainError, String(error));
    return error.field;
  }
  assert.fail('expected a 400');
}

describe('FluidPay words → core cadence', () => {
  test('the four worked scenarios of §4.6 and the other day counts', () => {
    assert.deepEqual(parseSchedule('daily', 1, '7'), cadence('week', 1), 'every 7 days');
    assert.deepEqual(parseSchedule('daily', 2, '7'), cadence('week', 2), 'every other week');
    assert.deepEqual(parseSchedule('monthly', 3, '15'), cadence('month', 3, [15]), 'every 3 months on the 15th');
    assert.deepEqual(parseSchedule('twice_monthly', 1, '1,15'), cadence('month', 1, [1, 15]), 'the 1st and 15th');
    assert.deepEqual(parseSchedule('daily', 1, '14'), cadence('week', 2));
    assert.deepEqual(parseSchedule('daily', 3, '5'), cadence('day', 15), 'interval × N days');
    assert.deepEqual(parseSchedule('daily', 1, '1'), cadence('day', 1));
    assert.deepEqual(parseSchedule('monthly', 1, '31'), cadence('month', 1, [31]));
    assert.deepEqual(parseSchedule('twice_monthly', 2, ' 5 , 20 '), cadence('month', 2, [5, 20]));
  });

  test("refusals name FluidPay's fields", () => {
    assert.equal(
      refusedField(() => parseSchedule('weekly', 1, '1')),
      'billing_frequency',
    );
    assert.equal(
      refusedField(() => parseSchedule('monthly', 0, '1')),
      'billing_cycle_interval',
    );
    assert.equal(
      refusedField(() => parseSchedule('monthly', 1, '32')),
      'billing_days',
    );
    assert.equal(
      refusedField(() => parseSchedule('monthly', 1, 'x')),
      'billing_days',
    );
    assert.equal(
      refusedField(() => parseSchedule('daily', 1, '0')),
      'billing_days',
    );
    assert.equal(
      refusedField(() => parseSchedule('twice_monthly', 1, '15,1')),
      'billing_days',
    );
    assert.equal(
      refusedField(() => parseSchedule('twice_monthly', 1, '15,15')),
      'billing_days',
    );
    assert.equal(
      refusedField(() => parseSchedule('daily', 2 ** 40, '2000000')),
      'billing_days',
      'too many days',
    );
    assert.equal(
      refusedField(() => refuseInFluidPayWords({ field: 'maxOccurrences', code: 'out_of_range', message: 'must be at least 1' })),
      'duration',
    );
    assert.equal(
      refusedField(() => refuseInFluidPayWords({ field: 'interval', code: 'out_of_range', message: 'must be at least 1' })),
      'billing_cycle_interval',
    );
  });

  test('duration counts billings: 0 is no cap', () => {
    assert.equal(maxOccurrencesOf(0), undefined);
    assert.equal(maxOccurrencesOf(12), 12);
    assert.equal(durationOf({}), 0);
    assert.equal(durationOf({ maxOccurrences: 12 }), 12);
    // twice_monthly for 3 billings: three dates, not three months
    const schedule: Schedule = { ...parseSchedule('twice_monthly', 1, '1,15'), start: '2030-01-01', maxOccurrences: maxOccurrencesOf(3) };
    assert.deepEqual(occurrenceDates(schedule, 10), ['2030-01-01', '2030-01-15', '2030-02-01']);
  });
});

describe('core cadence → FluidPay words', () => {
  test("what FluidPay can say comes back word for word with the client's interval kept", () => {
    for (const [frequency, interval, days] of [
      ['daily', 1, '7'],
      ['daily', 2, '7'],
      ['daily', 1, '14'],
      ['daily', 7, '1'],
      ['daily', 3, '5'],
      ['daily', 1, '10'],
      ['monthly', 3, '15'],
      ['monthly', 1, '31'],
      ['twice_monthly', 1, '1,15'],
      ['twice_monthly', 4, '10,28'],
    ] as const) {
      const parsed = parseSchedule(frequency, interval, days);
      assert.deepEqual(renderScheduleFields(parsed, interval), { billing_frequency: frequency, billing_cycle_interval: interval, billing_days: days }, `${frequency} ${interval} ${days}`);
    }
  });

  test('without the kept interval, FluidPay\'s own phrasing (§4.6): weeks as k × "7", days as 1 × "N"', () => {
    assert.deepEqual(renderScheduleFields(cadence('week', 2)), { billing_frequency: 'daily', billing_cycle_interval: 2, billing_days: '7' });
    assert.deepEqual(renderScheduleFields(cadence('day', 10)), { billing_frequency: 'daily', billing_cycle_interval: 1, billing_days: '10' });
    assert.deepEqual(renderScheduleFields(cadence('day', 10), 3), { billing_frequency: 'daily', billing_cycle_interval: 1, billing_days: '10' }, 'a kept interval that does not divide is ignored');
  });

  test('shapes only other doors can make come out as the nearest FluidPay words', () => {
    const last: Cadence = { unit: 'month', interval: 1, anchors: [{ kind: 'lastDayOfMonth' }], shortMonths: 'clamp' };
    assert.deepEqual(renderScheduleFields(last), { billing_frequency: 'monthly', billing_cycle_interval: 1, billing_days: '31' });
    const yearly: Cadence = { unit: 'year', interval: 1, anchors: [{ kind: 'dayOfYear', month: 3, day: 19 }], shortMonths: 'clamp' };
    assert.deepEqual(renderScheduleFields(yearly), { billing_frequency: 'monthly', billing_cycle_interval: 12, billing_days: '19' });
    const fromStart: Schedule = { ...cadence('month', 3), start: '2030-01-20' };
    assert.deepEqual(renderScheduleFields(fromStart), { billing_frequency: 'monthly', billing_cycle_interval: 3, billing_days: '20' });
    const weekdays: Cadence = { unit: 'week', interval: 1, anchors: [{ kind: 'weekday', weekday: 1 }], shortMonths: 'clamp' };
    assert.deepEqual(renderScheduleFields(weekdays), { billing_frequency: 'daily', billing_cycle_interval: 1, billing_days: '7' });
  });
});

describe('over HTTP, stored neutral', () => {
  let fp: FluidPayClient;
  let customerId: string;
  before(async () => {
    fp = await startFluidPay();
    customerId = (await fp.call('POST', '/customer', { payment_method: { card: { card_number: '4111111111111111', expiration_date: '12/30' } } })).body.data.id;
  });
  after(async () => {
    await fp?.close();
  });

  const storedRow = async (id: number) => fp.server.store.store.db.selectFrom('subscriptions').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const lastRowId = async () => (await fp.server.store.store.db.selectFrom('subscriptions').select('id').orderBy('id', 'desc').executeTakeFirstOrThrow()).id;

  test("create and update keep FluidPay's words on the wire and only the neutral schedule in the core column", async () => {
    const created = await fp.call('POST', '/recurring/subscription', {
      customer: { id: customerId },
      amount: 500,
      billing_cycle_interval: 1,
      billing_frequency: 'daily',
      billing_days: '14',
      duration: 6,
      next_bill_date: '2030-03-04',
    });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const s = created.body.data;
    assert.deepEqual([s.billing_frequency, s.billing_cycle_interval, s.billing_days, s.duration, s.next_bill_date], ['daily', 1, '14', 6, '2030-03-04']);
    const row = await storedRow(await lastRowId());
    assert.deepEqual(JSON.parse(row.schedule), { unit: 'week', interval: 2, anchors: [], shortMonths: 'clamp', start: '2030-03-04', maxOccurrences: 6 });
    assert.equal(JSON.parse(row.vendor_data).fluidpay.billing_cycle_interval, 1);

    const renamed = (await fp.call('POST', `/recurring/subscription/${s.id}`, { description: 'renamed' })).body.data;
    assert.deepEqual(
      [renamed.billing_frequency, renamed.billing_cycle_interval, renamed.billing_days, renamed.duration, renamed.next_bill_date],
      ['daily', 1, '14', 6, '2030-03-04'],
      'an update without schedule words changes none',
    );

    const moved = (await fp.call('POST', `/recurring/subscription/${s.id}`, { billing_frequency: 'monthly', billing_days: '31', duration: 0, next_bill_date: '2030-04-30' })).body.data;
    assert.deepEqual([moved.billing_frequency, moved.billing_cycle_interval, moved.billing_days, moved.duration, moved.next_bill_date], ['monthly', 1, '31', 0, '2030-04-30']);
    assert.deepEqual(JSON.parse((await storedRow(await lastRowId())).schedule), { unit: 'month', interval: 1, anchors: [{ kind: 'dayOfMonth', day: 31 }], shortMonths: 'clamp', start: '2030-04-30' });
  });

  test('a schedule change without next_bill_date moves the next bill date onto the new schedule', async () => {
    const s = (await fp.call('POST', '/recurring/subscription', { customer: { id: customerId }, amount: 100, billing_cycle_interval: 1, billing_frequency: 'monthly', billing_days: '1' })).body.data;
    assert.match(s.next_bill_date, /-01$/);
    const changed = (await fp.call('POST', `/recurring/subscription/${s.id}`, { billing_days: '28' })).body.data;
    assert.match(changed.next_bill_date, /-28$/);
  });

  test("a bad schedule is a 400 naming FluidPay's field, and leaves nothing behind", async () => {
    const count = async () =>
      Number(
        (
          await fp.server.store.store.db
            .selectFrom('subscriptions')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await count();
    for (const [body, field] of [
      [{ billing_frequency: 'weekly', billing_cycle_interval: 1, billing_days: '1' }, 'billing_frequency'],
      [{ billing_frequency: 'monthly', billing_cycle_interval: 0, billing_days: '1' }, 'billing_cycle_interval'],
      [{ billing_frequency: 'twice_monthly', billing_cycle_interval: 1, billing_days: '1' }, 'billing_days'],
      [{ billing_frequency: 'monthly', billing_cycle_interval: 1, billing_days: '1', next_bill_date: '2030-02-30' }, 'next_bill_date'],
    ] as const) {
      const reply = await fp.call('POST', '/recurring/subscription', { customer: { id: customerId }, amount: 100, ...body });
      assert.equal(reply.status, 400, JSON.stringify(reply.body));
      assert.match(reply.body.msg, new RegExp(field), JSON.stringify(reply.body));
    }
    assert.equal(await count(), before);
  });

  test('migration 005 turns FluidPay-shaped rows neutral, and the door answers with the same words', async () => {
    const legacy = [
      {
        schedule: { frequency: 'daily', interval: 2, days: [7], wire: { billing_cycle_interval: 2, billing_frequency: 'daily', billing_days: '7' } },
        duration: 0,
        next: '2030-05-06',
        wire: ['daily', 2, '7'],
        neutral: { unit: 'week', interval: 2, anchors: [], shortMonths: 'clamp', start: '2030-05-06' },
      },
      {
        schedule: { frequency: 'daily', interval: 1, days: [10], wire: { billing_cycle_interval: 1, billing_frequency: 'daily', billing_days: '10' } },
        duration: 4,
        next: null,
        wire: ['daily', 1, '10'],
        neutral: { unit: 'day', interval: 10, anchors: [], shortMonths: 'clamp', maxOccurrences: 4 },
      },
      {
        schedule: { frequency: 'monthly', interval: 3, days: [15], wire: { billing_cycle_interval: 3, billing_frequency: 'monthly', billing_days: '15' } },
        duration: 12,
        next: '2030-02-15',
        wire: ['monthly', 3, '15'],
        neutral: { unit: 'month', interval: 3, anchors: [{ kind: 'dayOfMonth', day: 15 }], shortMonths: 'clamp', start: '2030-02-15', maxOccurrences: 12 },
      },
      {
        schedule: { frequency: 'twice_monthly', interval: 1, days: [1, 15] },
        duration: 0,
        next: '2030-01-15',
        wire: ['twice_monthly', 1, '1,15'],
        neutral: {
          unit: 'month',
          interval: 1,
          anchors: [
            { kind: 'dayOfMonth', day: 1 },
            { kind: 'dayOfMonth', day: 15 },
          ],
          shortMonths: 'clamp',
          start: '2030-01-15',
        },
      },
    ];
    const db = fp.server.store.store.db;
    // Rows as they were before the neutral schedule: the duration column came back for this test only.
    const legacyDb = db as unknown as Kysely<any>;
    await legacyDb.schema
      .alterTable('subscriptions')
      .addColumn('duration', 'bigint', (c) => c.notNull().defaultTo(0))
      .execute();
    const made: { id: number; wireId: string; createdAt: number }[] = [];
    for (const l of legacy) {
      const wireId = (await fp.call('POST', '/recurring/subscription', { customer: { id: customerId }, amount: 100, billing_cycle_interval: 1, billing_frequency: 'monthly', billing_days: '1' })).body
        .data.id;
      const id = await lastRowId();
      await legacyDb
        .updateTable('subscriptions')
        .set({ schedule: JSON.stringify(l.schedule), duration: l.duration, next_bill_date: l.next, vendor_data: JSON.stringify({ other: { kept: true } }) })
        .where('id', '=', id)
        .execute();
      made.push({ id, wireId, createdAt: Number((await storedRow(id)).created_at) });
    }
    await migrate005(db as never, fp.server.store.store.dialect);
    await migrate005(db as never, fp.server.store.store.dialect); // a second run changes nothing
    await legacyDb.schema.alterTable('subscriptions').dropColumn('duration').execute();
    for (const [i, l] of legacy.entries()) {
      const row = await storedRow(made[i].id);
      const createdDay = new Date(made[i].createdAt).toISOString().slice(0, 10);
      assert.deepEqual(JSON.parse(row.schedule), { start: l.next ?? createdDay, ...l.neutral }, `row ${i}`);
      assert.deepEqual(JSON.parse(row.vendor_data), { other: { kept: true }, fluidpay: { billing_cycle_interval: l.wire[1] } }, "another door's namespace is kept");
      const shown = (await fp.call('GET', `/recurring/subscription/${made[i].wireId}`)).body.data;
      assert.deepEqual([shown.billing_frequency, shown.billing_cycle_interval, shown.billing_days, shown.duration, shown.next_bill_date], [...l.wire, l.duration, l.next], `row ${i} on the wire`);
    }
  });
});
