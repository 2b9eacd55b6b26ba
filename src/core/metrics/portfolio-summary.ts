import { accountTermsOn, type ContractTerm } from '../contracts/contract-terms.ts';

/** One account of the book as the portfolio summary sees it: its current score and its contracts. */
export type PortfolioBookAccount = {
  band: string | null;
  score: number | null;
  trend30: number | null;
  contracts: readonly ContractTerm[];
};

export type BandTotals = { accounts: number; arr: number };
export type PortfolioBandTotals = Record<'healthy' | 'at-risk' | 'critical' | 'unscored', BandTotals>;

export type PortfolioBook = {
  accounts: number;
  arr: number;
  bands: PortfolioBandTotals;
  /** Mean current score of the scored current customers, one decimal; null when none is scored. */
  averageScore: number | null;
  /** Current customers whose 30-day trend is −5 points or worse / +5 or better. */
  movedDown30d: number;
  movedUp30d: number;
};

/**
 * The book on `day`: the current customers (a contract live that day by the one contract rule,
 * src/core/contracts/contract-terms.ts) with their ARR that day, in total and per band. The
 * accounts list, the account page, playbook subjects and the metrics engine read ARR by the same
 * rule, so the band totals add up to what the accounts list shows.
 */
export function summarizePortfolioBook(
  accounts: readonly PortfolioBookAccount[],
  day: string,
): PortfolioBook {
  const bands: PortfolioBandTotals = {
    healthy: { accounts: 0, arr: 0 },
    'at-risk': { accounts: 0, arr: 0 },
    critical: { accounts: 0, arr: 0 },
    unscored: { accounts: 0, arr: 0 },
  };
  let count = 0;
  let arr = 0;
  let scoreSum = 0;
  let scored = 0;
  let down30 = 0;
  let up30 = 0;
  for (const a of accounts) {
    const terms = accountTermsOn(a.contracts, day);
    if (terms.live === 0) continue;
    const key = (a.band ?? 'unscored') as keyof PortfolioBandTotals;
    const b = bands[key] ?? bands.unscored;
    b.accounts++;
    b.arr += terms.arr;
    count++;
    arr += terms.arr;
    if (a.score !== null) {
      scoreSum += a.score;
      scored++;
    }
    if (a.trend30 !== null && a.trend30 <= -5) down30++;
    if (a.trend30 !== null && a.trend30 >= 5) up30++;
  }
  return {
    accounts: count,
    arr,
    bands,
    averageScore: scored ? Math.round((scoreSum / scored) * 10) / 10 : null,
    movedDown30d: down30,
    movedUp30d: up30,
  };
}
