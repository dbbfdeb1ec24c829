// Every migration, in the order it runs. A migration file is named for what it changes; its place
// in this list is its order, so two branches that each add one meet here (a merge conflict to
// decide), not in a numeric file-name race. The first four keep the names databases recorded.
import type { Kysely } from 'kysely';
import type { Dialect } from './ddl.ts';
import * as core from './001_core.ts';
import * as chargeover from './002_chargeover.ts';
import * as fluidpay from './003_fluidpay.ts';
import * as moneyFlows from './004_money_flows.ts';
import * as externalReferences from './external_references.ts';
import * as oneAddressModel from './one_address_model.ts';
import * as invoiceLevelTax from './invoice_level_tax.ts';
import * as neutralSchedules from './neutral_schedules.ts';
import * as dropSubscriptionDuration from './drop_subscription_duration.ts';
import * as notes from './notes.ts';
import * as webhooks from './webhooks.ts';
import * as eventActor from './event_actor.ts';
import * as objectModes from './object_modes.ts';
import * as recurringEngine from './recurring_engine.ts';
import * as listIndexes from './list_indexes.ts';
import * as recurringCharges from './recurring_charges.ts';
import * as dueNotices from './due_notices.ts';
import * as transactionCounts from './transaction_counts.ts';

type Up = (db: Kysely<unknown>, dialect: Dialect) => Promise<void>;

const LEGACY: ReadonlyArray<[string, Up]> = [
  ['001_core', core.up],
  ['002_chargeover', chargeover.up],
  ['003_fluidpay', fluidpay.up],
  ['004_money_flows', moneyFlows.up],
];

const ORDERED: ReadonlyArray<[string, Up]> = [
  ['external_references', externalReferences.up],
  ['one_address_model', oneAddressModel.up],
  ['invoice_level_tax', invoiceLevelTax.up],
  ['neutral_schedules', neutralSchedules.up],
  ['drop_subscription_duration', dropSubscriptionDuration.up],
  ['notes', notes.up],
  ['webhooks', webhooks.up],
  ['event_actor', eventActor.up],
  ['object_modes', objectModes.up],
  ['recurring_engine', recurringEngine.up],
  ['list_indexes', listIndexes.up],
  ['recurring_charges', recurringCharges.up],
  ['due_notices', dueNotices.up],
  ['transaction_counts', transactionCounts.up],
];

/** Migration names as recorded in the database (position-prefixed, so they sort in list order). */
export function migrations(): Array<[string, Up]> {
  return [...LEGACY, ...ORDERED.map(([name, up], i): [string, Up] => [`${String(LEGACY.length + i + 1).padStart(3, '0')}_${name}`, up])];
}
