import { sql } from 'kysely';
import { DAY_MS as DAY } from '../../../core/dates/day-number.ts';
import type { Store } from '../../database.ts';
import { type Viewer, visibleAccountFilter } from '../visible-accounts.ts';

export type BandTotals = { accounts: number; arr: number };
export type PortfolioSummary = {
  asOf: string;
  accounts: number;
  arr: number;
  bands: Record<'healthy' | 'at-risk' | 'critical' | 'unscored', BandTotals>;
  averageScore: number | null;
  movedDown7d: number;
  movedUp7d: number;
  movedDown30d: number;
  movedUp30d: number;
  openTasks: number;
};

/**
 * Current customers (a live contract today) the viewer may see: accounts and ARR per band, the
 * average score, how many moved a band down/up within 7 and 30 days (from score history), and
 * open tasks.
 */
export async function getPortfolioSummary(
  store: Store,
  viewer: Viewer,
  asOf: string,
): Promise<PortfolioSummary> {
  const { db } = store;
  const visible = visibleAccountFilter(viewer, { owner: 'a.owner' });
  const rows = await db
    .selectFrom('accounts as a')
    .innerJoin(
      db
        .selectFrom('contracts')
        .select((eb) => ['account_id', eb.fn.sum<number>('arr').as('arr')])
        .where('start_date', '<=', asOf)
        // an open-ended subscription (no end) is live until it ends
        .where((eb) => eb.or([eb('end_date', '>=', asOf), eb('end_date', 'is', null)]))
        .groupBy('account_id')
        .as('t'),
      't.account_id',
      'a.id',
    )
    .leftJoin('current_scores as s', 's.account_id', 'a.id')
    .select((eb) => [
      's.band',
      eb.fn.countAll<number>().as('accounts'),
      sql<number>`coalesce(sum(t.arr), 0)`.as('arr'),
      sql<number | null>`avg(s.score)`.as('avg'),
      sql<number>`sum(case when s.trend_30 <= -5 then 1 else 0 end)`.as('down30'),
      sql<number>`sum(case when s.trend_30 >= 5 then 1 else 0 end)`.as('up30'),
    ])
    .where(visible)
    // churned accounts (core/lifecycle) are not in the book, even while a last term runs out
    .where((eb) => eb.or([eb('s.lifecycle_stage', 'is', null), eb('s.lifecycle_stage', '<>', 'churned')]))
    .groupBy('s.band')
    .execute();
  const bands: PortfolioSummary['bands'] = {
    healthy: { accounts: 0, arr: 0 },
    'at-risk': { accounts: 0, arr: 0 },
    critical: { accounts: 0, arr: 0 },
    unscored: { accounts: 0, arr: 0 },
  };
  let accounts = 0;
  let arr = 0;
  let weighted = 0;
  let scored = 0;
  let down30 = 0;
  let up30 = 0;
  for (const r of rows) {
    const key = (r.band ?? 'unscored') as keyof PortfolioSummary['bands'];
    bands[key] = { accounts: Number(r.accounts), arr: Number(r.arr) };
    accounts += Number(r.accounts);
    arr += Number(r.arr);
    if (r.avg !== null) {
      weighted += Number(r.avg) * Number(r.accounts);
      scored += Number(r.accounts);
    }
    down30 += Number(r.down30 ?? 0);
    up30 += Number(r.up30 ?? 0);
  }
  // band moves over 7 days: the band a week ago (latest history row on or before) vs now
  const weekAgo = new Date(Date.parse(asOf) - 7 * DAY).toISOString().slice(0, 10);
  const moves = await db
    .selectFrom('accounts as a')
    .innerJoin('current_scores as s', 's.account_id', 'a.id')
    .select([
      'a.id',
      's.band',
      (eb) =>
        eb
          .selectFrom('scores as h')
          .select('h.band')
          .whereRef('h.account_id', '=', 'a.id')
          .where('h.as_of', '<=', weekAgo)
          .orderBy('h.as_of', 'desc')
          .limit(1)
          .as('band_then'),
    ])
    .where(visible)
    .execute();
  const rank: Record<string, number> = { critical: 0, 'at-risk': 1, healthy: 2 };
  let down7 = 0;
  let up7 = 0;
  for (const m of moves) {
    if (!m.band_then) continue;
    const d = (rank[m.band] ?? 0) - (rank[m.band_then] ?? 0);
    if (d < 0) down7++;
    else if (d > 0) up7++;
  }
  const open = await db
    .selectFrom('tasks as t')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('t.status', '=', 'open')
    .where(visibleAccountFilter(viewer, { accountId: 't.account_id' }))
    .executeTakeFirstOrThrow();
  return {
    asOf,
    accounts,
    arr,
    bands,
    averageScore: scored ? Math.round((weighted / scored) * 10) / 10 : null,
    movedDown7d: down7,
    movedUp7d: up7,
    movedDown30d: down30,
    movedUp30d: up30,
    openTasks: Number(open.n),
  };
}
