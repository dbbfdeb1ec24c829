// A subscription's number of billings is its schedule's maxOccurrences; the duration column kept a
// second copy of the same fact, so it goes.
import type { Kysely } from 'kysely';
import type { Dialect } from './ddl.ts';

export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema.alterTable('subscriptions').dropColumn('duration').execute();
}
