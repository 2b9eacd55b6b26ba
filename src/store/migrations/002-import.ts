import { type Kysely, sql } from 'kysely';
import { type DialectName, zero } from './dialect-helpers.ts';

/**
 * Import bookkeeping: per-file counts of changed and ignored rows, bytes,
 * failure reason; reject kinds. Usage rollups: usage_daily per account and
 * day; feature_monthly and user_monthly with active-day bitmasks. On SQLite
 * they are WITHOUT ROWID tables: keyed by their primary key alone, one
 * b-tree instead of a table plus an index.
 */
export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  const s = db.schema;
  await s.alterTable('imports').addColumn('updated', 'bigint', zero).execute();
  await s.alterTable('imports').addColumn('ignored', 'bigint', zero).execute();
  await s.alterTable('imports').addColumn('bytes', 'bigint', zero).execute();
  await s.alterTable('imports').addColumn('error', 'text').execute();
  await s.alterTable('rejects').addColumn('kind', 'text').execute();
  await s.createIndex('rejects_import').on('rejects').column('import_id').execute();
  // Per-feature and per-user activity are kept per month with a bitmask of the
  // active days (bit d-1 = day d): exact "which days", monthly counts. Against
  // daily rows this is ~10x fewer rows to write on import and to read when
  // scoring, and distinct users over any window stay exact.
  await s.dropTable('feature_daily').execute();
  await s.dropTable('user_daily').execute();
  const withoutRowid = dialect === 'sqlite' ? ' without rowid' : '';
  await sql
    .raw(
      `create table feature_monthly (account_id text not null, feature text not null, month text not null,
       days integer not null default 0, count bigint not null default 0,
       primary key (account_id, feature, month))${withoutRowid}`,
    )
    .execute(db);
  await sql
    .raw(
      `create table user_monthly (account_id text not null, contact_id text not null, month text not null,
       days integer not null default 0, events bigint not null default 0,
       primary key (account_id, contact_id, month))${withoutRowid}`,
    )
    .execute(db);
  if (dialect !== 'sqlite') return;
  await sql
    .raw(
      `create table usage_daily_new (account_id text not null, day text not null, logins integer not null default 0,
       events bigint not null default 0, integration_events integer not null default 0,
       primary key (account_id, day)) without rowid`,
    )
    .execute(db);
  await sql.raw('insert into usage_daily_new select * from usage_daily').execute(db);
  await sql.raw('drop table usage_daily').execute(db);
  await sql.raw('alter table usage_daily_new rename to usage_daily').execute(db);
}
