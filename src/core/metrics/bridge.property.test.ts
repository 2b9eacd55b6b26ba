import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arrOnDate } from '../contracts/contract-terms.ts';
import { computePeriodMetrics, type PeriodMetrics } from './compute-retention.ts';
import { portfolioArb } from './contract-histories.fixture.ts';
import { metricConventionsSchema } from './conventions.ts';
import { customerRevenue } from './customer-arr.ts';
import { type Period, periodWindows } from './periods.ts';

const convArb = fc.record({
  movementBasis: fc.constantFrom('period' as const, 'event' as const),
  samePeriodStartAndChurn: fc.constantFrom('exclude' as const, 'count' as const),
  renewalGraceDays: fc.constantFrom(0, 30),
  reactivationWindowDays: fc.constantFrom(0, 90, 365),
  grrPerCustomerCap: fc.boolean(),
});
const periodArb = fc.constantFrom<Period>('month', 'quarter', 'year');

const bridged = (m: PeriodMetrics) =>
  m.startArr +
  m.movements.new +
  m.movements.expansion +
  m.movements.reactivation -
  m.movements.contraction -
  m.movements.churn;

describe('the revenue bridge holds everywhere (property)', () => {
  it('per period and per customer: start + new + expansion + reactivation − contraction − churn = end; start = previous end; end = ARR by the one rule', () => {
    fc.assert(
      fc.property(portfolioArb(), convArb, periodArb, (contracts, c, period) => {
        const conv = metricConventionsSchema.parse(c);
        const revenue = customerRevenue(contracts, conv);
        const windows = periodWindows(period, '2023-01-01', '2026-06-30');
        const ids = [...revenue.keys()];
        let prev: PeriodMetrics | null = null;
        for (const w of windows) {
          const m = computePeriodMetrics(w, { revenue }, conv);
          expect(bridged(m)).toBeCloseTo(m.endArr, 6);
          if (prev) expect(m.startArr).toBeCloseTo(prev.endArr, 6);
          expect(m.endArr).toBeCloseTo(
            arrOnDate(
              contracts.filter((k) => k.arr > 0),
              w.end,
            ),
            6,
          );
          for (const v of Object.values(m.movements)) expect(v).toBeGreaterThanOrEqual(0);
          for (const r of [m.grr, m.nrr, m.logoRetention])
            if (r.value !== null) expect(r.value).toBeGreaterThanOrEqual(0);
          if (m.grr.value !== null) expect(m.grr.value).toBeLessThanOrEqual(1);
          prev = m;
          for (const id of ids) {
            const one = computePeriodMetrics(w, { revenue }, conv, new Set([id]));
            expect(bridged(one), `${id} ${w.label}`).toBeCloseTo(one.endArr, 6);
            expect(one.endArr).toBeCloseTo(
              arrOnDate(
                contracts.filter((k) => k.accountId === id && k.arr > 0),
                w.end,
              ),
              6,
            );
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it('monthly movements sum to the quarter’s and the year’s net change (each movement in exactly one period)', () => {
    fc.assert(
      fc.property(portfolioArb(), (contracts) => {
        const conv = metricConventionsSchema.parse({ movementBasis: 'event' });
        const revenue = customerRevenue(contracts, conv);
        // event movements are additive across periods when no grace can bridge a gap
        const noGrace = { ...conv, renewalGraceDays: 0 };
        const months = periodWindows('month', '2024-01-01', '2024-12-31').map((w) =>
          computePeriodMetrics(w, { revenue }, noGrace),
        );
        const year = computePeriodMetrics(
          periodWindows('year', '2024-01-01', '2024-12-31')[0]!,
          { revenue },
          noGrace,
        );
        for (const k of ['new', 'expansion', 'contraction', 'churn', 'reactivation'] as const)
          expect(months.reduce((s, m) => s + m.movements[k], 0)).toBeCloseTo(year.movements[k], 6);
      }),
      { numRuns: 150 },
    );
  });
});
