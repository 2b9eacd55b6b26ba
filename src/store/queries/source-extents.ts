import { sql } from 'kysely';
import {
  SOURCES,
  type SourceExtent,
  type SourceId,
  type WorkspaceSources,
} from '../../core/sources/data-sources.ts';
import type { Store } from '../database.ts';

type Row = {
  source: string;
  first: string | null;
  last: string | null;
  rows: unknown;
  accounts: unknown;
  days: unknown;
};

/**
 * What the workspace has sent per data source, workspace-wide: first and last day with rows,
 * rows, accounts covered, distinct days with rows. Logins and feature usage come from the daily
 * usage rollup, the timeline sources from the events table (event type → source), contacts and
 * contracts from their tables. A source with no rows is left out (never sent).
 * Timeline sources read the narrow (type, account_id, time) index (migration 019), not the event
 * rows; both they and the usage part are memoised per store under a cheap fingerprint of their
 * table (see `timelineSourceExtents`, `usageExtents`).
 */
export async function loadSourceExtents(store: Store): Promise<WorkspaceSources> {
  const { db } = store;
  const [timeline, usage, contacts, contracts] = await Promise.all([
    timelineSourceExtents(store),
    usageExtents(store),
    db
      .selectFrom('contacts')
      .select([
        sql<string>`'contacts'`.as('source'),
        sql<string>`min(coalesce(joined_at, '1970-01-01'))`.as('first'),
        sql<string>`max(coalesce(joined_at, '1970-01-01'))`.as('last'),
        sql`count(*)`.as('rows'),
        sql`count(distinct account_id)`.as('accounts'),
        sql`count(distinct joined_at)`.as('days'),
      ])
      .execute() as Promise<Row[]>,
    db
      .selectFrom('contracts')
      .select([
        sql<string>`'contracts'`.as('source'),
        sql<string>`min(start_date)`.as('first'),
        sql<string>`max(start_date)`.as('last'),
        sql`count(*)`.as('rows'),
        sql`count(distinct account_id)`.as('accounts'),
        sql`count(distinct start_date)`.as('days'),
      ])
      .execute() as Promise<Row[]>,
  ]);
  const out: WorkspaceSources = {};
  const add = (id: SourceId, r: Omit<Row, 'source'>) => {
    if (!r.first || !r.last || Number(r.rows) === 0) return;
    const e: SourceExtent = {
      first: r.first.slice(0, 10),
      last: r.last.slice(0, 10),
      rows: Number(r.rows),
      accounts: Number(r.accounts),
      activeDays: Math.max(1, Number(r.days)),
    };
    const before = out[id];
    // a source fed by a table and by events (contacts, contracts): widest span, most rows
    out[id] = before
      ? {
          first: [before.first, e.first].sort()[0]!,
          last: [before.last, e.last].sort()[1]!,
          rows: before.rows + e.rows,
          accounts: Math.max(before.accounts, e.accounts),
          activeDays: Math.max(before.activeDays, e.activeDays),
        }
      : e;
  };
  for (const r of usage) add(r.source as SourceId, r);
  for (const r of [...contacts, ...contracts, ...timeline]) add(r.source as SourceId, r);
  return out;
}

/** Per store: the usage rollup's extents and the fingerprint of the rollup they were read from. */
const USAGE_MEMO = new WeakMap<Store, { key: string; rows: Row[] }>();

/**
 * Logins and feature-usage extents from the daily usage rollup. Exact, but two full scans of the
 * rollup with distinct counts (the bulk of the extents' cost), so the result is memoised per store
 * under a fingerprint of the rollup — its row count and its login and event totals, one plain scan
 * an order of magnitude cheaper — and reread whenever any usage was added or changed.
 */
async function usageExtents(store: Store): Promise<Row[]> {
  const { db } = store;
  const f = await db
    .selectFrom('usage_daily')
    .select([
      sql`count(*)`.as('n'),
      sql`coalesce(sum(logins), 0)`.as('logins'),
      sql`coalesce(sum(events), 0)`.as('events'),
    ])
    .executeTakeFirst();
  const key = `${f?.n}|${f?.logins}|${f?.events}`;
  const hit = USAGE_MEMO.get(store);
  if (hit && hit.key === key) return hit.rows;
  const [logins, features] = await Promise.all([
    db
      .selectFrom('usage_daily')
      .select([
        sql<string>`'logins'`.as('source'),
        sql<string>`min(day)`.as('first'),
        sql<string>`max(day)`.as('last'),
        sql`count(*)`.as('rows'),
        sql`count(distinct account_id)`.as('accounts'),
        sql`count(distinct day)`.as('days'),
      ])
      .where('logins', '>', 0)
      .execute() as Promise<Row[]>,
    // usage rows with logins also carry feature events: feature usage is any row with more events than logins
    db
      .selectFrom('usage_daily')
      .select([
        sql<string>`'feature-usage'`.as('source'),
        sql<string>`min(day)`.as('first'),
        sql<string>`max(day)`.as('last'),
        sql`count(*)`.as('rows'),
        sql`count(distinct account_id)`.as('accounts'),
        sql`count(distinct day)`.as('days'),
      ])
      .where('events', '>', sql<number>`logins`)
      .execute() as Promise<Row[]>,
  ]);
  const rows = [...logins, ...features];
  USAGE_MEMO.set(store, { key, rows });
  return rows;
}

const TIMELINE_MEMO = new WeakMap<Store, { key: string; rows: Row[] }>();

/**
 * Extents of the sources made of events. Events are only ever inserted (`on conflict do nothing`,
 * never updated), so their count is an exact fingerprint: the result is memoised per store and
 * reread whenever an event was added. Both queries read the (type, account_id, time) index only
 * (migration 019): per type and account, then per type and day; a source is a union of types, so
 * they are merged in `timelineExtents`, exactly.
 */
async function timelineSourceExtents(store: Store): Promise<Row[]> {
  const { db } = store;
  const n = await db
    .selectFrom('events')
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirst();
  const key = String(n?.n ?? 0);
  const hit = TIMELINE_MEMO.get(store);
  if (hit && hit.key === key) return hit.rows;
  const [perAccount, perDay] = await Promise.all([
    db
      .selectFrom('events')
      .select((eb) => [
        'type',
        'account_id',
        eb.fn.min<string>('time').as('first'),
        eb.fn.max<string>('time').as('last'),
        eb.fn.countAll().as('rows'),
      ])
      .groupBy(['type', 'account_id'])
      .execute(),
    db
      .selectFrom('events')
      .select(['type', sql<string>`substr(time, 1, 10)`.as('day')])
      .distinct()
      .execute(),
  ]);
  const rows = timelineExtents(perAccount, perDay);
  TIMELINE_MEMO.set(store, { key, rows });
  return rows;
}

/** Per data source: the union of its event types' per-account and per-day rows. */
function timelineExtents(
  perAccount: { type: string; account_id: string; first: string; last: string; rows: unknown }[],
  perDay: { type: string; day: string }[],
): Row[] {
  const sourceOf = new Map<string, SourceId>();
  for (const s of Object.values(SOURCES)) for (const t of s.eventTypes) sourceOf.set(t, s.id);
  const acc = new Map<
    SourceId,
    { first: string; last: string; rows: number; accounts: Set<string>; days: Set<string> }
  >();
  const get = (id: SourceId) => {
    let a = acc.get(id);
    if (!a) {
      a = { first: '9999', last: '', rows: 0, accounts: new Set(), days: new Set() };
      acc.set(id, a);
    }
    return a;
  };
  for (const r of perAccount) {
    const id = sourceOf.get(r.type);
    if (!id) continue;
    const a = get(id);
    const first = r.first.slice(0, 10);
    const last = r.last.slice(0, 10);
    if (first < a.first) a.first = first;
    if (last > a.last) a.last = last;
    a.rows += Number(r.rows);
    a.accounts.add(r.account_id);
  }
  for (const r of perDay) {
    const id = sourceOf.get(r.type);
    if (id) get(id).days.add(r.day);
  }
  return [...acc].map(([source, a]) => ({
    source,
    first: a.first,
    last: a.last,
    rows: a.rows,
    accounts: a.accounts.size,
    days: a.days.size,
  }));
}
