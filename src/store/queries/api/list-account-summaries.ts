import { sql } from 'kysely';
import { DAY_MS as DAY } from '../../../core/dates/day-number.ts';
import type { Store } from '../../database.ts';
import { type Viewer, visibleAccountFilter } from '../visible-accounts.ts';

export const ACCOUNT_SORTS = [
  'score',
  '-score',
  'arr',
  '-arr',
  'renewal',
  'name',
  'trend',
  '-trend',
  'expansion',
] as const;
export type AccountSort = (typeof ACCOUNT_SORTS)[number];

export type ListAccountSummariesOptions = {
  asOf: string;
  band?: 'healthy' | 'at-risk' | 'critical' | 'unscored' | undefined;
  owner?: string | undefined;
  segment?: string | undefined;
  q?: string | undefined;
  renewalWithinDays?: number | undefined;
  minScore?: number | undefined;
  maxScore?: number | undefined;
  sort: AccountSort;
  limit: number;
  offset: number;
  /** Also list former customers (no live contract). */
  includeFormer?: boolean;
};

export type AccountSummary = {
  id: string;
  name: string;
  segment: string;
  industry: string | null;
  owner: string | null;
  /** The owner's display name (users.name), when the owner is a known user. */
  ownerName: string | null;
  arr: number;
  seats: number;
  renewalDate: string | null;
  score: number | null;
  band: string | null;
  coverage: number | null;
  trend30: number | null;
  previousBand: string | null;
  modelVersion: number | null;
  topDriver: string | null;
  tags: string[];
};

// Sort keys are fixed SQL chosen from this table, never text from the request.
const SORTS: Record<AccountSort, ReturnType<typeof sql>> = {
  score: sql`coalesce(score, 1000) asc, name asc, id asc`,
  '-score': sql`coalesce(score, -1) desc, name asc, id asc`,
  arr: sql`arr asc, name asc, id asc`,
  '-arr': sql`arr desc, name asc, id asc`,
  renewal: sql`case when term_end is null then 1 else 0 end, term_end asc, name asc, id asc`,
  name: sql`name asc, id asc`,
  trend: sql`coalesce(trend_30, 1000) asc, name asc, id asc`,
  '-trend': sql`coalesce(trend_30, -1000) desc, name asc, id asc`,
  // healthy, well-covered, growing accounts first: where expansion conversations start
  expansion: sql`case when band = 'healthy' then 0 else 1 end, coalesce(score, -1) desc, arr desc, id asc`,
};

/**
 * The portfolio list: accounts the viewer may see, joined to their current score and live
 * contracts (ARR, seats, term end), filtered, sorted and paginated in SQL.
 */
export async function listAccountSummaries(
  store: Store,
  viewer: Viewer,
  o: ListAccountSummariesOptions,
): Promise<{ items: AccountSummary[]; total: number }> {
  const { db } = store;
  const live = db
    .selectFrom('contracts')
    .select((eb) => [
      'account_id',
      eb.fn.sum<number>('arr').as('arr'),
      eb.fn.sum<number>('seats').as('seats'),
      eb.fn.min<string>('end_date').as('term_end'),
    ])
    .where('start_date', '<=', o.asOf)
    // an open-ended subscription (no end) is live until it ends
    .where((eb) => eb.or([eb('end_date', '>=', o.asOf), eb('end_date', 'is', null)]))
    .groupBy('account_id');
  let base = db
    .selectFrom('accounts as a')
    .leftJoin('current_scores as s', 's.account_id', 'a.id')
    .leftJoin(live.as('c'), 'c.account_id', 'a.id')
    .leftJoin('users as u', 'u.id', 'a.owner')
    .select([
      'u.name as owner_name',
      'a.id',
      'a.name',
      'a.segment',
      'a.industry',
      'a.owner',
      'a.tags',
      's.score',
      's.band',
      's.coverage',
      's.trend_30',
      's.previous_band',
      's.model_version',
      's.top_driver',
      sql<number>`coalesce(c.arr, 0)`.as('arr'),
      sql<number>`coalesce(c.seats, 0)`.as('seats'),
      'c.term_end',
    ])
    .where(visibleAccountFilter(viewer, { owner: 'a.owner' }));
  if (!o.includeFormer)
    // a customer has a live contract; accounts that never had one (prospects, trials) stay listed
    base = base.where((eb) =>
      eb.or([
        eb('c.account_id', 'is not', null),
        eb.not(
          eb.exists(eb.selectFrom('contracts as c0').select('c0.id').whereRef('c0.account_id', '=', 'a.id')),
        ),
      ]),
    );
  if (o.band === 'unscored') base = base.where('s.score', 'is', null);
  else if (o.band) base = base.where('s.band', '=', o.band);
  if (o.owner) base = base.where('a.owner', '=', o.owner);
  if (o.segment) base = base.where('a.segment', '=', o.segment);
  if (o.minScore !== undefined) base = base.where('s.score', '>=', o.minScore);
  if (o.maxScore !== undefined) base = base.where('s.score', '<=', o.maxScore);
  if (o.q) {
    const like = `%${o.q.toLowerCase().replace(/[%_\\]/g, (m) => `\\${m}`)}%`;
    base = base.where((eb) =>
      eb.or([
        eb(sql`lower(a.name)`, 'like', sql`${like} escape '\\'`),
        eb(sql`lower(a.id)`, 'like', sql`${like} escape '\\'`),
      ]),
    );
  }
  if (o.renewalWithinDays !== undefined) {
    const until = new Date(Date.parse(o.asOf) + o.renewalWithinDays * DAY).toISOString().slice(0, 10);
    base = base.where('c.term_end', 'is not', null).where('c.term_end', '<=', until);
  }
  // one pass: the total rides along on every row (a window count), so the filter runs once
  const rows = await db
    .selectFrom(base.as('f'))
    .selectAll()
    .select(sql<number>`count(*) over ()`.as('total_rows'))
    .orderBy(SORTS[o.sort] as never)
    .limit(o.limit)
    .offset(o.offset)
    .execute();
  const total =
    rows.length > 0
      ? { n: Number(rows[0]?.total_rows) }
      : await db
          .selectFrom(base.as('f'))
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow();
  return {
    total: Number(total.n),
    items: rows.map((r) => ({
      id: r.id,
      name: r.name,
      segment: r.segment,
      industry: r.industry,
      owner: r.owner,
      ownerName: r.owner_name ?? null,
      arr: Number(r.arr ?? 0),
      seats: Number(r.seats ?? 0),
      // contracts end on their last day; the renewal is the day after
      renewalDate: r.term_end ? new Date(Date.parse(r.term_end) + DAY).toISOString().slice(0, 10) : null,
      score: r.score === null ? null : Number(r.score),
      band: r.band ?? null,
      coverage: r.coverage === null ? null : Number(r.coverage),
      trend30: r.trend_30 === null ? null : Number(r.trend_30),
      previousBand: r.previous_band,
      modelVersion: r.model_version === null ? null : Number(r.model_version),
      topDriver: r.top_driver,
      tags: JSON.parse(r.tags) as string[],
    })),
  };
}
