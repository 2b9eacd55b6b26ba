import type { Kysely } from 'kysely';
import type { DialectName } from './dialect-helpers.ts';

/**
 * Rescoring priority: an account touched by what people do (a CSM note or
 * sentiment, a ticket, a meeting, an override) is claimed before accounts
 * that only saw more product usage, so a person's input shows in the score
 * first even while a usage firehose keeps every account dirty.
 */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema
    .alterTable('dirty_accounts')
    .addColumn('priority', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createIndex('dirty_accounts_claim_order')
    .on('dirty_accounts')
    .columns(['priority', 'marked_at'])
    .execute();
}
