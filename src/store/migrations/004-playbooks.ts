import { type Kysely, sql } from 'kysely';
import {
  addAutoId,
  type DialectName,
  emptyJsonArray,
  emptyJsonObject,
  notNull,
  zero,
} from './dialect-helpers.ts';

/**
 * Playbooks, tasks and their audit-friendly history, cooldowns, and the
 * durable notification outbox with its delivery log.
 */
export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  const s = db.schema;
  await s
    .createTable('playbooks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', notNull)
    .addColumn('document', 'text', notNull)
    .addColumn('version', 'integer', zero)
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('source', 'text', notNull)
    .addColumn('updated_at', 'text', notNull)
    .execute();

  await s
    .createTable('tasks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', notNull)
    .addColumn('playbook_id', 'text')
    .addColumn('dedupe_key', 'text')
    .addColumn('title', 'text', notNull)
    .addColumn('checklist', 'text', emptyJsonArray)
    .addColumn('priority', 'text', notNull)
    .addColumn('owner', 'text')
    .addColumn('manager', 'text')
    .addColumn('status', 'text', notNull)
    .addColumn('reason', 'text')
    .addColumn('because', 'text')
    .addColumn('due', 'text')
    .addColumn('snoozed_until', 'text')
    .addColumn('snapshot', 'text', emptyJsonObject)
    .addColumn('created_at', 'text', notNull)
    .addColumn('updated_at', 'text', notNull)
    .addColumn('closed_at', 'text')
    .execute();
  // The database, not the code, guarantees one open task per condition per account:
  // two concurrent runs cannot both insert it.
  await sql`create unique index tasks_open_dedupe on tasks (dedupe_key) where status in ('open', 'snoozed') and dedupe_key is not null`.execute(
    db,
  );
  await s.createIndex('tasks_owner_status').on('tasks').columns(['owner', 'status']).execute();
  await s.createIndex('tasks_manager_status').on('tasks').columns(['manager', 'status']).execute();
  await s.createIndex('tasks_account').on('tasks').columns(['account_id', 'status']).execute();
  await s.createIndex('tasks_created').on('tasks').columns(['owner', 'created_at']).execute();

  await addAutoId(s.createTable('playbook_runs'), dialect)
    .addColumn('started_at', 'text', notNull)
    .addColumn('finished_at', 'text')
    .addColumn('kind', 'text', notNull)
    .addColumn('subjects', 'integer', zero)
    .addColumn('fired', 'integer', zero)
    .addColumn('held_out', 'integer', zero)
    .addColumn('suppressed', 'integer', zero)
    .addColumn('suppressed_by_reason', 'text', emptyJsonObject)
    .addColumn('by_playbook', 'text', emptyJsonObject)
    .addColumn('tasks_created', 'integer', zero)
    .addColumn('notifications_queued', 'integer', zero)
    .execute();

  await addAutoId(s.createTable('playbook_decisions'), dialect)
    .addColumn('run_id', 'bigint', notNull)
    .addColumn('at', 'text', notNull)
    .addColumn('playbook_id', 'text', notNull)
    .addColumn('account_id', 'text', notNull)
    .addColumn('owner', 'text')
    .addColumn('outcome', 'text', notNull)
    .addColumn('reason', 'text')
    .addColumn('score', 'double precision', notNull)
    .addColumn('band', 'text', notNull)
    .addColumn('because', 'text', notNull)
    .addColumn('task_id', 'text')
    .addColumn('alert', 'integer', zero)
    .execute();
  await s
    .createIndex('playbook_decisions_owner_at')
    .on('playbook_decisions')
    .columns(['owner', 'at'])
    .execute();
  await s
    .createIndex('playbook_decisions_playbook')
    .on('playbook_decisions')
    .columns(['playbook_id', 'outcome', 'at'])
    .execute();
  await s.createIndex('playbook_decisions_run').on('playbook_decisions').column('run_id').execute();

  await s
    .createTable('playbook_cooldowns')
    .addColumn('playbook_id', 'text', notNull)
    .addColumn('account_id', 'text', notNull)
    .addColumn('last_fired_at', 'text', notNull)
    .addColumn('until', 'text', notNull)
    .addPrimaryKeyConstraint('playbook_cooldowns_pk', ['playbook_id', 'account_id'])
    .execute();

  await addAutoId(s.createTable('outbox'), dialect)
    .addColumn('kind', 'text', notNull)
    .addColumn('target', 'text', notNull)
    .addColumn('payload', 'text', notNull)
    .addColumn('status', 'text', notNull)
    .addColumn('attempts', 'integer', zero)
    .addColumn('next_attempt_at', 'text', notNull)
    .addColumn('locked_by', 'text')
    .addColumn('locked_until', 'text')
    .addColumn('delivered_at', 'text')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', notNull)
    .addColumn('task_id', 'text')
    .execute();
  await s.createIndex('outbox_due').on('outbox').columns(['status', 'next_attempt_at']).execute();

  await addAutoId(s.createTable('deliveries'), dialect)
    .addColumn('outbox_id', 'bigint', notNull)
    .addColumn('attempt', 'integer', notNull)
    .addColumn('at', 'text', notNull)
    .addColumn('worker_id', 'text', notNull)
    .addColumn('ok', 'integer', notNull)
    .addColumn('status_code', 'integer')
    .addColumn('error', 'text')
    .addColumn('duration_ms', 'double precision', notNull)
    .execute();
  await s.createIndex('deliveries_outbox').on('deliveries').column('outbox_id').execute();
}
