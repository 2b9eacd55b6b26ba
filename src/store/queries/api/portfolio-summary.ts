import { DAY_MS as DAY } from '../../../core/dates/day-number.ts';
import {
  type BandTotals,
  type PortfolioBandTotals,
  summarizePortfolioBook,
} from '../../../core/metrics/portfolio-summary.ts';
import type { Store } from '../../database.ts';
import { type Viewer, visibleAccountFilter } from '../visible-accounts.ts';
import { listVisibleBookAccounts } from './list-account-summaries.ts';

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
  // the current book (not churned, as the viewer sees it) from the list's kept book: ARR of the
  // current customers by the one contract rule (src/core/metrics/portfolio-summary.ts)
  const book = summarizePortfolioBook(await listVisibleBookAccounts(store, viewer), asOf);
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
