import { type Kysely, sql, type Transaction } from 'kysely';
import type { Account, CatalogFeature, Contact, Contract, User } from '../../core/data-model/entities.ts';
import type { VigilEvent } from '../../core/data-model/events.ts';
import type { UsageRow } from '../../core/import/map-row.ts';
import type { UsageDeltas, UsageRollup } from '../../core/import/usage-rollup.ts';
import type { Store } from '../database.ts';
import type { Database } from '../schema.ts';
import { claimUsage } from './usage-ledger.ts';

type Db = Kysely<Database> | Transaction<Database>;
const CHUNK = 400;

function* chunks<T>(rows: T[], size = CHUNK): Generator<T[]> {
  for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
}

export type EntityWriteResult = { inserted: number; updated: number; unchanged: number };

const stable = (v: unknown) => JSON.stringify(v);

/**
 * Upserts entity rows by id and reports which were new, changed or identical
 * (re-importing the same data changes nothing and says so). A row that
 * repeats an id earlier in the same batch is counted too: identical to the
 * earlier row, it is unchanged (a duplicate); different, it is an update (the
 * last row wins). So every row lands in exactly one of the three counts.
 */
async function upsertRows<R extends { id: string }>(
  db: Db,
  table: 'accounts' | 'contracts' | 'contacts' | 'users',
  rows: R[],
  compare: (keyof R & string)[],
): Promise<EntityWriteResult & { changedIds: string[]; previous: Map<string, R> }> {
  const result = {
    inserted: 0,
    updated: 0,
    unchanged: 0,
    changedIds: [] as string[],
    previous: new Map<string, R>(),
  };
  const same = (a: R, b: R) => compare.every((c) => stable(a[c]) === stable(b[c]));
  // Counted as if the rows were applied one by one: the first row of an id against the
  // database, each repeat against the row before it (identical: a duplicate; different: an
  // update). Only the last row of an id is written.
  const byId = new Map<string, { first: R; last: R }>();
  for (const r of rows) {
    const seen = byId.get(r.id);
    if (!seen) {
      byId.set(r.id, { first: r, last: r });
      continue;
    }
    if (same(seen.last, r)) result.unchanged++;
    else result.updated++;
    seen.last = r;
  }
  for (const chunk of chunks([...byId.values()])) {
    const existing = await db
      .selectFrom(table)
      .selectAll()
      .where(
        'id',
        'in',
        chunk.map((r) => r.first.id),
      )
      .execute();
    const old = new Map(existing.map((e) => [e.id, e as unknown as R]));
    const write: R[] = [];
    for (const { first, last } of chunk) {
      const prev = old.get(first.id);
      if (!prev) result.inserted++;
      else if (same(prev, first)) result.unchanged++;
      else result.updated++;
      if (prev && same(prev, last)) continue;
      if (prev) result.previous.set(last.id, prev);
      write.push(last);
      result.changedIds.push(last.id);
    }
    if (write.length === 0) continue;
    const cols = Object.keys(write[0]!).filter((c) => c !== 'id');
    await db
      .insertInto(table)
      .values(write as never)
      .onConflict((oc) =>
        oc
          .column('id')
          .doUpdateSet(Object.fromEntries(cols.map((c) => [c, sql.ref(`excluded.${c}`)])) as never),
      )
      .execute();
  }
  return result;
}

export async function upsertAccounts(db: Db, accounts: Account[], at: string) {
  const rows = accounts.map((a) => ({
    id: a.id,
    name: a.name,
    segment: a.segment,
    industry: a.industry ?? null,
    owner: a.owner ?? null,
    parent_id: a.parentId ?? null,
    lifecycle_stage: a.lifecycleStage ?? null,
    created_at: a.createdAt ?? null,
    traits: JSON.stringify(a.traits),
    updated_at: at,
  }));
  return upsertRows(db, 'accounts', rows, [
    'name',
    'segment',
    'industry',
    'owner',
    'parent_id',
    'lifecycle_stage',
    'created_at',
    'traits',
  ]);
}

export async function upsertContracts(db: Db, contracts: Contract[], at: string) {
  const rows = contracts.map((c) => ({
    id: c.id,
    account_id: c.accountId,
    start_date: c.start,
    end_date: c.end ?? null,
    arr: c.arr,
    currency: c.currency,
    seats: c.seats ?? null,
    plan: c.plan ?? null,
    products: JSON.stringify(c.products),
    status: c.status,
    churned_at: c.churnedAt ?? null,
    churn_reason: c.churnReason ?? null,
    billing_period: c.billingPeriod ?? null,
    auto_renew: c.autoRenew ? 1 : 0,
    trial: c.trial ? 1 : 0,
  }));
  const res = await upsertRows(db, 'contracts', rows, [
    'account_id',
    'start_date',
    'end_date',
    'arr',
    'currency',
    'seats',
    'plan',
    'products',
    'status',
    'churned_at',
    'churn_reason',
    'billing_period',
    'auto_renew',
    'trial',
  ]);
  const changed = new Set(res.changedIds);
  // status history: a new contract's first status, and every change of status after
  const history = rows
    .filter((r) => changed.has(r.id) && res.previous.get(r.id)?.status !== r.status)
    .map((r) => ({
      contract_id: r.id,
      status: r.status,
      effective_on:
        r.status === 'churned'
          ? (r.churned_at ?? r.end_date ?? at.slice(0, 10))
          : res.previous.has(r.id)
            ? at.slice(0, 10)
            : r.start_date,
      recorded_at: at,
    }));
  const seen = new Set<string>();
  const unique = history.reverse().filter((h) => !seen.has(h.contract_id) && seen.add(h.contract_id));
  for (const chunk of chunks(unique.reverse()))
    await db.insertInto('contract_status_history').values(chunk).execute();
  return { ...res, accountIds: rows.filter((r) => changed.has(r.id)).map((r) => r.account_id) };
}

/** A contract's statuses in the order they were recorded. */
export async function listContractStatusHistory(db: Db, contractId: string) {
  return db
    .selectFrom('contract_status_history')
    .select(['status', 'effective_on', 'recorded_at'])
    .where('contract_id', '=', contractId)
    .orderBy('id')
    .execute();
}

export async function upsertContacts(db: Db, contacts: Contact[]) {
  const rows = contacts.map((c) => ({
    id: c.id,
    account_id: c.accountId,
    email: c.email ?? null,
    name: c.name ?? null,
    title: c.title ?? null,
    role: c.role,
    joined_at: c.joinedAt ?? null,
    left_at: c.leftAt ?? null,
  }));
  const res = await upsertRows(db, 'contacts', rows, [
    'account_id',
    'email',
    'name',
    'title',
    'role',
    'joined_at',
    'left_at',
  ]);
  const changed = new Set(res.changedIds);
  return { ...res, accountIds: rows.filter((r) => changed.has(r.id)).map((r) => r.account_id) };
}

export async function upsertUsers(db: Db, users: User[], at: string) {
  const rows = users.map((u) => ({
    id: u.id,
    name: u.name ?? null,
    email: u.email ?? null,
    role: u.role,
    manager_id: u.managerId ?? null,
    created_at: at,
  }));
  // created_at is not compared: re-importing a user must not count as a change
  return upsertRows(db, 'users', rows as (typeof rows)[number][], ['name', 'email', 'role', 'manager_id']);
}

export async function upsertCatalog(db: Db, features: CatalogFeature[]): Promise<EntityWriteResult> {
  const result = { inserted: 0, updated: 0, unchanged: 0 };
  const existing = new Map(
    (await db.selectFrom('catalog_features').selectAll().execute()).map((r) => [r.key, r]),
  );
  for (const f of features) {
    const row = {
      key: f.key,
      name: f.name ?? null,
      core: f.core ? 1 : 0,
      add_on: f.addOn ? 1 : 0,
      list_price: f.listPrice ?? null,
    };
    const prev = existing.get(f.key);
    if (prev && stable({ ...prev }) === stable(row)) {
      result.unchanged++;
      continue;
    }
    if (prev) result.updated++;
    else result.inserted++;
    // a key repeated later in the same file compares against this row
    existing.set(f.key, row);
    await db
      .insertInto('catalog_features')
      .values(row)
      .onConflict((oc) =>
        oc
          .column('key')
          .doUpdateSet({ name: row.name, core: row.core, add_on: row.add_on, list_price: row.list_price }),
      )
      .execute();
  }
  return result;
}

/** Inserts timeline events; an id seen before is a duplicate and changes nothing. */
export async function insertEvents(
  db: Db,
  events: VigilEvent[],
  at: string,
): Promise<{ inserted: number; duplicates: number; accountIds: string[]; ids: string[] }> {
  let inserted = 0;
  const accountIds: string[] = [];
  const ids: string[] = [];
  for (const chunk of chunks(events, 300)) {
    const rows = await db
      .insertInto('events')
      .values(
        chunk.map((e) => ({
          id: e.id,
          account_id: e.accountId,
          contact_id: e.contactId,
          type: e.type,
          time: e.time,
          properties: JSON.stringify(e.properties),
          ingested_at: at,
        })),
      )
      .onConflict((oc) => oc.column('id').doNothing())
      .returning(['id', 'account_id'])
      .execute();
    inserted += rows.length;
    for (const r of rows) {
      accountIds.push(r.account_id);
      ids.push(r.id);
    }
  }
  return { inserted, duplicates: events.length - inserted, accountIds, ids };
}

/**
 * Adds to `rollup` the usage events whose ids were never seen before (API and
 * NDJSON streams are idempotent by id) and returns those it added.
 */
export async function rollUpNewUsage(
  db: Db,
  rows: UsageRow[],
  rollup: UsageRollup,
): Promise<{ added: UsageRow[]; duplicates: number }> {
  const fresh = await claimUsage(
    db,
    rows.map((u) => ({ id: u.id, accountId: u.accountId, units: u.count })),
  );
  const added: UsageRow[] = [];
  rows.forEach((u, i) => {
    // a second row with the same id inside one batch is a duplicate too
    if (!fresh[i]) return;
    rollup.add(u);
    added.push(u);
  });
  return { added, duplicates: rows.length - added.length };
}

/**
 * Remembers usage event ids seen through the API and NDJSON streams; returns
 * the ids that are new. (Bulk usage files are idempotent by their content hash.)
 */
export async function claimEventIds(db: Db, ids: string[]): Promise<Set<string>> {
  const fresh = new Set<string>();
  for (const chunk of chunks([...new Set(ids)], 500)) {
    const rows = await db
      .insertInto('seen_events')
      .values(chunk.map((id) => ({ id })))
      .onConflict((oc) => oc.column('id').doNothing())
      .returning('id')
      .execute();
    for (const r of rows) fresh.add(r.id);
  }
  return fresh;
}

const UPSERT = {
  usage: {
    columns: 5,
    sql: (values: string) =>
      `insert into usage_daily (account_id, day, logins, events, integration_events) values ${values}
       on conflict (account_id, day) do update set logins = usage_daily.logins + excluded.logins,
       events = usage_daily.events + excluded.events,
       integration_events = usage_daily.integration_events + excluded.integration_events`,
  },
  feature: {
    columns: 5,
    sql: (values: string) =>
      `insert into feature_monthly (account_id, feature, month, days, count) values ${values}
       on conflict (account_id, feature, month) do update set days = feature_monthly.days | excluded.days,
       count = feature_monthly.count + excluded.count`,
  },
  user: {
    columns: 5,
    sql: (values: string) =>
      `insert into user_monthly (account_id, contact_id, month, days, events) values ${values}
       on conflict (account_id, contact_id, month) do update set days = user_monthly.days | excluded.days,
       events = user_monthly.events + excluded.events`,
  },
} as const;

/**
 * Adds usage deltas onto the rollups (counts add, active-day masks OR), in
 * multi-row upserts. SQLite runs prepared statements on the raw handle — the
 * import's hot path — and PostgreSQL parameterised queries; both inside the
 * caller's transaction.
 */
export async function addUsageDeltas(store: Store, db: Db, deltas: UsageDeltas): Promise<void> {
  const tables = [
    ['usage', deltas.usage.map((d) => [d.accountId, d.day, d.logins, d.events, d.integrationEvents])],
    ['feature', deltas.feature.map((d) => [d.accountId, d.feature, d.month, d.days, d.count])],
    ['user', deltas.user.map((d) => [d.accountId, d.contactId, d.month, d.days, d.events])],
  ] as const;
  for (const [table, rows] of tables) {
    const spec = UPSERT[table];
    if (store.sqlite) {
      const BATCH = 200;
      const placeholders = (n: number) =>
        Array.from({ length: n }, () => `(${Array(spec.columns).fill('?').join(', ')})`).join(', ');
      const full = store.sqlite.prepare(spec.sql(placeholders(BATCH)));
      const args: (string | number)[] = [];
      let i = 0;
      for (; i + BATCH <= rows.length; i += BATCH) {
        args.length = 0;
        for (let j = i; j < i + BATCH; j++) for (const v of rows[j]!) args.push(v);
        full.run(args);
      }
      if (i < rows.length) {
        const rest = rows.slice(i);
        store.sqlite.prepare(spec.sql(placeholders(rest.length))).run(rest.flat());
      }
      continue;
    }
    // rows in key order, so concurrent writers (ingest, imports) lock rollup rows alike: no deadlock
    const sorted = [...(rows as unknown as (string | number)[][])].sort(compareKeys);
    for (const chunk of chunks(sorted, 1000)) {
      // the same statement text with $n parameters, through Kysely's raw SQL
      const values = sql.join(chunk.map((r) => sql`(${sql.join(r)})`));
      const [head, tail] = spec.sql('\u0000').split('\u0000') as [string, string];
      await sql`${sql.raw(head)}${values}${sql.raw(tail)}`.execute(db);
    }
  }
}

/** Orders rollup rows by their key columns (account, then day / feature / contact, then month). */
function compareKeys(a: (string | number)[], b: (string | number)[]): number {
  for (let i = 0; i < 3; i++) {
    const x = String(a[i]);
    const y = String(b[i]);
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

export type RejectRow = {
  source: string;
  line: number | null;
  field: string | null;
  reason: string;
  raw: string;
};

/** Longest raw row kept with a reject; a longer one is cut and says so. */
export const MAX_REJECT_RAW = 20_000;
const keptRaw = (raw: string) => {
  // a NUL cannot be stored in PostgreSQL text: kept visibly as its escape
  const safe = raw.includes('\u0000') ? raw.replaceAll('\u0000', '\\u0000') : raw;
  return safe.length <= MAX_REJECT_RAW
    ? safe
    : `${safe.slice(0, MAX_REJECT_RAW)}… [cut: ${safe.length.toLocaleString('en-US')} characters, the first ${MAX_REJECT_RAW.toLocaleString('en-US')} kept]`;
};

export async function insertRejects(db: Db, importId: number | null, rejects: RejectRow[], at: string) {
  for (const chunk of chunks(rejects, 200)) {
    await db
      .insertInto('rejects')
      .values(
        chunk.map((r) => ({
          import_id: importId,
          source: r.source,
          line: r.line,
          field: r.field === null ? null : r.field.replaceAll('\u0000', '\\u0000'),
          reason: r.reason.replaceAll('\u0000', '\\u0000'),
          raw: keptRaw(r.raw),
          created_at: at,
          resolved_at: null,
        })),
      )
      .execute();
  }
}
