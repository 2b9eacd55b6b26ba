import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { openStore } from './database.ts';
import { MIGRATIONS } from './migrations/index.ts';
import { storeLocation } from './store-location.ts';
import { createTestDatabase, openTestStore, TEMPLATE_SCHEMA, TEST_PG_URL } from './test-stores.ts';

/**
 * PostgreSQL test stores are copies of a migrated template schema (faster than migrating each):
 * the copy must be the same database as running every migration, object by object — columns,
 * defaults, constraints, indexes, sequences and the rows migrations insert.
 */
describe.skipIf(!TEST_PG_URL && process.env.CI !== 'true')('PostgreSQL test stores', () => {
  const describeSchema = async (client: pg.Client, schema: string) => {
    const strip = (s: string | null) => (s ?? '').split(`"${schema}".`).join('').split(`${schema}.`).join('');
    const columns = (
      await client.query(
        `select table_name, column_name, data_type, is_nullable, column_default, ordinal_position
           from information_schema.columns where table_schema = $1 order by table_name, ordinal_position`,
        [schema],
      )
    ).rows.map((r) => ({ ...r, column_default: strip(r.column_default) }));
    const indexes = (
      await client.query(
        `select tablename, indexname, indexdef from pg_indexes where schemaname = $1 order by tablename, indexdef`,
        [schema],
      )
    ).rows
      .map((r) => `${r.tablename}: ${strip(r.indexdef).replace(/INDEX \S+ ON/, 'INDEX ON')}`)
      .sort();
    const constraints = (
      await client.query(
        `select cl.relname as t, co.contype, pg_get_constraintdef(co.oid) as def
           from pg_constraint co join pg_class cl on cl.oid = co.conrelid join pg_namespace n on n.oid = cl.relnamespace
          where n.nspname = $1 order by 1, 2, 3`,
        [schema],
      )
    ).rows.map((r) => ({ ...r, def: strip(r.def) }));
    const sequences = (
      await client.query(
        `select sequencename, data_type, start_value, increment_by, last_value from pg_sequences where schemaname = $1 order by 1`,
        [schema],
      )
    ).rows;
    const rows: Record<string, unknown[]> = {};
    for (const { t } of (
      await client.query(`select tablename as t from pg_tables where schemaname = $1 order by 1`, [schema])
    ).rows) {
      rows[t] = (await client.query(`select * from "${schema}"."${t}" order by 1`)).rows.map((r) =>
        t === 'vigil_migrations' ? r.name : r,
      );
    }
    return { columns, indexes, constraints, sequences, rows };
  };

  it('a test store is the same schema as a freshly migrated one, and starts its ids at 1', async () => {
    const fresh = `vigil_fresh_${randomBytes(6).toString('hex')}`;
    const migrated = await openStore({ url: TEST_PG_URL!, pgSchema: fresh, poolSize: 1 });
    const copy = await openTestStore('postgres');
    const client = new pg.Client({ connectionString: TEST_PG_URL! });
    await client.connect();
    try {
      const schemaOf = storeLocation(copy)?.pgSchema ?? '';
      expect(schemaOf).toMatch(/^vigil_test_/);
      const a = await describeSchema(client, fresh);
      const b = await describeSchema(client, schemaOf);
      expect(a.columns.length).toBeGreaterThan(50);
      expect(a.indexes.length).toBeGreaterThan(10);
      expect(b.columns).toEqual(a.columns);
      expect(b.indexes).toEqual(a.indexes);
      expect(b.constraints).toEqual(a.constraints);
      expect(b.sequences).toEqual(a.sequences);
      expect(b.rows).toEqual(a.rows);
      // the copy's sequences are its own: an insert there does not move the template's
      const seq = b.sequences[0] as { sequencename: string } | undefined;
      if (seq) {
        const next = await client.query(`select nextval('"${schemaOf}"."${seq.sequencename}"') as n`);
        expect(Number(next.rows[0].n)).toBe(1);
        const tmpl = await client.query(
          `select last_value from pg_sequences where schemaname = $1 and sequencename = $2`,
          [TEMPLATE_SCHEMA, seq.sequencename],
        );
        expect(tmpl.rows[0].last_value).toBeNull();
      }
    } finally {
      await client.query(`drop schema if exists "${fresh}" cascade`);
      await client.end();
      await migrated.close();
      await copy.close();
    }
  });

  it('a test database is the same schema as a freshly migrated one, migrated as of its creation', async () => {
    const fresh = `vigil_fresh_${randomBytes(6).toString('hex')}`;
    const migrated = await openStore({ url: TEST_PG_URL!, pgSchema: fresh, poolSize: 1 });
    const created = new Date().toISOString();
    const db = await createTestDatabase('vigil_tdb');
    const client = new pg.Client({ connectionString: TEST_PG_URL! });
    const copy = new pg.Client({ connectionString: db.url });
    await client.connect();
    await copy.connect();
    try {
      const a = await describeSchema(client, fresh);
      const b = await describeSchema(copy, 'public');
      expect(a.columns.length).toBeGreaterThan(50);
      expect(b.columns).toEqual(a.columns);
      expect(b.indexes).toEqual(a.indexes);
      expect(b.constraints).toEqual(a.constraints);
      expect(b.sequences).toEqual(a.sequences);
      expect(b.rows).toEqual(a.rows);
      const applied = (await copy.query('select applied_at from vigil_migrations')).rows;
      expect(applied.length).toBe(MIGRATIONS.length);
      for (const r of applied) expect(r.applied_at >= created).toBe(true);
    } finally {
      await copy.end();
      await db.drop();
      await client.query(`drop schema if exists "${fresh}" cascade`);
      await client.end();
      await migrated.close();
    }
  });
});
