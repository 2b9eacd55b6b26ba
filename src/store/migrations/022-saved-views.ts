import type { Kysely } from 'kysely';
import type { DialectName } from './dialect-helpers.ts';

/**
 * Saved portfolio views: a named set of portfolio filters a user keeps (built-in views are not
 * stored; they live in `src/core/views/built-in-views.ts`). One name per owner.
 */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema
    .createTable('saved_views')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('filters', 'text', (c) => c.notNull()) // JSON ViewFilters
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('saved_views_owner_name')
    .on('saved_views')
    .columns(['owner', 'name'])
    .unique()
    .execute();
}
