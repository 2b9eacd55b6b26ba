import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { openStore, type Store } from './database.ts';
import { MIGRATIONS } from './migrations/index.ts';

/**
 * The databases every storage test runs against: SQLite always, PostgreSQL when
 * VIGIL_TEST_DATABASE_URL is set. Under CI=true an unset/unreachable PostgreSQL
 * is an error (the test fails) rather than a silent skip.
 */
export type TestStoreKind = 'sqlite' | 'postgres';

export const TEST_PG_URL = process.env.VIGIL_TEST_DATABASE_URL ?? null;
export const TEST_STORE_KINDS: TestStoreKind[] =
  TEST_PG_URL || process.env.CI === 'true' ? ['sqlite', 'postgres'] : ['sqlite'];

/**
 * Opens a fresh, migrated, isolated store: an in-memory SQLite database or a
 * new PostgreSQL schema that `close()` drops.
 *
 * The PostgreSQL schema is a copy of a template schema migrated once per set of migrations
 * (`cloneMigratedSchema`): running the 16 migrations took 1–4 s per store on the shared test
 * machine and the suite opens well over a hundred; a copy takes a fraction of that.
 * `src/store/test-stores.test.ts` holds the copy to a freshly migrated schema, object by object.
 */
export async function openTestStore(kind: TestStoreKind): Promise<Store> {
  if (kind === 'sqlite') return openStore({ url: ':memory:' });
  if (!TEST_PG_URL)
    throw new Error('CI=true but VIGIL_TEST_DATABASE_URL is not set: PostgreSQL tests cannot run');
  const schema = `vigil_test_${randomBytes(6).toString('hex')}`;
  await cloneMigratedSchema(TEST_PG_URL, schema);
  const store = await openStore({ url: TEST_PG_URL, pgSchema: schema, poolSize: 4 });
  const close = store.close;
  return {
    ...store,
    close: async () => {
      await sql.raw(`drop schema if exists "${schema}" cascade`).execute(store.db);
      await close();
    },
  };
}

/** The template schema's name: changes whenever a migration is added or its code changes. */
export const TEMPLATE_SCHEMA = `vigil_tmpl_${createHash('sha256')
  .update(MIGRATIONS.map((m) => `${m.name}\n${m.up.toString()}`).join('\n'))
  .digest('hex')
  .slice(0, 12)}`;
const TEMPLATE_LOCK = 724_021;

const q = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Migrates the template schema once (whichever test process gets there first; the others wait). */
async function ensureTemplate(client: pg.Client, url: string): Promise<void> {
  const ready = async () =>
    (
      await client.query(
        `select count(*)::int as n from information_schema.tables where table_schema = $1 and table_name = 'vigil_migrations'`,
        [TEMPLATE_SCHEMA],
      )
    ).rows[0].n === 1 &&
    (await client.query(`select count(*)::int as n from ${q(TEMPLATE_SCHEMA)}.vigil_migrations`)).rows[0]
      .n === MIGRATIONS.length;
  if (await ready()) return;
  await client.query('select pg_advisory_lock($1)', [TEMPLATE_LOCK]);
  try {
    if (await ready()) return;
    await client.query(`drop schema if exists ${q(TEMPLATE_SCHEMA)} cascade`);
    const store = await openStore({ url, pgSchema: TEMPLATE_SCHEMA, poolSize: 1 });
    await store.close();
  } finally {
    await client.query('select pg_advisory_unlock($1)', [TEMPLATE_LOCK]);
  }
}

/**
 * Creates `schema` as a copy of the migrated template: every table with its columns, defaults,
 * constraints and indexes (`like … including all`), its own sequences (bigserial ids start where
 * the template's are), and the rows the migrations inserted, dated now — in one transaction.
 */
export async function cloneMigratedSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    templateShape ??= readTemplateShape(client, url);
    const { tables, serials } = await templateShape;
    const from = q(TEMPLATE_SCHEMA);
    const to = q(schema);
    const statements = [`create schema ${to}`];
    for (const t of tables)
      statements.push(`create table ${to}.${q(t)} (like ${from}.${q(t)} including all)`);
    for (const s of serials) {
      statements.push(
        `create sequence ${to}.${q(s.seq)} owned by ${to}.${q(s.t)}.${q(s.c)}`,
        `alter table ${to}.${q(s.t)} alter column ${q(s.c)} set default nextval('${to}.${q(s.seq)}'::regclass)`,
      );
      if (s.last !== null) statements.push(`select setval('${to}.${q(s.seq)}'::regclass, ${Number(s.last)})`);
    }
    for (const t of tables) statements.push(`insert into ${to}.${q(t)} select * from ${from}.${q(t)}`);
    // the copy's migrations ran now, as they would have in a freshly migrated schema (the database's
    // creation date, `databaseCreatedAt`, is when its first migration ran)
    statements.push(`update ${to}.vigil_migrations set applied_at = '${new Date().toISOString()}'`);
    await client.query(`begin;\n${statements.join(';\n')};\ncommit`);
  } catch (e) {
    templateShape = null;
    await client.query('rollback').catch(() => {});
    throw e;
  } finally {
    await client.end();
  }
}

type TemplateShape = {
  tables: string[];
  serials: { t: string; c: string; seq: string; last: string | null }[];
};
/** The template's tables and serial columns, read once per process (the template never changes). */
let templateShape: Promise<TemplateShape> | null = null;

async function readTemplateShape(client: pg.Client, url: string): Promise<TemplateShape> {
  await ensureTemplate(client, url);
  const tables = (
    await client.query<{ t: string }>(
      `select tablename as t from pg_tables where schemaname = $1 order by tablename`,
      [TEMPLATE_SCHEMA],
    )
  ).rows.map((r) => r.t);
  const serials = (
    await client.query<TemplateShape['serials'][number]>(
      `select c.table_name as t, c.column_name as c, s.relname as seq, ps.last_value::text as last
         from information_schema.columns c
         join pg_class s on s.oid = pg_get_serial_sequence(format('%I.%I', c.table_schema, c.table_name), c.column_name)::regclass
         join pg_sequences ps on ps.schemaname = c.table_schema and ps.sequencename = s.relname
        where c.table_schema = $1 and c.column_default like 'nextval(%'`,
      [TEMPLATE_SCHEMA],
    )
  ).rows;
  return { tables, serials };
}

/** The template database's name: like TEMPLATE_SCHEMA, changes with the migrations. */
export const TEMPLATE_DATABASE = TEMPLATE_SCHEMA.replace('vigil_tmpl_', 'vigil_tmpldb_');
const TEMPLATE_DATABASE_LOCK = 724_022;
const READY = 'migrated';

/**
 * A new, migrated PostgreSQL database of its own (for tests whose `vigil` processes take a whole
 * database URL) and how to drop it. It is created as a copy of a template database migrated once per
 * set of migrations (`create database … template …`: a file-level copy, the same schema, rows and
 * sequences; running the migrations on a fresh database took 1–4 s of each such test), with
 * `vigil_migrations.applied_at` set to now, as for the template schemas above.
 */
export async function createTestDatabase(prefix: string): Promise<{ url: string; drop(): Promise<void> }> {
  if (!TEST_PG_URL)
    throw new Error('CI=true but VIGIL_TEST_DATABASE_URL is not set: PostgreSQL tests cannot run');
  const base = TEST_PG_URL;
  const urlOf = (db: string) => base.replace(/\/[^/?]*(\?.*)?$/, (_, query) => `/${db}${query ?? ''}`);
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  try {
    await ensureTemplateDatabase(admin, urlOf(TEMPLATE_DATABASE));
    // a template may have no other session while it is copied: retry while another process still
    // holds one (only while it builds the template, under the lock)
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(`create database ${q(name)} template ${q(TEMPLATE_DATABASE)}`);
        break;
      } catch (e) {
        if (attempt >= 50 || !/being accessed by other users/.test((e as Error).message)) throw e;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } finally {
    await admin.end();
  }
  const url = urlOf(name);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('update vigil_migrations set applied_at = $1', [new Date().toISOString()]);
  } finally {
    await client.end();
  }
  return {
    url,
    drop: async () => {
      const a = new pg.Client({ connectionString: base });
      await a.connect();
      try {
        await a.query(`drop database if exists ${q(name)} with (force)`);
      } finally {
        await a.end();
      }
    },
  };
}

/** Migrates the template database once (under an advisory lock); its comment marks it complete. */
async function ensureTemplateDatabase(admin: pg.Client, url: string): Promise<void> {
  const ready = async () =>
    (
      await admin.query(
        `select shobj_description(oid, 'pg_database') as c from pg_database where datname = $1`,
        [TEMPLATE_DATABASE],
      )
    ).rows[0]?.c === READY;
  if (await ready()) return;
  await admin.query('select pg_advisory_lock($1)', [TEMPLATE_DATABASE_LOCK]);
  try {
    if (await ready()) return;
    await admin.query(`drop database if exists ${q(TEMPLATE_DATABASE)} with (force)`);
    await admin.query(`create database ${q(TEMPLATE_DATABASE)}`);
    const store = await openStore({ url, poolSize: 1 });
    await store.close();
    await admin.query(`comment on database ${q(TEMPLATE_DATABASE)} is '${READY}'`);
  } finally {
    await admin.query('select pg_advisory_unlock($1)', [TEMPLATE_DATABASE_LOCK]);
  }
}
