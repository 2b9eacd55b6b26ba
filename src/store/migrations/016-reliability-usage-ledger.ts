import { type Kysely, sql } from 'kysely';
import type { DialectName } from './dialect-helpers.ts';

/**
 * The usage ledger: every usage event id that reached the rollups (files, NDJSON
 * and the API alike) is kept in `seen_events` with its account and its count,
 * in the same transaction as the rollup deltas. The primary key is the claim —
 * two imports of the same rows (even at the same time) add them once — and
 * `vigil verify` sums the ledger per account as an independent check of
 * `usage_daily`. A database that already held usage when this migration ran has
 * rows the ledger never saw, so `usage_ledger_state.complete` records whether
 * the ledger covers all stored usage (1) or started late (0).
 */
export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  if (dialect === 'sqlite') {
    // every imported usage row now lands here: keyed by its id alone (one
    // b-tree, not a table plus its primary-key index)
    await sql
      .raw('create table seen_events_new (id text primary key, account_id text, units bigint) without rowid')
      .execute(db);
    await sql.raw('insert into seen_events_new (id) select id from seen_events').execute(db);
    await sql.raw('drop table seen_events').execute(db);
    await sql.raw('alter table seen_events_new rename to seen_events').execute(db);
  } else {
    await db.schema.alterTable('seen_events').addColumn('account_id', 'text').execute();
    await db.schema.alterTable('seen_events').addColumn('units', 'bigint').execute();
  }
  const used = await sql<{
    n: number;
  }>`select count(*) as n from (select 1 from usage_daily limit 1) x`.execute(db);
  const complete = Number(used.rows[0]?.n ?? 0) === 0;
  await db.schema
    .createTable('usage_ledger_state')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('complete', 'integer', (c) => c.notNull())
    .execute();
  await sql`insert into usage_ledger_state (id, complete) values (1, ${complete ? 1 : 0})`.execute(db);
}
