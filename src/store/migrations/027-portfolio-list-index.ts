import type { Kysely } from 'kysely';
import type { DialectName } from './dialect-helpers.ts';

/**
 * The portfolio list (`GET /v1/accounts`) reads ten narrow columns of every visible account's
 * current score. In SQLite those rows also hold the score's `detail` JSON (~12 KB), and the columns
 * added after it (trend, top driver, lifecycle, churn date) sit behind its overflow pages: at
 * 10,000 accounts every list request walked ~120 MB of pages. A covering index on exactly the
 * list's columns (led by the join key) lets the list read ~1 MB instead (docs/adr/0037). In
 * PostgreSQL `detail` is TOASTed out of line; the index is the same and allows index-only scans.
 */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema
    .createIndex('current_scores_list')
    .ifNotExists()
    .on('current_scores')
    .columns([
      'account_id',
      'lifecycle_stage',
      'score',
      'band',
      'coverage',
      'trend_30',
      'previous_band',
      'model_version',
      'top_driver',
      'churned_on',
    ])
    .execute();
}
