import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { contextForStore } from '../../engine/context.ts';
import { verifyStore } from '../../engine/maintenance/verify-store.ts';
import { migrate, openStore, type Store } from '../database.ts';
import { listAccountSummaries } from '../queries/api/list-account-summaries.ts';
import { findModelCalibration, upsertModelCalibration } from '../queries/learning/calibration-rows.ts';
import { insertLearningRun, listLearningRuns } from '../queries/learning/learning-run-rows.ts';
import { TEST_PG_URL, TEST_STORE_KINDS, type TestStoreKind } from '../test-stores.ts';
import { migrateUpTo } from './fixtures/migrate-up-to.ts';
import { PREVIOUS_RELEASE_MIGRATION, RELEASE_005_ROWS } from './fixtures/release-005-rows.ts';
import { MIGRATIONS } from './index.ts';

/**
 * A database written by the previous release (every migration up to 005-auth) is upgraded by the
 * normal `migrate()`: every row of every table keeps its values, and the new tables work.
 */
const FIXTURE = readFileSync(join(import.meta.dirname, 'fixtures', 'release-005.sql'), 'utf8');
const NEWER = MIGRATIONS.slice(MIGRATIONS.findIndex((m) => m.name === PREVIOUS_RELEASE_MIGRATION) + 1).map(
  (m) => m.name,
);
const TABLES = Object.keys(RELEASE_005_ROWS);
type Row = Record<string, unknown>;

/** An empty store without migrations: in-memory SQLite, or a new PostgreSQL schema dropped by close(). */
async function openBareStore(kind: TestStoreKind): Promise<Store> {
  if (kind === 'sqlite') return openStore({ url: ':memory:', migrate: false });
  if (!TEST_PG_URL) throw new Error('VIGIL_TEST_DATABASE_URL is not set: PostgreSQL tests cannot run');
  const schema = `vigil_upgrade_${randomBytes(6).toString('hex')}`;
  const store = await openStore({ url: TEST_PG_URL, pgSchema: schema, poolSize: 2, migrate: false });
  return {
    ...store,
    close: async () => {
      await sql.raw(`drop schema if exists "${schema}" cascade`).execute(store.db);
      await store.close();
    },
  };
}

/** Table name → column names, for this store's own tables (PostgreSQL: its own schema only). */
async function columnsByTable(store: Store): Promise<Map<string, string[]>> {
  const schema =
    store.dialect === 'postgres'
      ? (await sql<{ s: string }>`select current_schema() as s`.execute(store.db)).rows[0]?.s
      : undefined;
  const tables = await store.db.introspection.getTables();
  return new Map(
    tables
      .filter((t) => !t.isView && (store.dialect === 'sqlite' || t.schema === schema))
      .map((t) => [t.name, t.columns.map((c) => c.name).sort()]),
  );
}

/** Every row of the previous release's tables, old columns only, in a stable order. */
async function snapshot(store: Store): Promise<Record<string, Row[]>> {
  const out: Record<string, Row[]> = {};
  for (const table of [...TABLES, 'vigil_migrations']) {
    const cols =
      table === 'vigil_migrations' ? ['name', 'applied_at'] : Object.keys(RELEASE_005_ROWS[table]![0]!);
    const r =
      await sql<Row>`select ${sql.join(cols.map((c) => sql.ref(c)))} from ${sql.table(table)} order by ${sql.join(
        cols.map((c) => sql.ref(c)),
      )}`.execute(store.db);
    out[table] = r.rows;
  }
  return out;
}

const canonical = (rows: Row[]) =>
  rows
    .map((r) =>
      JSON.stringify(
        Object.keys(r)
          .sort()
          .map((k) => [k, r[k]]),
      ),
    )
    .sort();

async function seed(store: Store) {
  for (const [table, rows] of Object.entries(RELEASE_005_ROWS))
    await store.db
      .insertInto(table as never)
      .values(rows as never)
      .execute();
}

/** The data part of the SQL dump: one INSERT per row (portable to PostgreSQL). */
const fixtureInserts = () =>
  (FIXTURE.split('\n-- data\n')[1] ?? '').split(/\n(?=INSERT INTO )/).filter((s) => s.trim() !== '');

/** What must hold after an upgrade, whichever way the old database was made. */
async function expectUpgradedIntact(store: Store, before: Record<string, Row[]>) {
  const applied = await migrate(store);
  expect(applied).toEqual(NEWER);
  expect(NEWER.length).toBeGreaterThan(0);
  const after = await snapshot(store);
  for (const table of TABLES) {
    expect(after[table], table).toEqual(before[table]);
    // the values the previous release wrote, exactly
    expect(canonical(after[table]!), table).toEqual(canonical(RELEASE_005_ROWS[table]!));
  }
  expect((after.vigil_migrations ?? []).map((r) => r.name)).toEqual(MIGRATIONS.map((m) => m.name));
  expect(await migrate(store)).toEqual([]);

  // the new tables work
  await upsertModelCalibration(store, {
    modelVersion: 1,
    horizonDays: 90,
    slope: -0.061,
    intercept: 2.4,
    rows: 1234,
    fittedFrom: '2025-01-01',
    fittedTo: '2026-10-01',
    createdAt: '2026-11-03T00:00:00.000Z',
  });
  expect(await findModelCalibration(store, 1, 90)).toMatchObject({
    slope: -0.061,
    intercept: 2.4,
    rows: 1234,
  });
  const runId = await insertLearningRun(store, {
    kind: 'backtest',
    modelVersion: 1,
    horizonDays: 90,
    createdAt: '2026-11-03T00:00:00.000Z',
    createdBy: 'admin',
    summary: { auc: 0.81 },
    report: { rows: 1234 },
  });
  expect(await listLearningRuns(store)).toEqual([
    {
      id: runId,
      kind: 'backtest',
      modelVersion: 1,
      horizonDays: 90,
      createdAt: '2026-11-03T00:00:00.000Z',
      summary: { auc: 0.81 },
    },
  ]);

  // today's code reads the old rows: the portfolio list and `vigil verify`
  const list = await listAccountSummaries(
    store,
    { userId: 'admin', role: 'admin' },
    { asOf: '2026-11-02', sort: 'score', limit: 50, offset: 0 },
  );
  // acct-002 churned: only acct-001 has a live contract
  expect(list.items).toMatchObject([
    { id: 'acct-001', name: 'Acme Logistics GmbH', score: 58.5, band: 'at-risk', arr: 120000.5, seats: 40 },
  ]);
  const all = await listAccountSummaries(
    store,
    { userId: 'admin', role: 'admin' },
    { asOf: '2026-11-02', sort: 'score', limit: 50, offset: 0, includeFormer: true },
  );
  expect(all.items.map((a) => [a.id, a.name])).toEqual([
    ['acct-001', 'Acme Logistics GmbH'],
    ['acct-002', "O'Brien & Söhne — Café Chain"],
  ]);
  const verify = await verifyStore(contextForStore(store));
  expect(verify.checks.filter((c) => !c.ok)).toEqual([]);
}

describe.each(TEST_STORE_KINDS)('upgrading a %s database from the previous release', (kind) => {
  it('migrated with migrateUpTo(005-auth) and filled, keeps every row of every table after migrate()', async () => {
    const store = await openBareStore(kind);
    try {
      expect(await migrateUpTo(store, PREVIOUS_RELEASE_MIGRATION)).toEqual(
        MIGRATIONS.slice(0, MIGRATIONS.length - NEWER.length).map((m) => m.name),
      );
      // the fixture covers every table and every column the previous release had
      const old = await columnsByTable(store);
      old.delete('vigil_migrations');
      expect([...old.keys()].sort()).toEqual([...TABLES].sort());
      for (const [table, cols] of old)
        for (const row of RELEASE_005_ROWS[table]!) expect(Object.keys(row).sort(), table).toEqual(cols);
      await seed(store);
      const before = await snapshot(store);
      for (const table of TABLES) expect(before[table]!.length, table).toBe(RELEASE_005_ROWS[table]!.length);
      await expectUpgradedIntact(store, before);
    } finally {
      await store.close();
    }
  });

  it('loaded from the committed dump release-005.sql, migrates to latest without loss', async () => {
    const store = await openBareStore(kind);
    try {
      if (store.sqlite) {
        // the dump carries the previous release's own schema
        store.sqlite.exec(FIXTURE);
        const reference = await openBareStore('sqlite');
        await migrateUpTo(reference, PREVIOUS_RELEASE_MIGRATION);
        const schemaOf = (s: Store) =>
          (
            (s.sqlite
              ?.prepare('select name, sql from sqlite_master where sql is not null order by name')
              .all() ?? []) as { name: string; sql: string }[]
          ).map((o) => `${o.name}: ${o.sql.replace(/\s+/g, ' ')}`);
        // a shipped migration that was edited since would show here
        expect(schemaOf(store)).toEqual(schemaOf(reference));
        await reference.close();
      } else {
        // PostgreSQL: the previous release's migrations, then the dump's rows
        await migrateUpTo(store, PREVIOUS_RELEASE_MIGRATION);
        await sql`delete from vigil_migrations`.execute(store.db);
        await store.db.transaction().execute(async (trx) => {
          for (const statement of fixtureInserts()) await sql.raw(statement).execute(trx);
        });
      }
      const inserts = fixtureInserts();
      const before = await snapshot(store);
      for (const table of TABLES)
        expect(before[table]!.length, table).toBe(
          inserts.filter((s) => s.startsWith(`INSERT INTO "${table}" `)).length,
        );
      expect(before.vigil_migrations?.map((r) => r.name)).toEqual(
        MIGRATIONS.slice(0, MIGRATIONS.length - NEWER.length).map((m) => m.name),
      );
      await expectUpgradedIntact(store, before);
    } finally {
      await store.close();
    }
  });
});
