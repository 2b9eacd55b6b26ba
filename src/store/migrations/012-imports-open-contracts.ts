import { type Kysely, sql } from 'kysely';
import { addAutoId, type DialectName, notNull } from './dialect-helpers.ts';

/**
 * Subscriptions as they are billed: `end_date` becomes nullable (an
 * open-ended subscription runs until cancelled; its renewal date is computed
 * from start and billing period, never a sentinel), with the billing period,
 * auto-renew and trial flags, and a status history per contract.
 */
export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  if (dialect === 'postgres') {
    await sql`alter table contracts alter column end_date drop not null`.execute(db);
    await db.schema.alterTable('contracts').addColumn('billing_period', 'text').execute();
    await db.schema
      .alterTable('contracts')
      .addColumn('auto_renew', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .alterTable('contracts')
      .addColumn('trial', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
  } else {
    // SQLite cannot drop NOT NULL in place: rebuild the table
    await sql`create table contracts_012 (
      id text primary key,
      account_id text not null,
      start_date text not null,
      end_date text,
      arr double precision not null,
      currency text not null,
      seats integer,
      plan text,
      products text not null default '[]',
      status text not null,
      churned_at text,
      churn_reason text,
      billing_period text,
      auto_renew integer not null default 0,
      trial integer not null default 0
    )`.execute(db);
    await sql`insert into contracts_012 (id, account_id, start_date, end_date, arr, currency, seats, plan, products, status, churned_at, churn_reason)
      select id, account_id, start_date, end_date, arr, currency, seats, plan, products, status, churned_at, churn_reason from contracts`.execute(
      db,
    );
    await sql`drop table contracts`.execute(db);
    await sql`alter table contracts_012 rename to contracts`.execute(db);
    await db.schema
      .createIndex('contracts_account')
      .on('contracts')
      .columns(['account_id', 'start_date'])
      .execute();
  }
  await addAutoId(db.schema.createTable('contract_status_history'), dialect)
    .addColumn('contract_id', 'text', notNull)
    .addColumn('status', 'text', notNull)
    /** The day the status took effect when the export says (churn date, start), else the import day. */
    .addColumn('effective_on', 'text', notNull)
    .addColumn('recorded_at', 'text', notNull)
    .execute();
  await db.schema
    .createIndex('contract_status_history_contract')
    .on('contract_status_history')
    .columns(['contract_id', 'id'])
    .execute();
}
