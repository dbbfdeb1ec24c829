// Who caused an event: the door, the source (api, a due-work run), the caller's address, the reason
// they gave and the parameters that mattered, as JSON (null for events recorded without one). An
// activity log is a view over the event log (ChargeDesk's /log/activity); the index serves it.
import type { Kysely } from 'kysely';
import type { Dialect } from './ddl.ts';

export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema.alterTable('events').addColumn('actor', 'text').execute();
  await db.schema.createIndex('events_object').on('events').columns(['tenant_id', 'object_type', 'object_id']).execute();
}
