import type { Kysely } from 'kysely';
import type { DialectName } from './dialect-helpers.ts';

/**
 * Durable jobs: heavy use-cases (backtest, train, backfill, cohorts, expansion) started through
 * `POST /v1/jobs` run in a worker thread; their state, progress and result live here so that
 * `GET /v1/jobs/:id` answers from any process, and a restart marks unfinished ones interrupted.
 */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema
    .createTable('jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('params', 'text', (c) => c.notNull()) // JSON
    .addColumn('status', 'text', (c) => c.notNull()) // queued | running | succeeded | failed | interrupted
    .addColumn('progress', 'text') // JSON: { phase, done?, total? }
    .addColumn('result', 'text') // JSON
    .addColumn('error', 'text') // JSON: { code, message }
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text')
    .addColumn('finished_at', 'text')
    .execute();
  await db.schema.createIndex('jobs_status').on('jobs').columns(['status', 'created_at']).execute();
}
