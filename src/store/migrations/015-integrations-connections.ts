import type { Kysely } from 'kysely';
import { addAutoId, type DialectName, emptyJsonObject, notNull, zero } from './dialect-helpers.ts';

/**
 * Connections to other systems (CRM, Slack, Segment, Stripe): settings in
 * clear, secrets only encrypted (AES-GCM, key outside the database); a sync
 * log per connection; what was last pushed per account (changed accounts
 * only); inbound ids already applied (idempotent webhooks).
 */
export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  await db.schema
    .createTable('connections')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', notNull)
    .addColumn('name', 'text', notNull)
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('settings', 'text', emptyJsonObject)
    .addColumn('secrets', 'text', emptyJsonObject)
    .addColumn('source', 'text', notNull)
    .addColumn('created_at', 'text', notNull)
    .addColumn('updated_at', 'text', notNull)
    .addColumn('last_push_at', 'text')
    .addColumn('budget_day', 'text')
    .addColumn('budget_used', 'integer', zero)
    .addColumn('cursor', 'text')
    .execute();
  await addAutoId(db.schema.createTable('sync_log'), dialect)
    .addColumn('connection_id', 'text', notNull)
    .addColumn('operation', 'text', notNull)
    .addColumn('status', 'text', notNull)
    .addColumn('started_at', 'text', notNull)
    .addColumn('finished_at', 'text', notNull)
    .addColumn('records', 'integer', zero)
    .addColumn('succeeded', 'integer', zero)
    .addColumn('failed', 'integer', zero)
    .addColumn('unmatched', 'integer', zero)
    .addColumn('calls', 'integer', zero)
    .addColumn('message', 'text', notNull)
    .addColumn('details', 'text', emptyJsonObject)
    .execute();
  await db.schema
    .createIndex('sync_log_by_connection')
    .on('sync_log')
    .columns(['connection_id', 'id'])
    .execute();
  await db.schema
    .createTable('crm_push_state')
    .addColumn('connection_id', 'text', notNull)
    .addColumn('account_id', 'text', notNull)
    .addColumn('crm_id', 'text', notNull)
    .addColumn('values_key', 'text', notNull)
    .addColumn('pushed_at', 'text', notNull)
    .addPrimaryKeyConstraint('crm_push_state_pk', ['connection_id', 'account_id'])
    .execute();
  await db.schema
    .createTable('inbound_seen')
    .addColumn('source', 'text', notNull)
    .addColumn('id', 'text', notNull)
    .addColumn('at', 'text', notNull)
    .addPrimaryKeyConstraint('inbound_seen_pk', ['source', 'id'])
    .execute();
}
