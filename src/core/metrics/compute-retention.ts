import type { Band } from '../scoring/score-result.ts';
import type { MetricConventions } from './conventions.ts';
import { arrOn, type CustomerRevenue, lastRevenueBefore, peakArrIn } from './customer-arr.ts';
import type { PeriodWindow } from './periods.ts';

export type Movements = {
  new: number;
  expansion: number;
  contraction: number;
  churn: number;
  reactivation: number;
};
export type Counts = {
  start: number;
  end: number;
  new: number;
  churned: number;
  reactivated: number;
  retained: number;
};

/** A ratio, or null with the reason when it is not defined (never NaN). */
export type Ratio = { value: number | null; reason?: string };

export type PeriodMetrics = {
  label: string;
  start: string;
  end: string;
  startArr: number;
  endArr: number;
  movements: Movements;
  customers: Counts;
  grr: Ratio;
  nrr: Ratio;
  logoRetention: Ratio;
  customerChurnRate: Ratio;
  revenueChurnRate: Ratio;
  quickRatio: Ratio;
};

export type RetentionInputs = {
  revenue: Map<string, CustomerRevenue>;
  /** Per account: days a payment failed and the day it was finally paid (null if never). */
  failedPayments?: Map<string, { failedDay: number; paidDay: number | null }[]>;
};

const ratio = (num: number, den: number, reason: string): Ratio =>
  den > 0 ? { value: Math.round((num / den) * 10_000) / 10_000 } : { value: null, reason };

/** First day from which a failed, unpaid payment counts as churn, or null. */
function paymentChurnDay(
  failures: { failedDay: number; paidDay: number | null }[] | undefined,
  conv: MetricConventions,
  before: number,
): number | null {
  if (!failures || conv.failedPaymentChurnDays === null) return null;
  for (const f of failures) {
    const due = f.failedDay + conv.failedPaymentChurnDays;
    if (due <= before && (f.paidDay === null || f.paidDay > due)) return due;
  }
  return null;
}

/**
 * Revenue movements and retention for one period. The rules:
 * - a customer's ARR at the start (first day) and the end (last day) of the period decides its movement;
 * - start > 0, end = 0: churn (only when every subscription has ended; a partial cancellation is contraction);
 * - start > 0, end above or below start: expansion or contraction;
 * - start = 0, end > 0: reactivation when it had revenue within the reactivation window before, else new;
 * - start and end 0 with revenue inside the period: excluded, or new + churn (convention).
 * GRR = Σ min(end, start) / Σ start over the base (per customer, or per product line without the cap);
 * NRR = Σ end / Σ start over the base; logo retention = base customers still paying / base customers.
 */
export function computePeriodMetrics(
  w: PeriodWindow,
  inputs: RetentionInputs,
  conv: MetricConventions,
  accountIds?: Set<string>,
): PeriodMetrics {
  const mv: Movements = { new: 0, expansion: 0, contraction: 0, churn: 0, reactivation: 0 };
  const n: Counts = { start: 0, end: 0, new: 0, churned: 0, reactivated: 0, retained: 0 };
  let baseStart = 0;
  let baseEnd = 0;
  let baseGross = 0;
  let startArr = 0;
  let endArr = 0;
  let baseLogos = 0;
  let retainedLogos = 0;
  for (const rev of inputs.revenue.values()) {
    if (accountIds && !accountIds.has(rev.accountId)) continue;
    let a = arrOn(rev, w.startDay);
    let b = arrOn(rev, w.endDay);
    const payChurn = paymentChurnDay(inputs.failedPayments?.get(rev.accountId), conv, w.endDay);
    if (payChurn !== null) {
      b = 0;
      if (payChurn < w.startDay) a = 0;
    }
    startArr += a;
    endArr += b;
    if (a > 0) n.start++;
    if (b > 0) n.end++;
    const renewalDue = rev.intervals.some((i) => i.end >= w.startDay && i.end <= w.endDay);
    const inBase = a > 0 && (conv.denominator === 'whole-base' || renewalDue || b === 0);
    if (a > 0) {
      if (b === 0) {
        mv.churn += a;
        n.churned++;
      } else {
        if (b > a) mv.expansion += b - a;
        else if (b < a) mv.contraction += a - b;
        n.retained++;
      }
      if (inBase) {
        baseLogos++;
        if (b > 0) retainedLogos++;
        baseStart += a;
        baseEnd += b;
        if (conv.grrPerCustomerCap) baseGross += Math.min(a, b);
        else {
          const lines = new Set(rev.intervals.map((i) => i.line));
          for (const l of lines) baseGross += Math.min(arrOn(rev, w.startDay, l), arrOn(rev, w.endDay, l));
        }
      }
    } else if (b > 0) {
      // the gap between leaving and coming back decides reactivation vs new
      const back = rev.intervals
        .filter((i) => i.end >= w.startDay && i.start <= w.endDay)
        .reduce((m, i) => Math.min(m, Math.max(i.start, w.startDay)), Number.POSITIVE_INFINITY);
      const last = lastRevenueBefore(rev, back);
      if (last !== null && back - last <= conv.reactivationWindowDays) {
        mv.reactivation += b;
        n.reactivated++;
      } else {
        mv.new += b;
        n.new++;
      }
    } else if (conv.samePeriodStartAndChurn === 'count') {
      const peak = peakArrIn(rev, w.startDay, w.endDay);
      if (peak > 0) {
        mv.new += peak;
        mv.churn += peak;
        n.new++;
        n.churned++;
      }
    }
  }
  const none = 'no paying customers at the start of the period';
  const logo = ratio(retainedLogos, baseLogos, none);
  const grr = ratio(baseGross, baseStart, none);
  return {
    label: w.label,
    start: w.start,
    end: w.end,
    startArr,
    endArr,
    movements: mv,
    customers: n,
    grr,
    nrr: ratio(baseEnd, baseStart, none),
    logoRetention: logo,
    customerChurnRate: logo.value === null ? logo : { value: Math.round((1 - logo.value) * 10_000) / 10_000 },
    revenueChurnRate: grr.value === null ? grr : { value: Math.round((1 - grr.value) * 10_000) / 10_000 },
    quickRatio: ratio(
      mv.new + mv.expansion + mv.reactivation,
      mv.churn + mv.contraction,
      'no churn or contraction in the period',
    ),
  };
}

export type BandRetention = {
  band: Band | 'unscored';
  customers: number;
  startArr: number;
  grr: Ratio;
  nrr: Ratio;
  logoRetention: Ratio;
};

/** Retention split by each customer's health band at the start of the period: does healthy really renew more? */
export function retentionByBand(
  w: PeriodWindow,
  inputs: RetentionInputs,
  conv: MetricConventions,
  bandAtStart: Map<string, Band>,
): BandRetention[] {
  const bands: (Band | 'unscored')[] = ['healthy', 'at-risk', 'critical', 'unscored'];
  // partition once: filtering the whole portfolio per band made this four full passes per period
  const parts = new Map<Band | 'unscored', Map<string, CustomerRevenue>>(bands.map((b) => [b, new Map()]));
  for (const [id, rev] of inputs.revenue) parts.get(bandAtStart.get(id) ?? 'unscored')?.set(id, rev);
  return bands.map((band) => {
    const m = computePeriodMetrics(w, { ...inputs, revenue: parts.get(band)! }, conv);
    return {
      band,
      customers: m.customers.start,
      startArr: m.startArr,
      grr: m.grr,
      nrr: m.nrr,
      logoRetention: m.logoRetention,
    };
  });
}
