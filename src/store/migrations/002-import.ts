import { type Kysely, sql } from 'kysely';
import { type DialectName, zero } from './dialect-helpers.ts';

/**
 * Import bookkeeping: per-file counts of changed and ignored rows, bytes,
 * failure reason; reject kinds. On SQLite the daily rollups become WITHOUT
 * ROWID tables: keyed by their primary key alone, one b-tree instead of a
 * table plus an index, which halves the import's write work and the rollups'
 * size.
 */
export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  const s = db.schema;
  await s.alterTable('imports').addColumn('updated', 'bigint', zero).execute();
  await s.alterTable('imports').addColumn('ignored', 'bigint', zero).execute();
  await s.alterTable('imports').addColumn('bytes', 'bigint', zero).execute();
  await s.alterTable('imports').addColumn('error', 'text').execute();
  await s.alterTable('rejects').addColumn('kind', 'text').execute();
  await s.createIndex('rejects_import').on('rejects').column('import_id').execute();
  if (dialect !== 'sqlite') return;
  const tables = [
    [
      'usage_daily',
      `account_id text not null, day text not null, logins integer not null default 0,
       events bigint not null default 0, integration_events integer not null default 0,
       primary key (account_id, day)`,
    ],
    [
      'feature_daily',
      `account_id text not null, feature text not null, day text not null, count bigint not null default 0,
       primary key (account_id, feature, day)`,
    ],
    [
      'user_daily',
      `account_id text not null, contact_id text not null, day text not null, events bigint not null default 0,
       primary key (account_id, contact_id, day)`,
    ],
  ] as const;
  for (const [name, columns] of tables) {
    await sql.raw(`create table ${name}_new (${columns}) without rowid`).execute(db);
    await sql.raw(`insert into ${name}_new select * from ${name}`).execute(db);
    await sql.raw(`drop table ${name}`).execute(db);
    await sql.raw(`alter table ${name}_new rename to ${name}`).execute(db);
  }
}
