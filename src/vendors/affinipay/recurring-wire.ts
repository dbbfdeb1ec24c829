// AffiniPay's schedule words (spec §3.C10, §3.C11, §4.10) and the core's neutral Schedule: DAY, WEEK,
// MONTH every `interval_delay`; `days` ("1".."7" ISO weekdays for WEEK, "1".."31" and "LAST" for
// MONTH, only with an interval of 1) are anchors whose missing days are skipped; no days: the
// start's day, clamped to short months. Problems are invalid_data with a `schedule.<field>` (or
// `recur.<field>`) context; the first-occurrence rules are AffiniPay's own codes.
import type { Anchor, Schedule, ScheduleUnit } from '../../core/subscriptions/schedule.ts';
import { scheduleProblems } from '../../core/subscriptions/schedule.ts';
import type { RecurringInput } from '../../core/flows/recurring-charges.ts';
import type { MerchantAccount } from '../../core/merchant-accounts/accounts.ts';
import { VENDOR } from './methods.ts';
import { DomainError, ErrorCode, reasonOf } from '../../core/errors/domain-error.ts';
import { apError, invalidData, notFoundError, type ApError } from './errors.ts';
import { readAmount, readInteger, readString, isObject, type Body } from './wire.ts';

const UNITS: Record<string, ScheduleUnit> = { DAY: 'day', WEEK: 'week', MONTH: 'month' };
const WIRE_UNITS: Record<string, string> = { day: 'DAY', week: 'WEEK', month: 'MONTH' };

export interface WireSchedule {
  schedule: Schedule;
}

const notNull = (context: string): ApError => invalidData(context, 'not_null', 'may not be null');

function readDate(value: unknown, context: string): string | undefined {
  const text = readString(value, context);
  if (text === undefined || text === '') return undefined;
  // A date, or the date of a timestamp (spec §6 #24: any ISO-8601 on input).
  const match = /^(\d{4}-\d{2}-\d{2})(?:$|T)/.exec(text);
  if (!match || Number.isNaN(Date.parse(`${match[1]}T00:00:00Z`)) || new Date(`${match[1]}T00:00:00Z`).toISOString().slice(0, 10) !== match[1]) {
    throw invalidData(context, 'invalid', 'Date is invalid');
  }
  return match[1];
}

function readDays(value: unknown, unit: ScheduleUnit, interval: number, context: string): Anchor[] {
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : null;
  if (list === null) throw invalidData(context, 'invalid', 'Days are invalid');
  if (list.length === 0) return [];
  if (unit === 'day' || interval !== 1) throw invalidData(context, 'invalid', 'Days are only allowed with a WEEK or MONTH interval unit and an interval delay of 1');
  return list.map((item): Anchor => {
    const text = String(item).trim().toUpperCase();
    if (unit === 'month' && text === 'LAST') return { kind: 'lastDayOfMonth' };
    const n = /^\d{1,2}$/.test(text) ? Number(text) : NaN;
    if (unit === 'week' && n >= 1 && n <= 7) return { kind: 'weekday', weekday: n };
    if (unit === 'month' && n >= 1 && n <= 31) return { kind: 'dayOfMonth', day: n };
    throw invalidData(context, 'invalid', 'Days are invalid');
  });
}

export interface ScheduleRead {
  /** The prefix of the fields' contexts: `schedule` or `recur`. */
  prefix: string;
  /** The start when the body has none (recur: today); absent: start is required. */
  start?: string;
  /** Caps, read by the caller from wherever the wire has them. */
  maxOccurrences?: number;
  maxAmount?: number;
  amount: number;
  /** A PUT or PATCH: a schedule without dates is update_results_in_no_occurrences. */
  update?: boolean;
}

/** The neutral schedule of an AffiniPay schedule (or recur) hash; invalid_data on the first problem. */
export function readSchedule(value: unknown, read: ScheduleRead): Schedule {
  const { prefix } = read;
  if (!isObject(value)) throw value === undefined || value === null ? notNull(prefix) : invalidData(prefix, 'invalid', 'Schedule is invalid');
  const hash = value;
  const unitText = readString(hash.interval_unit, `${prefix}.interval_unit`);
  if (unitText === undefined || unitText === '') throw notNull(`${prefix}.interval_unit`);
  const unit = UNITS[unitText.toUpperCase()];
  if (!unit) throw invalidData(`${prefix}.interval_unit`, 'invalid', 'Interval unit is invalid');
  const interval = readInteger(hash.interval_delay, `${prefix}.interval_delay`);
  if (interval === undefined) throw notNull(`${prefix}.interval_delay`);
  if (interval < 1) throw invalidData(`${prefix}.interval_delay`, 'below_minimum_value', 'Interval delay is less than the minimum value');
  if (interval > 1000) throw invalidData(`${prefix}.interval_delay`, 'exceeds_maximum_value', 'Interval delay exceeds the maximum value');
  const anchors = readDays(hash.days, unit, interval, `${prefix}.days`);
  const start = read.start ?? readDate(hash.start, `${prefix}.start`);
  if (start === undefined) throw notNull(`${prefix}.start`);
  const end = readDate(hash.end, `${prefix}.end`);
  const schedule: Schedule = { unit, interval, anchors, shortMonths: anchors.length > 0 ? 'skip' : 'clamp', start };
  if (end !== undefined) schedule.end = end;
  if (read.maxOccurrences !== undefined) schedule.maxOccurrences = read.maxOccurrences;
  if (read.maxAmount !== undefined) schedule.maxAmount = read.maxAmount;
  for (const problem of scheduleProblems(schedule, { amount: read.amount })) {
    if (problem.code === 'no_occurrences') throw apError(read.update ? 'update_results_in_no_occurrences' : 'no_occurrences_for_schedule');
    if (problem.code === 'below_amount') throw invalidData(prefix === 'recur' ? 'recur.max_amount' : 'max_amount', 'below_minimum_value', 'Max amount is less than the amount');
    throw invalidData(`${prefix}.${WIRE_FIELDS[problem.field] ?? problem.field}`, 'invalid', `${WIRE_FIELDS[problem.field] ?? problem.field} ${problem.message}`);
  }
  return schedule;
}

const WIRE_FIELDS: Record<string, string> = { unit: 'interval_unit', interval: 'interval_delay', anchors: 'days', maxOccurrences: 'max_occurrences', maxAmount: 'max_amount' };

/** max_occurrences and max_amount of a body (or recur hash): whole numbers of at least 1. */
export function readCaps(hash: Body, prefix: string): { maxOccurrences?: number; maxAmount?: number } {
  const context = (field: string) => (prefix ? `${prefix}.${field}` : field);
  const maxOccurrences = readInteger(hash.max_occurrences, context('max_occurrences'));
  if (maxOccurrences !== undefined && maxOccurrences < 1) throw invalidData(context('max_occurrences'), 'below_minimum_value', 'Max occurrences is less than the minimum value');
  const maxAmount = readAmount(hash.max_amount, context('max_amount'));
  return { ...(maxOccurrences !== undefined ? { maxOccurrences } : {}), ...(maxAmount !== undefined ? { maxAmount } : {}) };
}

/** The schedule hash of a recurring charge. */
export function renderSchedule(schedule: Schedule): Record<string, unknown> {
  const out: Record<string, unknown> = { interval_unit: WIRE_UNITS[schedule.unit] ?? schedule.unit.toUpperCase(), interval_delay: schedule.interval, start: schedule.start };
  if (schedule.end !== undefined) out.end = schedule.end;
  if (schedule.anchors.length > 0) {
    out.days = schedule.anchors.map((a) => (a.kind === 'lastDayOfMonth' ? 'LAST' : a.kind === 'weekday' ? String(a.weekday) : a.kind === 'dayOfMonth' ? String(a.day) : ''));
  }
  return out;
}

export function readData(body: Body): unknown {
  if (body.data === undefined || body.data === null) return undefined;
  if (typeof body.data !== 'object') throw invalidData('data', 'invalid', 'Data is invalid');
  return body.data;
}

/** Core refusals about a recurring charge or occurrence in AffiniPay's words. */
export function recurringRefusal(error: unknown, kind: 'card' | 'bank' = 'card'): unknown {
  if (!(error instanceof DomainError)) return error;
  if (error.code === ErrorCode.ILLEGAL_TRANSITION) return apError('unavailable_for_current_status');
  if (error.code === ErrorCode.NOT_FOUND && reasonOf(error) === 'no_occurrence') return notFoundError();
  if (error.code === ErrorCode.NOT_FOUND) return apError(kind === 'bank' ? 'no_bank_details_or_token_present' : 'no_card_details_or_token_present');
  return error;
}

/** The door's fields on each charge of a recurring charge (its data). */
export function chargeFields(account: MerchantAccount, reference: string | undefined, data: unknown): RecurringInput['charge'] {
  return { accountId: account.id, orderId: reference ?? null, vendorData: data === undefined ? {} : { [VENDOR]: { data } } };
}
