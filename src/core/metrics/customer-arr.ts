import { lastLiveDay } from '../contracts/contract-terms.ts';
import type { Contract } from '../data-model/entities.ts';
import { AppError } from '../errors.ts';
import { toDay } from '../signals/signal-helpers.ts';
import type { MetricConventions } from './conventions.ts';

/** A contract as metrics read it (`end: null` = open-ended). */
export type MetricContract = Contract;

/** A customer's revenue as intervals of days [start, end] with ARR in the reporting currency. */
export type CustomerRevenue = {
  accountId: string;
  /** `line`: the product line (products, else plan), for per-subscription views. */
  intervals: { start: number; end: number; arr: number; line: string }[];
  /** First day of revenue (for cohorts), or null for free/zero-revenue customers. */
  firstDay: number | null;
};

/**
 * Turns contracts into per-customer revenue intervals [first live day, last live day] by the one
 * contract rule (src/core/contracts: a churn date cuts the term short; an open-ended subscription
 * runs to +Infinity), converted to the reporting currency. Zero-ARR contracts carry no revenue.
 * No gap is bridged here: ARR on a day is what the accounts list shows that day. The renewal
 * grace is a movement convention (see compute-retention.ts).
 */
export function customerRevenue(
  contracts: readonly MetricContract[],
  conv: MetricConventions,
): Map<string, CustomerRevenue> {
  const byAccount = new Map<string, MetricContract[]>();
  for (const c of contracts) {
    const l = byAccount.get(c.accountId);
    if (l) l.push(c);
    else byAccount.set(c.accountId, [c]);
  }
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
      const last = lastLiveDay(c);
      const end = last === null ? Number.POSITIVE_INFINITY : toDay(last);
      if (end < start || c.arr <= 0) continue;
      intervals.push({
        start,
        end,
        arr: c.arr * rate,
        line: c.products.length ? [...c.products].sort().join('+') : (c.plan ?? 'default'),
      });
    }
    intervals.sort((a, b) => a.start - b.start);
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
