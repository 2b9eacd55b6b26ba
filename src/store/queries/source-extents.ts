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
 */
export async function loadSourceExtents(store: Store): Promise<WorkspaceSources> {
  const { db } = store;
  const whens = Object.values(SOURCES).flatMap((s) => s.eventTypes.map((t) => sql`when ${t} then ${s.id}`));
  const typed = db
    .selectFrom('events')
    .select([
      sql<string>`case type ${sql.join(whens, sql` `)} else null end`.as('source'),
      'account_id',
      sql<string>`substr(time, 1, 10)`.as('day'),
    ])
    .as('e');
  const [events, usage, contacts, contracts] = await Promise.all([
    db
      .selectFrom(typed)
      .select((eb) => [
        'e.source',
        eb.fn.min<string>('e.day').as('first'),
        eb.fn.max<string>('e.day').as('last'),
        eb.fn.countAll().as('rows'),
        sql`count(distinct e.account_id)`.as('accounts'),
        sql`count(distinct e.day)`.as('days'),
      ])
      .where('e.source', 'is not', null)
      .groupBy('e.source')
      .execute() as Promise<Row[]>,
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
  // usage rows with logins also carry feature events: feature usage is any row with more events than logins
  const featureRows = await db
    .selectFrom('usage_daily')
    .select([
      sql<string>`min(day)`.as('first'),
      sql<string>`max(day)`.as('last'),
      sql`count(*)`.as('rows'),
      sql`count(distinct account_id)`.as('accounts'),
      sql`count(distinct day)`.as('days'),
    ])
    .where('events', '>', sql<number>`logins`)
    .executeTakeFirst();
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
  for (const r of usage) if (r.source === 'logins') add('logins', r);
  if (featureRows) add('feature-usage', { ...featureRows, source: 'feature-usage' } as Row);
  for (const r of [...contacts, ...contracts, ...events]) add(r.source as SourceId, r);
  return out;
}
