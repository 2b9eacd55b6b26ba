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
  /** Who churned in the period, with the ARR lost and the day the loss took effect (for reasons). */
  churned: { accountId: string; arr: number; day: number }[];
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

type Interval = CustomerRevenue['intervals'][number];

/**
 * The renewal grace, for event movements only: a product line that lapses and comes back (the same
 * line: same products, else same plan) within `graceDays`, with the whole gap inside [from, to],
 * is treated as never having lapsed. A gap that spans a period end is not bridged: the snapshot
 * at that period end (= accounts-list ARR) is lower, so the bridge needs the movement.
 */
function gracedIntervals(intervals: Interval[], graceDays: number, from: number, to: number): Interval[] {
  if (graceDays <= 0) return intervals;
  const out = intervals.map((i) => ({ ...i }));
  for (const a of out) {
    const gapStart = a.end + 1;
    if (gapStart < from || gapStart > to) continue;
    let next: Interval | undefined;
    for (const b of out)
      if (b.line === a.line && b.start > a.end && (next === undefined || b.start < next.start)) next = b;
    // another interval of the same line covering the day after: no gap
    if (out.some((b) => b !== a && b.line === a.line && b.start <= gapStart && b.end >= gapStart)) continue;
    if (next && next.start - gapStart <= graceDays && next.start <= to) a.end = next.start - 1;
  }
  return out;
}

/** Days in [from, to] on which a customer's ARR may change: a start, or the day after a last day. */
function changeDays(intervals: Interval[], from: number, to: number): number[] {
  const days = new Set<number>();
  for (const i of intervals) {
    if (i.start >= from && i.start <= to) days.add(i.start);
    if (i.end + 1 >= from && i.end + 1 <= to) days.add(i.end + 1);
  }
  return [...days].sort((a, b) => a - b);
}

/** The dated changes of a customer's ARR in [from, to], each classified as one movement. */
export type MovementEvent = {
  accountId: string;
  day: number;
  kind: keyof Movements;
  amount: number;
  before: number;
  after: number;
};

export function movementEvents(
  rev: CustomerRevenue,
  from: number,
  to: number,
  conv: MetricConventions,
): MovementEvent[] {
  const intervals = gracedIntervals(rev.intervals, conv.renewalGraceDays, from, to);
  const graced = { ...rev, intervals };
  const out: MovementEvent[] = [];
  for (const day of changeDays(intervals, from, to)) {
    const before = arrOn(graced, day - 1);
    const after = arrOn(graced, day);
    if (before === after) continue;
    let kind: keyof Movements;
    if (before === 0) {
      const last = lastRevenueBefore(rev, day);
      kind = last !== null && day - last <= conv.reactivationWindowDays ? 'reactivation' : 'new';
    } else if (after === 0) kind = 'churn';
    else kind = after > before ? 'expansion' : 'contraction';
    out.push({ accountId: rev.accountId, day, kind, amount: Math.abs(after - before), before, after });
  }
  return out;
}

/**
 * Revenue movements and retention for one period [first day, last day]. A customer's **start**
 * is its ARR at the end of the day before the period (= the previous period's end), its **end**
 * its ARR on the last day; both by the one contract rule, so start = previous end always and
 * a change on a boundary day belongs to the period containing the day it takes effect (a
 * contract whose last day is 03-31 is lost on 04-01, in April).
 *
 * Movements (`movementBasis`):
 * - `period` (default; the month-spine convention): one movement per customer per period from
 *   start vs end — churn (end 0), expansion/contraction, new or reactivation (start 0; reactivation
 *   when it had revenue within the reactivation window before coming back); a customer who starts
 *   and leaves inside the period: excluded, or new + churn of its peak (`samePeriodStartAndChurn`).
 * - `event`: every dated change is one movement (see `movementEvents`); the renewal grace
 *   bridges a same-line lapse inside the period.
 * Either way start + new + expansion + reactivation − contraction − churn = end.
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
  const churned: PeriodMetrics['churned'] = [];
  const before = w.startDay - 1;
  const byEvent = conv.movementBasis === 'event';
  for (const rev of inputs.revenue.values()) {
    if (accountIds && !accountIds.has(rev.accountId)) continue;
    let a = arrOn(rev, before);
    let b = arrOn(rev, w.endDay);
    const payChurn = paymentChurnDay(inputs.failedPayments?.get(rev.accountId), conv, w.endDay);
    if (payChurn !== null) {
      b = 0;
      if (payChurn <= before) a = 0;
    }
    startArr += a;
    endArr += b;
    if (a > 0) n.start++;
    if (b > 0) n.end++;
    if (a > 0) {
      const inBase =
        conv.denominator === 'whole-base' ||
        b === 0 ||
        rev.intervals.some((i) => i.end >= before && i.end < w.endDay);
      if (b === 0) n.churned++;
      else n.retained++;
      if (inBase) {
        baseLogos++;
        if (b > 0) retainedLogos++;
        baseStart += a;
        baseEnd += b;
        if (conv.grrPerCustomerCap || payChurn !== null) baseGross += Math.min(a, b);
        else {
          const lines = new Set(rev.intervals.map((i) => i.line));
          for (const l of lines) baseGross += Math.min(arrOn(rev, before, l), arrOn(rev, w.endDay, l));
        }
      }
    }
    if (byEvent && payChurn === null) {
      for (const e of movementEvents(rev, w.startDay, w.endDay, conv)) {
        mv[e.kind] += e.amount;
        if (e.kind === 'churn') churned.push({ accountId: rev.accountId, arr: e.amount, day: e.day });
        if (e.kind === 'new') n.new++;
        else if (e.kind === 'reactivation') n.reactivated++;
      }
      continue;
    }
    if (a > 0) {
      if (b === 0) {
        mv.churn += a;
        const last = lastRevenueBefore(rev, w.endDay + 1);
        const day = payChurn ?? (last === null ? w.startDay : last + 1);
        churned.push({ accountId: rev.accountId, arr: a, day });
      } else if (b > a) mv.expansion += b - a;
      else if (b < a) mv.contraction += a - b;
    } else if (b > 0) {
      // the gap between leaving and coming back decides reactivation vs new
      let back = Number.POSITIVE_INFINITY;
      for (const i of rev.intervals)
        if (i.end >= w.startDay && i.start <= w.endDay) back = Math.min(back, Math.max(i.start, w.startDay));
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
        const last = lastRevenueBefore(rev, w.endDay + 1);
        churned.push({ accountId: rev.accountId, arr: peak, day: last === null ? w.endDay : last + 1 });
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
    churned,
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
