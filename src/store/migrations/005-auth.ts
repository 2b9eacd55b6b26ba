import type { Kysely } from 'kysely';
import { type DialectName, notNull } from './dialect-helpers.ts';

/** Sessions, API keys, and the worker's crash-safe baseline and ledger tables. */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  const s = db.schema;
  await s
    .createTable('sessions')
    .addColumn('id_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', notNull)
    .addColumn('csrf', 'text', notNull)
    .addColumn('created_at', 'text', notNull)
    .addColumn('expires_at', 'text', notNull)
    .addColumn('last_seen_at', 'text', notNull)
    .addColumn('revoked_at', 'text')
    .execute();
  await s.createIndex('sessions_user').on('sessions').column('user_id').execute();

  await s
    .createTable('api_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', notNull)
    .addColumn('name', 'text', notNull)
    .addColumn('scope', 'text', notNull)
    .addColumn('secret_hash', 'text', notNull)
    .addColumn('created_at', 'text', notNull)
    .addColumn('last_used_at', 'text')
    .addColumn('revoked_at', 'text')
    .execute();

  await s
    .createTable('worker_baselines')
    .addColumn('account_id', 'text', (c) => c.primaryKey())
    .addColumn('score', 'double precision')
    .addColumn('band', 'text')
    .addColumn('created_at', 'text', notNull)
    .execute();

  await s
    .createTable('worker_ledger')
    .addColumn('account_id', 'text', notNull)
    .addColumn('marked_at', 'text', notNull)
    .addColumn('version', 'bigint', notNull)
    .addColumn('worker_id', 'text', notNull)
    .addColumn('processed_at', 'text', notNull)
    .addPrimaryKeyConstraint('worker_ledger_pk', ['account_id', 'marked_at', 'version'])
    .execute();
}
