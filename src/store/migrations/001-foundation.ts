import type { Kysely } from 'kysely';
import {
  addAutoId,
  type DialectName,
  emptyJsonArray,
  emptyJsonObject,
  notNull,
  zero,
} from './dialect-helpers.ts';

export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  const s = db.schema;
  await s
    .createTable('accounts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', notNull)
    .addColumn('segment', 'text', notNull)
    .addColumn('industry', 'text')
    .addColumn('owner', 'text')
    .addColumn('parent_id', 'text')
    .addColumn('lifecycle_stage', 'text')
    .addColumn('created_at', 'text')
    .addColumn('traits', 'text', emptyJsonObject)
    .addColumn('tags', 'text', emptyJsonArray)
    .addColumn('updated_at', 'text', notNull)
    .execute();
  await s.createIndex('accounts_owner').on('accounts').column('owner').execute();

  await s
    .createTable('contracts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', notNull)
    .addColumn('start_date', 'text', notNull)
    .addColumn('end_date', 'text', notNull)
    .addColumn('arr', 'double precision', notNull)
    .addColumn('currency', 'text', notNull)
    .addColumn('seats', 'integer')
    .addColumn('plan', 'text')
    .addColumn('products', 'text', emptyJsonArray)
    .addColumn('status', 'text', notNull)
    .addColumn('churned_at', 'text')
    .addColumn('churn_reason', 'text')
    .execute();
  await s.createIndex('contracts_account').on('contracts').columns(['account_id', 'start_date']).execute();

  await s
    .createTable('contacts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', notNull)
    .addColumn('email', 'text')
    .addColumn('name', 'text')
    .addColumn('title', 'text')
    .addColumn('role', 'text', notNull)
    .addColumn('joined_at', 'text')
    .addColumn('left_at', 'text')
    .execute();
  await s.createIndex('contacts_account').on('contacts').column('account_id').execute();

  await s
    .createTable('catalog_features')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text')
    .addColumn('core', 'integer', zero)
    .addColumn('add_on', 'integer', zero)
    .addColumn('list_price', 'double precision')
    .execute();

  await s
    .createTable('events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', notNull)
    .addColumn('contact_id', 'text')
    .addColumn('type', 'text', notNull)
    .addColumn('time', 'text', notNull)
    .addColumn('properties', 'text', emptyJsonObject)
    .addColumn('ingested_at', 'text', notNull)
    .execute();
  await s.createIndex('events_account_time').on('events').columns(['account_id', 'time']).execute();

  await s
    .createTable('usage_daily')
    .addColumn('account_id', 'text', notNull)
    .addColumn('day', 'text', notNull)
    .addColumn('logins', 'integer', zero)
    .addColumn('events', 'bigint', zero)
    .addColumn('integration_events', 'integer', zero)
    .addPrimaryKeyConstraint('usage_daily_pk', ['account_id', 'day'])
    .execute();
  await s
    .createTable('feature_daily')
    .addColumn('account_id', 'text', notNull)
    .addColumn('feature', 'text', notNull)
    .addColumn('day', 'text', notNull)
    .addColumn('count', 'bigint', zero)
    .addPrimaryKeyConstraint('feature_daily_pk', ['account_id', 'feature', 'day'])
    .execute();
  await s
    .createTable('user_daily')
    .addColumn('account_id', 'text', notNull)
    .addColumn('contact_id', 'text', notNull)
    .addColumn('day', 'text', notNull)
    .addColumn('events', 'bigint', zero)
    .addPrimaryKeyConstraint('user_daily_pk', ['account_id', 'contact_id', 'day'])
    .execute();
  await s
    .createTable('seen_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .execute();

  await addAutoId(s.createTable('imports'), dialect)
    .addColumn('path', 'text', notNull)
    .addColumn('sha256', 'text', notNull)
    .addColumn('kind', 'text', notNull)
    .addColumn('status', 'text', notNull)
    .addColumn('lines_done', 'bigint', zero)
    .addColumn('accepted', 'bigint', zero)
    .addColumn('duplicates', 'bigint', zero)
    .addColumn('rejected', 'bigint', zero)
    .addColumn('started_at', 'text', notNull)
    .addColumn('finished_at', 'text')
    .execute();
  await s.createIndex('imports_sha').on('imports').column('sha256').execute();

  await addAutoId(s.createTable('rejects'), dialect)
    .addColumn('import_id', 'bigint')
    .addColumn('source', 'text', notNull)
    .addColumn('line', 'bigint')
    .addColumn('field', 'text')
    .addColumn('reason', 'text', notNull)
    .addColumn('raw', 'text', notNull)
    .addColumn('created_at', 'text', notNull)
    .addColumn('resolved_at', 'text')
    .execute();

  await s
    .createTable('dirty_accounts')
    .addColumn('account_id', 'text', (c) => c.primaryKey())
    .addColumn('marked_at', 'text', notNull)
    .addColumn('version', 'bigint', zero)
    .addColumn('locked_by', 'text')
    .addColumn('locked_until', 'text')
    .execute();

  await s
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text')
    .addColumn('email', 'text')
    .addColumn('role', 'text', notNull)
    .addColumn('manager_id', 'text')
    .addColumn('password_hash', 'text')
    .addColumn('created_at', 'text', notNull)
    .addColumn('disabled_at', 'text')
    .execute();

  await s
    .createTable('models')
    .addColumn('version', 'integer', (c) => c.primaryKey())
    .addColumn('name', 'text', notNull)
    .addColumn('status', 'text', notNull)
    .addColumn('document', 'text', notNull)
    .addColumn('created_at', 'text', notNull)
    .addColumn('created_by', 'text')
    .addColumn('approved_at', 'text')
    .addColumn('approved_by', 'text')
    .addColumn('notes', 'text')
    .addColumn('backtest', 'text')
    .execute();

  const scoreColumns = <T extends string>(tb: import('kysely').CreateTableBuilder<T, never>) =>
    tb
      .addColumn('account_id', 'text', notNull)
      .addColumn('as_of', 'text', notNull)
      .addColumn('model_version', 'integer', notNull)
      .addColumn('score', 'double precision', notNull)
      .addColumn('band', 'text', notNull)
      .addColumn('coverage', 'double precision', notNull)
      .addColumn('detail', 'text', notNull)
      .addColumn('computed_at', 'text', notNull);
  await scoreColumns(s.createTable('scores'))
    .addPrimaryKeyConstraint('scores_pk', ['account_id', 'as_of', 'model_version'])
    .execute();
  await scoreColumns(s.createTable('current_scores'))
    .addColumn('previous_score', 'double precision')
    .addColumn('previous_band', 'text')
    .addColumn('override_score', 'double precision')
    .addPrimaryKeyConstraint('current_scores_pk', ['account_id'])
    .execute();

  await addAutoId(s.createTable('overrides'), dialect)
    .addColumn('account_id', 'text', notNull)
    .addColumn('score', 'double precision', notNull)
    .addColumn('reason', 'text', notNull)
    .addColumn('created_by', 'text', notNull)
    .addColumn('created_at', 'text', notNull)
    .addColumn('expires_at', 'text', notNull)
    .addColumn('revoked_at', 'text')
    .execute();
  await s.createIndex('overrides_account').on('overrides').column('account_id').execute();

  await addAutoId(s.createTable('audit_log'), dialect)
    .addColumn('at', 'text', notNull)
    .addColumn('actor', 'text', notNull)
    .addColumn('action', 'text', notNull)
    .addColumn('target', 'text')
    .addColumn('details', 'text', emptyJsonObject)
    .execute();

  await s
    .createTable('meta')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', notNull)
    .execute();
}
