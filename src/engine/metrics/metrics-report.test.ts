import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../store/database.ts';
import { openTestStore, TEST_STORE_KINDS } from '../../store/test-stores.ts';
import { contextForStore, type EngineContext, fixedClock } from '../context.ts';
import { computeCohortReport, computeMetricsReport } from './metrics-report.ts';

const account = (id: string, segment: string, owner: string) => ({
  id,
  name: `Account ${id}`,
  segment,
  industry: null,
  owner,
  parent_id: null,
  lifecycle_stage: 'active',
  created_at: '2024-01-01',
  traits: '{}',
  tags: '[]',
  updated_at: '2024-01-01T00:00:00Z',
});
const contract = (
  id: string,
  accountId: string,
  start: string,
  end: string,
  arr: number,
  extra: { status?: string; churned_at?: string; currency?: string; churn_reason?: string } = {},
) => ({
  id,
  account_id: accountId,
  start_date: start,
  end_date: end,
  arr,
  currency: extra.currency ?? 'USD',
  seats: null,
  plan: 'pro',
  products: '[]',
  status: extra.status ?? 'active',
  churned_at: extra.churned_at ?? null,
  churn_reason: extra.churn_reason ?? null,
});
const event = (id: string, accountId: string, type: string, time: string, properties: object = {}) => ({
  id,
  account_id: accountId,
  contact_id: null,
  type,
  time,
  properties: JSON.stringify(properties),
  ingested_at: '2026-01-01T00:00:00Z',
});
const score = (accountId: string, asOf: string, band: string) => ({
  account_id: accountId,
  as_of: asOf,
  model_version: 1,
  score: band === 'healthy' ? 80 : band === 'at-risk' ? 55 : 30,
  band,
  coverage: 1,
  detail: '{}',
  computed_at: `${asOf}T00:00:00Z`,
});

/**
 * The portfolio, hand-computed for 2025-Q2 (2025-04-01 .. 2025-06-30):
 * - a1 (smb, u1): 12,000 all year + a 3,000 add-on from May → expansion 3,000 (start 12,000, end 15,000)
 * - a2 (smb, u1): 10,000 term to 2025-06-30, cancelled 2025-05-15 → churn 10,000
 * - a3 (ent, u2): a two-year 20,000 contract 2024–2025 → steady
 * - a4 (smb, u2): starts 2025-05-01 at 6,000 → new
 * Base start ARR 42,000; GRR = (12,000 + 0 + 20,000) / 42,000; NRR = 35,000 / 42,000; logos 2/3;
 * quick ratio = (6,000 + 3,000) / 10,000; end ARR = 42,000 + 6,000 + 3,000 − 10,000 = 41,000.
 */
async function seed(store: Store): Promise<void> {
  await store.db
    .insertInto('accounts')
    .values([
      account('a1', 'smb', 'u1'),
      account('a2', 'smb', 'u1'),
      account('a3', 'ent', 'u2'),
      account('a4', 'smb', 'u2'),
    ])
    .execute();
  await store.db
    .insertInto('contracts')
    .values([
      contract('c1', 'a1', '2025-01-01', '2025-12-31', 12_000),
      contract('c1b', 'a1', '2025-05-01', '2025-12-31', 3_000),
      contract('c2', 'a2', '2024-07-01', '2025-06-30', 10_000, {
        status: 'churned',
        churned_at: '2025-05-15',
      }),
      contract('c3', 'a3', '2024-01-01', '2025-12-31', 20_000),
      contract('c4', 'a4', '2025-05-01', '2026-04-30', 6_000),
    ])
    .execute();
  await store.db
    .insertInto('events')
    .values([
      event('e1', 'a1', 'value_milestone', '2025-02-10T10:00:00Z', { milestone: 'first-report' }),
      event('e2', 'a1', 'value_milestone', '2025-03-01T10:00:00Z', { milestone: 'second' }),
      // before its first contract: not time to value
      event('e3', 'a3', 'value_milestone', '2023-12-01T10:00:00Z', { milestone: 'pilot' }),
      event('e4', 'a3', 'value_milestone', '2024-01-31T10:00:00Z', { milestone: 'live' }),
      event('p1', 'a3', 'payment_failed', '2025-05-01T00:00:00Z', { invoiceId: 'inv-1' }),
      event('p2', 'a1', 'payment_failed', '2025-04-10T00:00:00Z', { invoiceId: 'inv-2' }),
      event('p3', 'a1', 'invoice_paid', '2025-04-20T00:00:00Z', { invoiceId: 'inv-2' }),
    ])
    .execute();
  await store.db
    .insertInto('scores')
    .values([
      score('a1', '2025-03-01', 'critical'),
      score('a1', '2025-03-31', 'healthy'),
      // after the period start: must not decide the band at the start
      score('a1', '2025-04-15', 'critical'),
      score('a2', '2025-02-01', 'at-risk'),
    ])
    .execute();
}

describe.each(TEST_STORE_KINDS)('metrics report on %s', (kind) => {
  let store: Store;
  let ctx: EngineContext;
  beforeAll(async () => {
    store = await openTestStore(kind);
    await seed(store);
    ctx = contextForStore(store, { clock: fixedClock('2026-03-01T12:00:00Z') });
  });
  afterAll(async () => {
    await store.close();
  });
  const q2 = { period: 'quarter' as const, from: '2025-04-01', to: '2025-06-30' };

  it('computes movements, GRR, NRR, logo retention and the quick ratio from stored contracts', async () => {
    const r = await computeMetricsReport(ctx, q2);
    expect(r.periods).toHaveLength(1);
    const p = r.periods[0]!;
    expect(p.label).toBe('2025-Q2');
    expect(p.movements).toEqual({
      new: 6_000,
      expansion: 3_000,
      contraction: 0,
      churn: 10_000,
      reactivation: 0,
    });
    expect(p.startArr).toBe(42_000);
    expect(p.endArr).toBe(41_000);
    expect(p.startArr + p.movements.new + p.movements.expansion - p.movements.churn).toBe(p.endArr);
    expect(p.grr.value).toBeCloseTo(32_000 / 42_000, 4);
    expect(p.nrr.value).toBeCloseTo(35_000 / 42_000, 4);
    expect(p.logoRetention.value).toBeCloseTo(2 / 3, 4);
    expect(p.customerChurnRate.value).toBeCloseTo(1 / 3, 3);
    expect(p.quickRatio.value).toBeCloseTo(0.9, 4);
    expect(p.customers).toMatchObject({ start: 3, end: 3, new: 1, churned: 1, retained: 2 });
    // the conventions used travel with the result
    expect(r.conventions).toMatchObject({
      grrPerCustomerCap: true,
      currency: 'USD',
      denominator: 'whole-base',
    });
  });

  it('filters by segment and by owner', async () => {
    const smb = (await computeMetricsReport(ctx, { ...q2, segment: 'smb' })).periods[0]!;
    expect(smb.startArr).toBe(22_000);
    expect(smb.grr.value).toBeCloseTo(12_000 / 22_000, 4);
    expect(smb.nrr.value).toBeCloseTo(15_000 / 22_000, 4);
    const u2 = (await computeMetricsReport(ctx, { ...q2, owner: 'u2' })).periods[0]!;
    expect(u2.grr.value).toBe(1);
    expect(u2.movements.new).toBe(6_000);
    expect(u2.movements.churn).toBe(0);
  });

  it('splits retention by the band of the latest score on or before the period start', async () => {
    const byBand = (await computeMetricsReport(ctx, q2)).periods[0]!.byBand;
    const band = (b: string) => byBand.find((x) => x.band === b)!;
    expect(band('healthy')).toMatchObject({ customers: 1, startArr: 12_000 });
    expect(band('healthy').nrr.value).toBe(1.25);
    expect(band('at-risk').logoRetention.value).toBe(0);
    expect(band('unscored')).toMatchObject({ customers: 1, startArr: 20_000 });
    // no critical customer at the start: "not defined" with a reason, never NaN
    expect(band('critical').grr.value).toBeNull();
    expect(band('critical').grr.reason).toMatch(/no paying customers/);
  });

  it('measures time to value from the first contract to the first milestone on or after it', async () => {
    const ttv = (await computeMetricsReport(ctx, q2)).timeToValue;
    expect(ttv).toMatchObject({ customers: 4, reached: 2, notYet: 2, medianDays: 35 });
    expect((await computeMetricsReport(ctx, q2)).timeToValueSince).toBe('2023-12-01');
    expect(ttv.buckets.find((b) => b.label.startsWith('0'))!.customers).toBe(1);
    expect(ttv.buckets.find((b) => b.label.startsWith('31'))!.customers).toBe(1);
  });

  it('leaves customers who started before the event history out of time to value', async () => {
    const late = await openTestStore(kind);
    try {
      await seed(late);
      // history now begins after a3 (2024-01-01) and a2 (2024-07-01) started
      await late.db.deleteFrom('events').where('time', '<', '2024-09-01').execute();
      const r = await computeMetricsReport(contextForStore(late, { clock: ctx.clock }), q2);
      expect(r.timeToValueSince).toBe('2025-02-10');
      // only a4 (2025-05-01) started since; a1 (2025-01-01) predates the first stored event too
      expect(r.timeToValue).toMatchObject({ customers: 1, reached: 0, medianDays: null });
    } finally {
      await late.close();
    }
  });

  it('projects the compound effect from the measured trailing-twelve-month GRR', async () => {
    const r = await computeMetricsReport(ctx, { ...q2, targetRetention: 0.95 });
    // TTM to 2025-06 starts 2024-07-01: the base is who paid at the end of 2024-06-30, a3 (20,000)
    // only; a2 started on the window's first day, so it is new business in the window, not base
    expect(r.projection!.scenarios[0]!.annualRetention).toBe(1);
    expect(r.projection!.scenarios[1]!.annualRetention).toBe(0.95);
    // a TTM from 2024-08 has a2 in its base (10,000 of 30,000 lost by 2025-07-31)
    const later = await computeMetricsReport(ctx, { ...q2, to: '2025-07-31', targetRetention: 0.95 });
    expect(later.projection!.scenarios[0]!.annualRetention).toBeCloseTo(2 / 3, 4);
    expect(later.projection!.gapPoints).toBeGreaterThan(0);
  });

  it('splits churned ARR and logos by reason: the churn event first, else the contract reason, else unknown', async () => {
    const st = await openTestStore(kind);
    try {
      await seed(st);
      await st.db
        .insertInto('accounts')
        .values([account('a5', 'smb', 'u1'), account('a6', 'smb', 'u1')])
        .execute();
      await st.db
        .insertInto('contracts')
        .values([
          contract('c5', 'a5', '2024-06-01', '2025-05-31', 4_000, {
            status: 'churned',
            churned_at: '2025-05-31',
            churn_reason: 'Too expensive',
          }),
          contract('c6', 'a6', '2024-06-01', '2025-04-30', 1_000, {
            status: 'churned',
            churned_at: '2025-04-30',
          }),
        ])
        .execute();
      await st.db
        .insertInto('events')
        .values([
          // notice given weeks before the loss (a2 stops after 2025-05-15)
          event('ch1', 'a2', 'churn_event', '2025-04-20T09:00:00Z', {
            reasonCode: 'competitor',
            reactivation: false,
          }),
          // a reactivation event is not a reason
          event('ch2', 'a6', 'churn_event', '2025-05-02T09:00:00Z', {
            reasonCode: 'budget',
            reactivation: true,
          }),
        ])
        .execute();
      const r = await computeMetricsReport(contextForStore(st, { clock: ctx.clock }), q2);
      const p = r.periods[0]!;
      expect(p.churnReasons).toEqual([
        { reason: 'competitor', arr: 10_000, logos: 1 },
        { reason: 'pricing', arr: 4_000, logos: 1 },
        { reason: 'unknown', arr: 1_000, logos: 1 },
      ]);
      // the reasons add up to the churn movement
      expect(p.churnReasons.reduce((s, x) => s + x.arr, 0)).toBe(p.movements.churn);
    } finally {
      await st.close();
    }
  });

  it('counts an unpaid failed payment as churn only under that convention', async () => {
    const p = (await computeMetricsReport(ctx, { ...q2, conventions: { failedPaymentChurnDays: 30 } }))
      .periods[0]!;
    // a3's invoice failed 2025-05-01, never paid → churned 2025-05-31; a1 paid its within days
    expect(p.movements.churn).toBe(30_000);
    expect(p.grr.value).toBeCloseTo(12_000 / 42_000, 4);
    expect(p.customers.churned).toBe(2);
  });

  it('converts to the reporting currency and refuses contracts it has no rate for', async () => {
    await expect(computeMetricsReport(ctx, { ...q2, conventions: { currency: 'EUR' } })).rejects.toThrow(
      /no rate to EUR/,
    );
    const eur = (
      await computeMetricsReport(ctx, { ...q2, conventions: { currency: 'EUR', rates: { USD: 0.5 } } })
    ).periods[0]!;
    expect(eur.startArr).toBe(21_000);
    expect(eur.grr.value).toBeCloseTo(32_000 / 42_000, 4);
  });

  it('reports "not defined" (null with a reason) for a scope with no customers, and no projection', async () => {
    const r = await computeMetricsReport(ctx, { ...q2, segment: 'nobody' });
    const p = r.periods[0]!;
    for (const m of [p.grr, p.nrr, p.logoRetention, p.customerChurnRate, p.revenueChurnRate]) {
      expect(m.value).toBeNull();
      expect(m.reason).toBeTruthy();
    }
    expect(JSON.stringify(r)).not.toMatch(/NaN/);
    expect(r.projection).toBeNull();
  });

  it('rejects an inverted date range', async () => {
    await expect(
      computeMetricsReport(ctx, { period: 'month', from: '2025-06-01', to: '2025-01-01' }),
    ).rejects.toThrow(/invalid range/);
  });

  it('builds quarterly logo and revenue cohorts up to today', async () => {
    const { rows, by } = await computeCohortReport(ctx, { by: 'quarter' });
    expect(by).toBe('quarter');
    expect(rows.map((r) => r.cohort)).toEqual(['2024-Q1', '2024-Q3', '2025-Q1', '2025-Q2']);
    const row = (c: string) => rows.find((r) => r.cohort === c)!;
    // a2 (2024-Q3) is gone by the end of 2025-Q2, its fourth quarter
    expect(row('2024-Q3').logo.slice(0, 4)).toEqual([1, 1, 1, 0]);
    // a1 (2025-Q1) expanded 12,000 → 15,000 in Q2; its contracts end 2025-12-31 → 0 in 2026-Q1
    expect(row('2025-Q1').revenue).toEqual([1, 1.25, 1.25, 1.25, 0]);
    expect(row('2025-Q2')).toMatchObject({ customers: 1, startArr: 6_000 });
    expect(row('2025-Q2').logo[0]).toBe(1);
  });
});
