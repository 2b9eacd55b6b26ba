import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { AppError } from '../core/errors.ts';
import { postgresCapabilities, type StoreCapabilities, sqliteCapabilities } from './capabilities.ts';
import type { StoreResources } from './contract.ts';
import type { DialectName } from './migrations/dialect-helpers.ts';
import { MIGRATIONS } from './migrations/index.ts';
import { accountsResource } from './resources/accounts.ts';
import { insertAudit } from './resources/audit.ts';
import { apiKeysResource, sessionsResource, usersResource } from './resources/auth.ts';
import { claimsResource, dirtyResource } from './resources/claims.ts';
import { eventsResource } from './resources/events.ts';
import { importsResource } from './resources/imports.ts';
import { ingestResource } from './resources/ingest.ts';
import { metaResource } from './resources/meta.ts';
import { modelsResource } from './resources/models.ts';
import { outboxResource } from './resources/outbox.ts';
import { overridesResource } from './resources/overrides.ts';
import { playbooksResource } from './resources/playbooks.ts';
import { scoresResource } from './resources/scores.ts';
import { tasksResource } from './resources/tasks.ts';
import { viewsResource } from './resources/views.ts';
import type { Database } from './schema.ts';

// int8 (bigint, count(*)) arrives as a string by default; our counts fit in a double.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));

/**
 * The handles behind a store. Query modules under src/store take a `Store` and use `db` (Kysely);
 * hot paths there may use `sqlite` (the raw better-sqlite3 handle) or `pool`.
 */
export type StoreHandles = {
  /**
   * @deprecated outside src/store: engine, api and cli use the typed resources
   * (`store.accounts`, `store.claims`, …). Kept while other areas move their SQL into src/store.
   */
  readonly db: Kysely<Database>;
  /** @deprecated outside src/store: ask `store.capabilities` instead of branching on the dialect. */
  readonly dialect: DialectName;
  readonly url: string;
  /** @deprecated outside src/store. */
  readonly sqlite: SqliteDatabase.Database | null;
  /** @deprecated outside src/store. */
  readonly pool: pg.Pool | null;
  close(): Promise<void>;
};

/**
 * An open Vigil database: the typed resources of the Store contract (src/store/contract.ts), the
 * dialect's capabilities, and (for src/store only) the handles.
 */
export type Store = StoreHandles & StoreResources;

/** Builds the one Kysely-backed implementation of every resource over a store's handles. */
export function withResources(handles: StoreHandles, capabilities: StoreCapabilities): Store {
  const store = { ...handles, capabilities } as Store;
  const { db } = handles;
  return Object.assign(store, {
    accounts: accountsResource(store, db),
    events: eventsResource(db),
    scores: scoresResource(db),
    overrides: overridesResource(db),
    models: modelsResource(store, db),
    tasks: tasksResource(db),
    users: usersResource(db),
    sessions: sessionsResource(db),
    apiKeys: apiKeysResource(db),
    audit: { insert: (entry: Parameters<typeof insertAudit>[1]) => insertAudit(db, entry) },
    imports: importsResource(store, db),
    dirty: dirtyResource(store),
    claims: claimsResource(store),
    playbooks: playbooksResource(db),
    meta: metaResource(db),
    views: viewsResource(db),
    ingest: ingestResource(store),
    outbox: outboxResource(store),
    async ping() {
      await db.selectFrom('meta').select('key').limit(1).execute();
    },
  } satisfies Omit<StoreResources, 'capabilities'>);
}

export type OpenStoreOptions = {
  /** A file path (SQLite, `:memory:` allowed) or `postgres://...`. */
  url: string;
  /** Run pending migrations (default true). */
  migrate?: boolean;
  /** SQLite page cache in MiB (default 256). */
  sqliteCacheMb?: number;
  /** PostgreSQL schema to use (tests isolate themselves this way). */
  pgSchema?: string;
  poolSize?: number;
};

export const isPostgresUrl = (url: string) => /^postgres(ql)?:\/\//.test(url);

export async function openStore(options: OpenStoreOptions): Promise<Store> {
  const { url } = options;
  let store: Store;
  if (isPostgresUrl(url)) {
    const pool = new pg.Pool({
      connectionString: url,
      max: options.poolSize ?? 10,
      ...(options.pgSchema ? { options: `-c search_path=${options.pgSchema}` } : {}),
    });
    // an idle connection that the server closes (restart, failover) must not crash the process
    pool.on('error', () => {});
    try {
      const client = await pool.connect();
      if (options.pgSchema) await client.query(`create schema if not exists "${options.pgSchema}"`);
      client.release();
    } catch (e) {
      await pool.end().catch(() => {});
      throw new AppError(
        'UNAVAILABLE',
        `cannot connect to PostgreSQL at ${redact(url)}: ${(e as Error).message}`,
      );
    }
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    store = withResources(
      { db, dialect: 'postgres', url, sqlite: null, pool, close: () => db.destroy() },
      postgresCapabilities(pool),
    );
  } else {
    if (url !== ':memory:') mkdirSync(dirname(resolve(url)), { recursive: true });
    const sqlite = new SqliteDatabase(url);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('busy_timeout = 10000');
    sqlite.pragma(`cache_size = -${Math.round((options.sqliteCacheMb ?? 256) * 1024)}`); // in KiB
    sqlite.pragma('temp_store = MEMORY');
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
    store = withResources(
      { db, dialect: 'sqlite', url, sqlite, pool: null, close: () => db.destroy() },
      sqliteCapabilities(sqlite),
    );
  }
  if (options.migrate !== false) await migrate(store);
  // usage a previous process staged and did not fold before it stopped (ADR 0036)
  if (options.migrate !== false) await store.ingest.recoverPending(new Date().toISOString());
  return store;
}

export const redact = (url: string) => url.replace(/\/\/([^:@/]+):([^@/]+)@/, '//$1:***@');

/** Applies pending migrations, each in its own transaction. Returns the names applied. */
export async function migrate(store: Store): Promise<string[]> {
  const { db } = store;
  await sql`create table if not exists vigil_migrations (name text primary key, applied_at text not null)`.execute(
    db,
  );
  const rows = await sql<{ name: string }>`select name from vigil_migrations`.execute(db);
  const done = new Set(rows.rows.map((r) => r.name));
  const applied: string[] = [];
  for (const m of MIGRATIONS) {
    if (done.has(m.name)) continue;
    await db.transaction().execute(async (trx) => {
      if (store.dialect === 'postgres') await sql`select pg_advisory_xact_lock(724001)`.execute(trx);
      const again = await sql<{
        name: string;
      }>`select name from vigil_migrations where name = ${m.name}`.execute(trx);
      if (again.rows.length > 0) return;
      await m.up(trx as unknown as Kysely<unknown>, store.dialect);
      await sql`insert into vigil_migrations (name, applied_at) values (${m.name}, ${new Date().toISOString()})`.execute(
        trx,
      );
      applied.push(m.name);
    });
  }
  return applied;
}
