import type { Kysely } from 'kysely';
import type { DialectName } from './dialect-helpers.ts';

/**
 * Scheduled CRM reads: when a connection's last read was claimed (the worker reads a connection
 * whose `read.intervalMinutes` has passed; the claim is one conditional update, so two workers
 * never read the same connection at once).
 */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema.alterTable('connections').addColumn('last_read_at', 'text').execute();
}
