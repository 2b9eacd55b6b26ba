import { byAccount } from '../../../core/contracts/contract-terms.ts';
import { DAY_MS as DAY } from '../../../core/dates/day-number.ts';
import {
  type BandTotals,
  type PortfolioBandTotals,
  summarizePortfolioBook,
} from '../../../core/metrics/portfolio-summary.ts';
import type { Store } from '../../database.ts';
import { type Viewer, visibleAccountFilter } from '../visible-accounts.ts';

export type { BandTotals };
export type PortfolioSummary = {
  asOf: string;
  accounts: number;
  arr: number;
  bands: PortfolioBandTotals;
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
  const [rows, contracts] = await Promise.all([
    db
      .selectFrom('accounts as a')
      .leftJoin('current_scores as s', 's.account_id', 'a.id')
      .select(['a.id', 's.band', 's.score', 's.trend_30'])
      .where(visible)
      // churned accounts (core/lifecycle) are not in the book, even while a last term runs out
      .where((eb) => eb.or([eb('s.lifecycle_stage', 'is', null), eb('s.lifecycle_stage', '<>', 'churned')]))
      .execute(),
    db
      .selectFrom('contracts as c')
      .innerJoin('accounts as a', 'a.id', 'c.account_id')
      .select([
        'c.account_id',
        'c.start_date',
        'c.end_date',
        'c.billing_period',
        'c.arr',
        'c.status',
        'c.churned_at',
      ])
      .where(visible)
      .execute(),
  ]);
  // ARR of the current customers by the one contract rule (src/core/metrics/portfolio-summary.ts)
  const terms = byAccount(
    contracts.map((c) => ({
      accountId: c.account_id,
      start: c.start_date,
      end: c.end_date,
      billingPeriod: c.billing_period as 'month' | 'year' | null,
      arr: Number(c.arr),
      status: c.status,
      churnedAt: c.churned_at,
    })),
  );
  const book = summarizePortfolioBook(
    rows.map((r) => ({
      band: r.band,
      score: r.score === null ? null : Number(r.score),
      trend30: r.trend_30 === null ? null : Number(r.trend_30),
      contracts: terms.get(r.id) ?? [],
    })),
    asOf,
  );
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
    accounts: book.accounts,
    arr: book.arr,
    bands: book.bands,
    averageScore: book.averageScore,
    movedDown7d: down7,
    movedUp7d: up7,
    movedDown30d: book.movedDown30d,
    movedUp30d: book.movedUp30d,
    openTasks: Number(open.n),
  };
}
