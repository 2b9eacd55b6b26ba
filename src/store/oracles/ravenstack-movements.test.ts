import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { arrOnDate, byAccount } from '../../core/contracts/contract-terms.ts';
import { type ChurnReasonRecord, churnReasons, reasonCodeOf } from '../../core/metrics/churn-reasons.ts';
import { computePeriodMetrics } from '../../core/metrics/compute-retention.ts';
import { metricConventionsSchema } from '../../core/metrics/conventions.ts';
import { customerRevenue, type MetricContract } from '../../core/metrics/customer-arr.ts';
import { periodWindows } from '../../core/metrics/periods.ts';
import { toDay } from '../../core/signals/signal-helpers.ts';
import { monthSpineMovements } from './month-spine-movements.ts';

// The public RavenStack export (read in place, never copied; see its PROVENANCE.md): 5,000
// subscriptions of 500 accounts, 80% of them open-ended, monthly and annual billing.
const ROOT = join(import.meta.dirname, '..', '..', '..');
const DIR = [
  join(ROOT, '..', 'shared', 'data', 'ravenstack'),
  join(ROOT, '..', '..', 'shared', 'data', 'ravenstack'),
].find((d) => existsSync(join(d, 'ravenstack_subscriptions.csv')));
const rows = (file: string) =>
  Papa.parse<Record<string, string>>(readFileSync(join(DIR!, file), 'utf8'), {
    header: true,
    skipEmptyLines: true,
  }).data;

describe.skipIf(!DIR)('RavenStack subscriptions (a real export shape)', () => {
  const contracts: MetricContract[] = DIR
    ? rows('ravenstack_subscriptions.csv').map((r) => ({
        id: r.subscription_id!,
        accountId: r.account_id!,
        start: r.start_date!,
        end: r.end_date ? r.end_date : null,
        billingPeriod: r.billing_frequency === 'annual' ? 'year' : 'month',
        arr: Number(r.arr_amount),
        currency: 'USD',
        products: [r.plan_tier!],
        status: r.churn_flag === 'True' ? 'churned' : 'active',
        churnedAt: r.churn_flag === 'True' && r.end_date ? r.end_date : null,
      }))
    : [];
  const conv = metricConventionsSchema.parse({ reactivationWindowDays: 100_000 });
  const windows = periodWindows('month', '2023-01-01', '2024-12-31');

  it('monthly movements equal the DuckDB month spine, the bridge holds, end ARR is the one rule', async () => {
    expect(contracts.filter((c) => c.end === null).length).toBeGreaterThan(3000);
    const revenue = customerRevenue(contracts, conv);
    const { months } = await monthSpineMovements(contracts, '2023-01-01', '2024-12-31');
    const accounts = byAccount(contracts.filter((c) => c.arr > 0));
    const totals = { new: 0, expansion: 0, contraction: 0, churn: 0, reactivation: 0 };
    for (const [i, w] of windows.entries()) {
      const m = computePeriodMetrics(w, { revenue }, conv);
      const o = months[i]!;
      expect(o.month).toBe(w.label);
      for (const k of ['new', 'expansion', 'contraction', 'churn', 'reactivation'] as const)
        expect(m.movements[k], `${w.label} ${k}`).toBeCloseTo(o[k], 6);
      expect(m.endArr).toBeCloseTo(o.endArr, 6);
      const mv = m.movements;
      expect(m.startArr + mv.new + mv.expansion + mv.reactivation - mv.contraction - mv.churn).toBeCloseTo(
        m.endArr,
        6,
      );
      let sum = 0;
      for (const list of accounts.values()) sum += arrOnDate(list, w.end);
      expect(m.endArr).toBeCloseTo(sum, 6);
      for (const k of Object.keys(totals) as (keyof typeof totals)[]) totals[k] += mv[k];
    }
    // not all zero (the issue: "every movement came out zero for 27 months"): every kind occurs
    for (const [k, v] of Object.entries(totals)) expect(v, k).toBeGreaterThan(0);
  });

  it('churn by reason adds up to the churn movement every month', () => {
    const revenue = customerRevenue(contracts, conv);
    const reasons = new Map<string, ChurnReasonRecord[]>();
    for (const r of rows('ravenstack_churn_events.csv')) {
      if (r.is_reactivation === 'True') continue;
      const list = reasons.get(r.account_id!) ?? [];
      list.push({
        accountId: r.account_id!,
        day: toDay(r.churn_date!),
        code: reasonCodeOf(r.reason_code),
        source: 'churn_event',
      });
      reasons.set(r.account_id!, list);
    }
    let explained = 0;
    for (const w of windows) {
      const m = computePeriodMetrics(w, { revenue }, conv);
      const split = churnReasons(m.churned, reasons);
      expect(split.reduce((s, x) => s + x.arr, 0)).toBeCloseTo(m.movements.churn, 6);
      expect(split.reduce((s, x) => s + x.logos, 0)).toBe(m.customers.churned);
      explained += split.filter((x) => x.reason !== 'unknown').reduce((s, x) => s + x.logos, 0);
    }
    expect(explained).toBeGreaterThan(0);
  });
});
