import type { Contract } from '../data-model/entities.ts';
import { AppError } from '../errors.ts';
import { toDay } from '../signals/signal-helpers.ts';
import type { MetricConventions } from './conventions.ts';

/** A customer's revenue as intervals of days [start, end] with ARR in the reporting currency. */
export type CustomerRevenue = {
  accountId: string;
  /** `line`: the product line (products, else plan), for per-subscription views. */
  intervals: { start: number; end: number; arr: number; line: string }[];
  /** First day of revenue (for cohorts), or null for free/zero-revenue customers. */
  firstDay: number | null;
};

/**
 * Turns contracts into per-customer revenue intervals: converted to the
 * reporting currency, a churn date (churnedAt) cutting the term short, and
 * short gaps between consecutive contracts bridged (a late renewal is not
 * churn + new). Zero-ARR contracts carry no revenue.
 */
export function customerRevenue(
  contracts: Contract[],
  conv: MetricConventions,
): Map<string, CustomerRevenue> {
  const byAccount = new Map<string, Contract[]>();
  for (const c of contracts) byAccount.set(c.accountId, [...(byAccount.get(c.accountId) ?? []), c]);
  const out = new Map<string, CustomerRevenue>();
  const missing = new Set<string>();
  for (const [accountId, list] of byAccount) {
    const intervals: { start: number; end: number; arr: number; line: string }[] = [];
    for (const c of list) {
      let rate = 1;
      if (c.currency !== conv.currency) {
        const r = conv.rates[c.currency];
        if (r === undefined) {
          missing.add(c.currency);
          continue;
        }
        rate = r;
      }
      const start = toDay(c.start);
      // an open-ended subscription runs until it churns
      let end = c.end === null ? Number.POSITIVE_INFINITY : toDay(c.end);
      if (c.status === 'churned' && c.churnedAt) end = Math.min(end, toDay(c.churnedAt));
      if (end < start || c.arr <= 0) continue;
      intervals.push({
        start,
        end,
        arr: c.arr * rate,
        line: c.products.length ? [...c.products].sort().join('+') : (c.plan ?? 'default'),
      });
    }
    intervals.sort((a, b) => a.start - b.start);
    // bridge short gaps: the earlier interval extends to the day before its successor
    for (let i = 0; i < intervals.length - 1; i++) {
      const a = intervals[i]!;
      const next = intervals.slice(i + 1).find((b) => b.start > a.end);
      if (next && next.start - a.end - 1 <= conv.renewalGraceDays && next.start - a.end > 1)
        a.end = next.start - 1;
    }
    out.set(accountId, { accountId, intervals, firstDay: intervals[0]?.start ?? null });
  }
  if (missing.size > 0)
    throw new AppError(
      'BAD_INPUT',
      `contracts in ${[...missing].join(', ')} but no rate to ${conv.currency}: give rates, e.g. --rate ${[...missing][0]}=1.08`,
    );
  return out;
}

/** ARR of a customer on a day (optionally of one product line). */
export function arrOn(rev: CustomerRevenue, day: number, line?: string): number {
  let s = 0;
  for (const i of rev.intervals)
    if (i.start <= day && i.end >= day && (line === undefined || i.line === line)) s += i.arr;
  return s;
}

/** The last day with revenue before `day`, or null. */
export function lastRevenueBefore(rev: CustomerRevenue, day: number): number | null {
  let last: number | null = null;
  for (const i of rev.intervals)
    if (i.start < day) last = Math.max(last ?? -Infinity, Math.min(i.end, day - 1));
  return last;
}

/** Highest ARR the customer had on any day in [from, to]. */
export function peakArrIn(rev: CustomerRevenue, from: number, to: number): number {
  let peak = 0;
  const days = new Set<number>([from]);
  for (const i of rev.intervals) if (i.start >= from && i.start <= to) days.add(i.start);
  for (const d of days) peak = Math.max(peak, arrOn(rev, d));
  return peak;
}
