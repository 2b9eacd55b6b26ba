import type { Kysely } from 'kysely';
import type { DialectName } from './dialect-helpers.ts';

/**
 * The account's lifecycle stage next to its current score (core/lifecycle): churned accounts
 * leave the default lists and portfolio totals by a plain column filter, and keep the date.
 */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema.alterTable('current_scores').addColumn('lifecycle_stage', 'text').execute();
  await db.schema.alterTable('current_scores').addColumn('churned_on', 'text').execute();
  await db.schema
    .createIndex('current_scores_lifecycle')
    .on('current_scores')
    .column('lifecycle_stage')
    .execute();
}
