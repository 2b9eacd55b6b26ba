import type { ColumnDefinitionBuilder, CreateTableBuilder, Kysely } from 'kysely';
import { sql } from 'kysely';

export type DialectName = 'sqlite' | 'postgres';

/** An auto-incrementing integer primary key in either dialect. */
export function addAutoId<T extends string>(
  tb: CreateTableBuilder<T, never>,
  dialect: DialectName,
  name = 'id',
): CreateTableBuilder<T, never> {
  return dialect === 'sqlite'
    ? (tb.addColumn(name, 'integer', (c) => c.primaryKey().autoIncrement()) as CreateTableBuilder<T, never>)
    : (tb.addColumn(name, 'bigserial', (c) => c.primaryKey()) as CreateTableBuilder<T, never>);
}

export const notNull = (c: ColumnDefinitionBuilder) => c.notNull();
export const zero = (c: ColumnDefinitionBuilder) => c.notNull().defaultTo(0);
export const emptyJsonObject = (c: ColumnDefinitionBuilder) => c.notNull().defaultTo('{}');
export const emptyJsonArray = (c: ColumnDefinitionBuilder) => c.notNull().defaultTo('[]');

export async function detectDialect(db: Kysely<unknown>): Promise<DialectName> {
  try {
    await sql`select sqlite_version()`.execute(db);
    return 'sqlite';
  } catch {
    return 'postgres';
  }
}
