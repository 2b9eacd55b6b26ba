import type { Kysely } from 'kysely';
import type { DialectName } from './dialect-helpers.ts';

/**
 * The data-sources extents (first / last day, rows, accounts, active days per source) group the
 * events table by type and account, and by type and day. With (type, account_id, time) indexed,
 * both read a narrow covering index (the first in its order, with no sort) instead of the wide
 * event rows with their JSON properties (see docs/adr/0026).
 */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema
    .createIndex('events_type_account_time')
    .ifNotExists()
    .on('events')
    .columns(['type', 'account_id', 'time'])
    .execute();
}
