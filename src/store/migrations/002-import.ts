import type { Kysely } from 'kysely';
import { type DialectName, zero } from './dialect-helpers.ts';

/** Import bookkeeping: per-file counts of changed and ignored rows, bytes, failure reason; reject kinds. */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  const s = db.schema;
  await s.alterTable('imports').addColumn('updated', 'bigint', zero).execute();
  await s.alterTable('imports').addColumn('ignored', 'bigint', zero).execute();
  await s.alterTable('imports').addColumn('bytes', 'bigint', zero).execute();
  await s.alterTable('imports').addColumn('error', 'text').execute();
  await s.alterTable('rejects').addColumn('kind', 'text').execute();
  await s.createIndex('rejects_import').on('rejects').column('import_id').execute();
}
