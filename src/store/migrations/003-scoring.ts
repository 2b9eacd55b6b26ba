import type { Kysely } from 'kysely';
import type { DialectName } from './dialect-helpers.ts';

/** Portfolio lists show trend and top driver without parsing every score's JSON. */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema.alterTable('current_scores').addColumn('trend_30', 'double precision').execute();
  await db.schema.alterTable('current_scores').addColumn('top_driver', 'text').execute();
  await db.schema.createIndex('scores_as_of').on('scores').columns(['as_of', 'account_id']).execute();
  await db.schema.createIndex('current_scores_score').on('current_scores').column('score').execute();
}
