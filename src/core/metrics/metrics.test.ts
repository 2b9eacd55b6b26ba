import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Contract } from '../data-model/entities.ts';
import { dayIso, toDay } from '../signals/signal-helpers.ts';
import { computeCohorts } from './cohorts.ts';
import { projectCompoundRetention } from './compound-projection.ts';
import { computePeriodMetrics, movementEvents, retentionByBand } from './compute-retention.ts';
import { DEFAULT_CONVENTIONS, metricConventionsSchema } from './conventions.ts';
import { customerRevenue } from './customer-arr.ts';
import { periodWindows } from './periods.ts';
import { computeTimeToValue } from './time-to-value.ts';

let seq = 0;
const c = (
  accountId: string,
  start: string,
  end: string,
  arr: number,
  extra: Partial<Contract> = {},
): Contract => ({
  id: `k${++seq}`,
  accountId,
  start,
  end,
  arr,
  currency: 'USD',
  products: [],
  status: 'active',
  ...extra,
});
const year2025 = periodWindows('year', '2025-01-01', '2025-12-31')[0]!;
const metrics = (contracts: Contract[], conv = DEFAULT_CONVENTIONS, w = year2025) =>
  computePeriodMetrics(w, { revenue: customerRevenue(contracts, conv) }, conv);

describe('revenue movements and retention (hand-computed)', () => {
  it('a steady, an expanding, a contracting and a churning customer', () => {
    const m = metrics([
      c('steady', '2024-06-01', '2025-05-31', 100),
      c('steady', '2025-06-01', '2026-05-31', 100),
      c('up', '2024-01-01', '2025-12-31', 200, { status: 'active' }),
      c('up', '2025-07-01', '2026-06-30', 50, { products: ['forecasting'] }),
      c('down', '2024-03-01', '2025-02-28', 300),
      c('down', '2025-03-01', '2026-02-28', 150),
      c('gone', '2024-04-01', '2025-03-31', 400, { status: 'churned', churnedAt: '2025-03-31' }),
    ]);
    // start ARR: 100 + 200 + 300 + 400 = 1000; end: 100 + 250 + 150 + 0 = 500
    expect([m.startArr, m.endArr]).toEqual([1000, 500]);
    expect(m.movements).toEqual({ new: 0, expansion: 50, contraction: 150, churn: 400, reactivation: 0 });
    expect(m.grr.value).toBe(0.45); // (100 + 200 + 150 + 0) / 1000
    expect(m.nrr.value).toBe(0.5); // 500 / 1000
    expect(m.logoRetention.value).toBe(0.75);
    expect(m.customerChurnRate.value).toBe(0.25);
    expect(m.revenueChurnRate.value).toBe(0.55);
    expect(m.quickRatio.value).toBeCloseTo(50 / 550, 4);
  });

  it('a customer who starts and churns inside the period: excluded, or new and churned', () => {
    const contracts = [
      c('base', '2024-01-01', '2026-12-31', 100),
      c('blip', '2025-03-01', '2025-08-31', 60, { status: 'churned', churnedAt: '2025-08-31' }),
    ];
    const ex = metrics(contracts);
    expect(ex.movements.new).toBe(0);
    expect(ex.movements.churn).toBe(0);
    expect(ex.grr.value).toBe(1);
    const conv = metricConventionsSchema.parse({ samePeriodStartAndChurn: 'count' });
    const ct = metrics(contracts, conv);
    expect(ct.movements.new).toBe(60);
    expect(ct.movements.churn).toBe(60);
    expect(ct.grr.value).toBe(1); // not in the starting base either way
    expect(ct.customers.churned).toBe(1);
  });

  it('reactivation inside the window, and a return after it counts as new', () => {
    const back = (gone: string, returned: string) => [
      c('x', '2023-01-01', gone, 100, { status: 'churned', churnedAt: gone }),
      c('x', returned, '2026-12-31', 80, { status: 'reactivated' }),
    ];
    expect(metrics(back('2024-10-31', '2025-04-01')).movements).toMatchObject({ reactivation: 80, new: 0 });
    expect(metrics(back('2023-06-30', '2025-04-01')).movements).toMatchObject({ reactivation: 0, new: 80 });
    const narrow = metricConventionsSchema.parse({ reactivationWindowDays: 90 });
    expect(metrics(back('2024-10-31', '2025-04-01'), narrow).movements).toMatchObject({
      reactivation: 0,
      new: 80,
    });
  });

  it('expansion in one subscription and cancellation of another: netted per customer, or not, by convention', () => {
    const contracts = [
      c('y', '2024-01-01', '2026-12-31', 100, { products: ['core'] }),
      c('y', '2025-06-01', '2026-12-31', 50, { products: ['core'] }),
      c('y', '2024-01-01', '2025-05-31', 50, {
        products: ['forecasting'],
        status: 'churned',
        churnedAt: '2025-05-31',
      }),
    ];
    const capped = metrics(contracts);
    expect(capped.movements).toMatchObject({ expansion: 0, contraction: 0, churn: 0 });
    expect(capped.grr.value).toBe(1);
    const perLine = metrics(contracts, metricConventionsSchema.parse({ grrPerCustomerCap: false }));
    expect(perLine.grr.value).toBeCloseTo(100 / 150, 4); // core kept 100 of 100, forecasting 0 of 50
    expect(perLine.nrr.value).toBe(1);
  });

  it('mid-period changes count by where the customer ends the period', () => {
    const m = metrics([
      c('z', '2024-01-01', '2025-04-30', 100),
      c('z', '2025-05-01', '2025-09-30', 300),
      c('z', '2025-10-01', '2026-09-30', 120),
    ]);
    expect(m.movements).toMatchObject({ expansion: 20, contraction: 0 });
  });

  it('a multi-year contract is steady ARR every year, and a late renewal within the grace is not churn', () => {
    const multi = [c('m', '2024-01-01', '2026-12-31', 90)];
    for (const w of periodWindows('year', '2024-01-01', '2026-12-31').slice(1))
      expect(
        computePeriodMetrics(w, { revenue: customerRevenue(multi, DEFAULT_CONVENTIONS) }, DEFAULT_CONVENTIONS)
          .grr.value,
      ).toBe(1);
    const late = [c('l', '2024-07-01', '2025-06-30', 100), c('l', '2025-07-20', '2026-07-19', 100)];
    const q3 = periodWindows('quarter', '2025-07-01', '2025-09-30')[0]!;
    const m = computePeriodMetrics(
      q3,
      { revenue: customerRevenue(late, DEFAULT_CONVENTIONS) },
      DEFAULT_CONVENTIONS,
    );
    expect(m.movements).toMatchObject({ churn: 0, new: 0, reactivation: 0 });
    expect(m.logoRetention.value).toBe(1);
  });

  it('free and zero-revenue accounts are not customers; a period with no customers is "not defined", not NaN', () => {
    const m = metrics([c('free', '2024-01-01', '2026-12-31', 0)]);
    expect(m.customers.start).toBe(0);
    for (const r of [m.grr, m.nrr, m.logoRetention, m.quickRatio]) {
      expect(r.value).toBeNull();
      expect(r.reason).toMatch(/no /);
    }
    expect(JSON.stringify(m)).not.toContain('NaN');
  });

  it('renewal-due denominators only count customers whose term ended in the period', () => {
    const contracts = [
      c('a', '2024-01-01', '2026-12-31', 100),
      c('b', '2024-03-01', '2025-02-28', 100),
      c('b', '2025-03-01', '2026-02-28', 100),
      c('d', '2024-05-01', '2025-04-30', 100, { status: 'churned', churnedAt: '2025-04-30' }),
    ];
    expect(metrics(contracts).logoRetention.value).toBeCloseTo(2 / 3, 4);
    expect(
      metrics(contracts, metricConventionsSchema.parse({ denominator: 'renewal-due' })).logoRetention.value,
    ).toBe(0.5);
  });

  it('a payment failed and not paid within the convention counts as churn', () => {
    const contracts = [c('p', '2024-01-01', '2026-12-31', 100), c('q', '2024-01-01', '2026-12-31', 100)];
    const conv = metricConventionsSchema.parse({ failedPaymentChurnDays: 30 });
    const failedPayments = new Map([
      ['p', [{ failedDay: toDay('2025-06-01'), paidDay: null }]],
      ['q', [{ failedDay: toDay('2025-06-01'), paidDay: toDay('2025-06-10') }]],
    ]);
    const m = computePeriodMetrics(
      year2025,
      { revenue: customerRevenue(contracts, conv), failedPayments },
      conv,
    );
    expect(m.logoRetention.value).toBe(0.5);
    expect(m.movements.churn).toBe(100);
  });

  it('a customer already churned by an unpaid failure before the period is not in its base', () => {
    const contracts = [c('p', '2024-01-01', '2026-12-31', 100), c('q', '2024-01-01', '2026-12-31', 300)];
    const conv = metricConventionsSchema.parse({ failedPaymentChurnDays: 30 });
    // p's payment failed in 2024 and was never paid: churned from 2024-11-30, before 2025 starts
    const failedPayments = new Map([['p', [{ failedDay: toDay('2024-10-31'), paidDay: null }]]]);
    const m = computePeriodMetrics(
      year2025,
      { revenue: customerRevenue(contracts, conv), failedPayments },
      conv,
    );
    expect(m.customers.start).toBe(1);
    expect(m.startArr).toBe(300);
    expect(m.logoRetention.value).toBe(1);
    expect(m.grr.value).toBe(1);
    expect(m.movements.churn).toBe(0);
  });

  it('converts currencies, and refuses mixed currencies without a rate', () => {
    const eur = [
      c('e', '2024-01-01', '2026-12-31', 100, { currency: 'EUR' }),
      c('u', '2024-01-01', '2026-12-31', 100),
    ];
    expect(() => metrics(eur)).toThrow(/EUR.*no rate to USD/);
    const conv = metricConventionsSchema.parse({ rates: { EUR: 1.1 } });
    expect(metrics(eur, conv).startArr).toBeCloseTo(210, 6);
  });

  it('splits retention by the health band at the start of the period', () => {
    const contracts = [
      c('h', '2024-01-01', '2026-12-31', 100),
      c('r', '2024-01-01', '2025-03-31', 100, { status: 'churned', churnedAt: '2025-03-31' }),
    ];
    const rows = retentionByBand(
      year2025,
      { revenue: customerRevenue(contracts, DEFAULT_CONVENTIONS) },
      DEFAULT_CONVENTIONS,
      new Map([
        ['h', 'healthy'],
        ['r', 'critical'],
      ]),
    );
    const by = Object.fromEntries(rows.map((r) => [r.band, r]));
    expect(by.healthy!.logoRetention.value).toBe(1);
    expect(by.critical!.logoRetention.value).toBe(0);
    expect(by['at-risk']!.logoRetention.value).toBeNull();
  });
});

describe('properties that hold for any portfolio', () => {
  const contractArb = fc
    .record({
      account: fc.constantFrom('a', 'b', 'c', 'd'),
      startOffset: fc.integer({ min: 0, max: 1000 }),
      length: fc.integer({ min: 1, max: 800 }),
      arr: fc.integer({ min: 0, max: 1000 }),
    })
    .map((r) => {
      const start = new Date(Date.UTC(2023, 0, 1) + r.startOffset * 86_400_000).toISOString().slice(0, 10);
      const end = new Date(Date.UTC(2023, 0, 1) + (r.startOffset + r.length) * 86_400_000)
        .toISOString()
        .slice(0, 10);
      return c(r.account, start, end, r.arr);
    });
  it('movements reconcile start to end ARR; 0 ≤ GRR ≤ 1; NRR ≥ GRR; no NaN', () => {
    fc.assert(
      fc.property(
        fc.array(contractArb, { maxLength: 12 }),
        fc.constantFrom<'month' | 'quarter' | 'year'>('month', 'quarter', 'year'),
        (contracts, period) => {
          for (const w of periodWindows(period, '2024-01-01', '2025-12-31')) {
            const m = metrics(contracts, DEFAULT_CONVENTIONS, w);
            const mv = m.movements;
            expect(
              m.startArr + mv.new + mv.expansion + mv.reactivation - mv.contraction - mv.churn,
            ).toBeCloseTo(m.endArr, 6);
            if (m.grr.value !== null) {
              expect(m.grr.value).toBeGreaterThanOrEqual(0);
              expect(m.grr.value).toBeLessThanOrEqual(1);
              expect(m.nrr.value!).toBeGreaterThanOrEqual(m.grr.value - 1e-9);
            }
            expect(JSON.stringify(m)).not.toContain('NaN');
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('cohorts, time to value and the compound projection', () => {
  it('builds a cohort table that starts at 100% and never counts a customer twice', () => {
    const contracts = [
      c('a', '2025-01-10', '2025-12-31', 100),
      c('b', '2025-01-20', '2025-02-28', 100, { status: 'churned', churnedAt: '2025-02-28' }),
      c('d', '2025-02-05', '2026-02-04', 50),
    ];
    const rows = computeCohorts(
      customerRevenue(contracts, DEFAULT_CONVENTIONS),
      'month',
      toDay('2025-04-30'),
    );
    expect(rows.map((r) => [r.cohort, r.customers])).toEqual([
      ['2025-01', 2],
      ['2025-02', 1],
    ]);
    expect(rows[0]!.logo).toEqual([1, 1, 0.5, 0.5]);
    expect(rows[0]!.revenue).toEqual([1, 1, 0.5, 0.5]);
    expect(rows[1]!.logo).toEqual([1, 1, 1]);
  });

  it('measures time to value from the first contract to the first milestone', () => {
    const rev = customerRevenue(
      [
        c('a', '2025-01-01', '2025-12-31', 10),
        c('b', '2025-01-01', '2025-12-31', 10),
        c('n', '2025-01-01', '2025-12-31', 10),
      ],
      DEFAULT_CONVENTIONS,
    );
    const ttv = computeTimeToValue(
      rev,
      new Map([
        ['a', [toDay('2025-01-21')]],
        ['b', [toDay('2024-12-01'), toDay('2025-03-01')]],
      ]),
    );
    expect(ttv).toMatchObject({ customers: 3, reached: 2, notYet: 1, medianDays: 40 });
    expect(ttv.buckets.find((b) => b.label === '0–30 days')!.customers).toBe(1);
  });

  it('projects 85% vs 95% annual retention over three years', () => {
    const p = projectCompoundRetention([
      { label: 'measured', annualRetention: 0.85 },
      { label: 'target', annualRetention: 0.95 },
    ]);
    expect(p.scenarios[0]!.retainedByYear).toEqual([1, 0.85, 0.7225, 0.6141]);
    expect(p.gapPoints).toBe(24.3);
    expect(p.relativeGap).toBeCloseTo(0.396, 3);
  });
});

describe('issue 16 reproduction: movements on period boundaries', () => {
  const contracts = [
    c('a1', '2025-01-01', '2025-03-31', 1200, { status: 'churned', churnedAt: '2025-03-31' }),
    c('a2', '2025-01-15', '2025-04-14', 1200, { status: 'churned', churnedAt: '2025-04-14' }),
  ];
  const months = periodWindows('month', '2025-01-01', '2025-06-30');
  const rev = customerRevenue(contracts, DEFAULT_CONVENTIONS);
  const byMonth = months.map((w) => computePeriodMetrics(w, { revenue: rev }, DEFAULT_CONVENTIONS));
  const one = (id: string) =>
    months.map((w) => computePeriodMetrics(w, { revenue: rev }, DEFAULT_CONVENTIONS, new Set([id])));

  it('a1 is new 1,200 in January and churns 1,200 in April (its last day 03-31 is live; the loss takes effect 04-01)', () => {
    const a1 = one('a1');
    expect(a1.map((m) => m.movements.new)).toEqual([1200, 0, 0, 0, 0, 0]);
    expect(a1.map((m) => m.movements.churn)).toEqual([0, 0, 0, 1200, 0, 0]);
    expect(a1.map((m) => m.endArr)).toEqual([1200, 1200, 1200, 0, 0, 0]);
  });
  it('a2 is new in January and churns in April; March ends at 2,400 and April starts there', () => {
    expect(one('a2').map((m) => m.movements.churn)).toEqual([0, 0, 0, 1200, 0, 0]);
    expect(byMonth.map((m) => m.endArr)).toEqual([2400, 2400, 2400, 0, 0, 0]);
    for (let i = 1; i < byMonth.length; i++) expect(byMonth[i]!.startArr).toBe(byMonth[i - 1]!.endArr);
    expect(byMonth[3]!.movements).toEqual({
      new: 0,
      expansion: 0,
      contraction: 0,
      churn: 2400,
      reactivation: 0,
    });
  });
  it('event movements date each change on the day it takes effect', () => {
    const conv = { ...DEFAULT_CONVENTIONS, movementBasis: 'event' as const };
    const days = [...rev.values()].flatMap((r) =>
      movementEvents(r, toDay('2025-01-01'), toDay('2025-06-30'), conv).map((e) => [
        e.accountId,
        dayIso(e.day),
        e.kind,
        e.amount,
      ]),
    );
    expect(days).toEqual([
      ['a1', '2025-01-01', 'new', 1200],
      ['a1', '2025-04-01', 'churn', 1200],
      ['a2', '2025-01-15', 'new', 1200],
      ['a2', '2025-04-15', 'churn', 1200],
    ]);
  });
});

describe('churn reason codes from free text', () => {
  it('keeps taxonomy codes, maps common phrasings, and calls the rest other', async () => {
    const { reasonCodeOf } = await import('./churn-reasons.ts');
    expect(
      [
        'competitor',
        'Champion left',
        'switched to a competitor',
        'too expensive for the value',
        'budget cut',
        'acquired; tools consolidated',
        'reliability and support problems',
        'low adoption',
        'stopped paying; cancelled mid-term',
        'no perceived value',
        '',
        null,
      ].map(reasonCodeOf),
    ).toEqual([
      'competitor',
      'champion_left',
      'competitor',
      'pricing',
      'budget',
      'business_change',
      'support',
      'onboarding',
      'payment',
      'other',
      'unknown',
      'unknown',
    ]);
  });
});
