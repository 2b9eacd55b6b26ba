// The import's chunk writes: a chunk of rows arrives from a parse thread as one JSON text, and on
// SQLite one statement per table reads it with json_each, so the writing thread builds no row
// objects and binds no per-row values. On PostgreSQL (or when a chunk holds an id seen before)
// the rows are parsed and written through the row-by-row paths of import-writes.ts and
// usage-ledger.ts, with the same result.
import type SqliteDatabase from 'better-sqlite3';
import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from '../schema.ts';
import { claimUsage } from './usage-ledger.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** Rollup deltas as JSON arrays of rows (see `UsageChunk` in the engine's parse-file.ts). */
export type UsageDeltasJson = { usage: string; feature: string; user: string };

const SQLITE = {
  claim: `insert into seen_events (id, account_id, units)
    select value->>0, value->>1, value->>2 from json_each(?) where true on conflict (id) do nothing`,
  usage: `insert into usage_daily (account_id, day, logins, events, integration_events)
    select value->>0, value->>1, value->>2, value->>3, value->>4 from json_each(?) where true
    on conflict (account_id, day) do update set logins = usage_daily.logins + excluded.logins,
    events = usage_daily.events + excluded.events,
    integration_events = usage_daily.integration_events + excluded.integration_events`,
  feature: `insert into feature_monthly (account_id, feature, month, days, count)
    select value->>0, value->>1, value->>2, value->>3, value->>4 from json_each(?) where true
    on conflict (account_id, feature, month) do update set days = feature_monthly.days | excluded.days,
    count = feature_monthly.count + excluded.count`,
  user: `insert into user_monthly (account_id, contact_id, month, days, events)
    select value->>0, value->>1, value->>2, value->>3, value->>4 from json_each(?) where true
    on conflict (account_id, contact_id, month) do update set days = user_monthly.days | excluded.days,
    events = user_monthly.events + excluded.events`,
  events: `insert into events (id, account_id, contact_id, type, time, properties, ingested_at)
    select value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, ? from json_each(?) where true
    on conflict (id) do nothing`,
  event: `insert into events (id, account_id, contact_id, type, time, properties, ingested_at)
    values (?, ?, ?, ?, ?, ?, ?) on conflict (id) do nothing`,
} as const;

type Statements = { [K in keyof typeof SQLITE]: SqliteDatabase.Statement };
const prepared = new WeakMap<SqliteDatabase.Database, Statements>();
function statements(sqlite: SqliteDatabase.Database): Statements {
  let s = prepared.get(sqlite);
  if (!s) {
    s = Object.fromEntries(Object.entries(SQLITE).map(([k, q]) => [k, sqlite.prepare(q)])) as Statements;
    prepared.set(sqlite, s);
  }
  return s;
}

/**
 * Runs `attempt` inside a savepoint and keeps it only when it returns true; otherwise nothing
 * of it is kept and `fallback` runs instead.
 */
function inSavepoint<T>(
  sqlite: SqliteDatabase.Database,
  attempt: () => boolean,
  fallback: () => T,
): T | true {
  sqlite.exec('savepoint import_chunk');
  let kept = false;
  try {
    kept = attempt();
  } finally {
    if (!kept) sqlite.exec('rollback to import_chunk');
    sqlite.exec('release import_chunk');
  }
  return kept ? true : fallback();
}

/**
 * Claims a chunk's usage ids in the ledger (`rows`: JSON `[id, accountId, units, …]` per row).
 * Returns true when every id was new (the common case: one statement on SQLite), else per row
 * whether it was new, exactly as `claimUsage` (the first row of a repeated id gets it).
 */
export async function claimUsageJson(
  db: Db,
  sqlite: SqliteDatabase.Database | null,
  rows: string,
  n: number,
): Promise<true | boolean[]> {
  const slow = async () => {
    const parsed = JSON.parse(rows) as [string, string, number][];
    return claimUsage(
      db,
      parsed.map((r) => ({ id: r[0], accountId: r[1], units: r[2] })),
      sqlite,
    );
  };
  if (!sqlite) return slow();
  const st = statements(sqlite);
  const r = inSavepoint(
    sqlite,
    () => st.claim.run(rows).changes === n,
    () => null,
  );
  return r === true ? true : slow();
}

/** Adds a chunk's rollup deltas onto the stored rollups (counts add, active-day masks OR). */
export async function addUsageDeltasJson(
  db: Db,
  sqlite: SqliteDatabase.Database | null,
  d: UsageDeltasJson,
): Promise<void> {
  if (sqlite) {
    const st = statements(sqlite);
    st.usage.run(d.usage);
    st.feature.run(d.feature);
    st.user.run(d.user);
    return;
  }
  const specs = [
    ['usage_daily', ['account_id', 'day', 'logins', 'events', 'integration_events'], d.usage],
    ['feature_monthly', ['account_id', 'feature', 'month', 'days', 'count'], d.feature],
    ['user_monthly', ['account_id', 'contact_id', 'month', 'days', 'events'], d.user],
  ] as const;
  for (const [table, cols, json] of specs) {
    // keys in order, so concurrent writers lock rollup rows alike: no deadlock
    const rows = (JSON.parse(json) as (string | number)[][]).sort(compareKeys);
    const onConflict =
      table === 'usage_daily'
        ? `on conflict (account_id, day) do update set logins = usage_daily.logins + excluded.logins,
           events = usage_daily.events + excluded.events,
           integration_events = usage_daily.integration_events + excluded.integration_events`
        : table === 'feature_monthly'
          ? `on conflict (account_id, feature, month) do update set days = feature_monthly.days | excluded.days,
             count = feature_monthly.count + excluded.count`
          : `on conflict (account_id, contact_id, month) do update set days = user_monthly.days | excluded.days,
             events = user_monthly.events + excluded.events`;
    for (let i = 0; i < rows.length; i += 1000) {
      const values = sql.join(rows.slice(i, i + 1000).map((r) => sql`(${sql.join(r)})`));
      await sql`insert into ${sql.raw(table)} (${sql.raw(cols.join(', '))}) values ${values} ${sql.raw(onConflict)}`.execute(
        db,
      );
    }
  }
}

function compareKeys(a: (string | number)[], b: (string | number)[]): number {
  for (let i = 0; i < 3; i++) {
    const x = String(a[i]);
    const y = String(b[i]);
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/**
 * Inserts a chunk of timeline events (`rows`: JSON `[id, accountId, contactId, type, time,
 * propertiesJson]` per row); an id seen before is a duplicate and changes nothing. `accountIds`
 * is 'all' when every event was new (then the chunk's own account list applies).
 */
export async function insertEventsJson(
  db: Db,
  sqlite: SqliteDatabase.Database | null,
  rows: string,
  n: number,
  at: string,
): Promise<{ inserted: number; accountIds: string[] | 'all' }> {
  const oneByOne = async () => {
    const parsed = JSON.parse(rows) as [string, string, string | null, string, string, string][];
    const accountIds: string[] = [];
    if (sqlite) {
      const st = statements(sqlite).event;
      for (const r of parsed)
        if (st.run(r[0], r[1], r[2], r[3], r[4], r[5], at).changes > 0) accountIds.push(r[1]);
      return { inserted: accountIds.length, accountIds };
    }
    for (let i = 0; i < parsed.length; i += 300) {
      const inserted = await db
        .insertInto('events')
        .values(
          parsed.slice(i, i + 300).map((r) => ({
            id: r[0],
            account_id: r[1],
            contact_id: r[2],
            type: r[3],
            time: r[4],
            properties: r[5],
            ingested_at: at,
          })),
        )
        .onConflict((oc) => oc.column('id').doNothing())
        .returning(['account_id'])
        .execute();
      for (const x of inserted) accountIds.push(x.account_id);
    }
    return { inserted: accountIds.length, accountIds };
  };
  if (!sqlite) return oneByOne();
  const st = statements(sqlite);
  const r = inSavepoint(
    sqlite,
    () => st.events.run(at, rows).changes === n,
    () => null,
  );
  return r === true ? { inserted: n, accountIds: 'all' } : oneByOne();
}
