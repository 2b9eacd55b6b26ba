import { describe, expect, it } from 'vitest';
import { summarizePortfolioBook } from './portfolio-summary.ts';

describe('summarizePortfolioBook: the book by the one contract rule', () => {
  const day = '2026-03-31';
  const book = summarizePortfolioBook(
    [
      // live annual term, healthy
      {
        band: 'healthy',
        score: 90,
        trend30: 6,
        contracts: [{ start: '2025-06-01', end: '2026-05-31', arr: 10_000 }],
      },
      // two live terms, one ended yesterday's month (not live), at-risk
      {
        band: 'at-risk',
        score: 60,
        trend30: -5,
        contracts: [
          { start: '2025-01-01', end: '2026-03-30', arr: 7_000 },
          { start: '2026-03-31', end: null, billingPeriod: 'month', arr: 3_000 },
        ],
      },
      // churned before its term ends: the churn date cuts it short, so not live on `day` (was counted by end date)
      {
        band: 'critical',
        score: 20,
        trend30: -10,
        contracts: [
          { start: '2025-06-01', end: '2026-12-31', arr: 50_000, status: 'churned', churnedAt: '2026-02-28' },
        ],
      },
      // churned but live to its churn date, which is `day` itself: still a customer
      {
        band: null,
        score: null,
        trend30: null,
        contracts: [
          { start: '2025-04-01', end: '2026-09-30', arr: 4_000, status: 'churned', churnedAt: '2026-03-31' },
        ],
      },
      // no contract at all: not a customer
      { band: 'healthy', score: 99, trend30: 0, contracts: [] },
    ],
    day,
  );

  it('counts current customers and their ARR on the day, per band', () => {
    expect(book.accounts).toBe(3);
    expect(book.arr).toBe(10_000 + 3_000 + 4_000);
    expect(book.bands).toEqual({
      healthy: { accounts: 1, arr: 10_000 },
      'at-risk': { accounts: 1, arr: 3_000 },
      critical: { accounts: 0, arr: 0 },
      unscored: { accounts: 1, arr: 4_000 },
    });
  });

  it('averages the scored current customers and counts 30-day movers among them', () => {
    expect(book.averageScore).toBe(75);
    expect(book.movedUp30d).toBe(1);
    expect(book.movedDown30d).toBe(1);
  });
});
