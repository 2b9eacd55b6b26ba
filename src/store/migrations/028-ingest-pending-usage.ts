import type { Kysely } from 'kysely';
import { addAutoId, type DialectName } from './dialect-helpers.ts';

/**
 * Usage events accepted by HTTP ingestion under load and not yet added to the rollups (ADR 0036).
 * One row per committed group: its usage rows as a compact JSON array. The row is written in the
 * same transaction that claims the events' ids (so the answer comes after a durable commit);
 * a later "fold" transaction adds them to usage_daily / feature_monthly / user_monthly, marks the
 * accounts dirty and deletes the row — exactly once (delete … returning).
 */
export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  await addAutoId(db.schema.createTable('ingest_pending_usage'), dialect, 'seq')
    .addColumn('events', 'integer', (c) => c.notNull())
    .addColumn('rows', 'text', (c) => c.notNull())
    .addColumn('staged_at', 'text', (c) => c.notNull())
    .execute();
}
