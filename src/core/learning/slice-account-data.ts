import type { AccountData } from '../data-model/account-data.ts';
import { addDays } from './iso-days.ts';

const sortedCache = new WeakMap<readonly unknown[], boolean>();

function isSortedBy<T>(items: readonly T[], key: (t: T) => string): boolean {
  let known = sortedCache.get(items);
  if (known === undefined) {
    known = true;
    for (let i = 1; i < items.length && known; i++)
      if (key(items[i - 1] as T) > key(items[i] as T)) known = false;
    sortedCache.set(items, known);
  }
  return known;
}

/** First index whose key is ≥ `bound` (or > when `strict`), by binary search. */
function lowerBound<T>(items: readonly T[], key: (t: T) => string, bound: string, strict: boolean): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const k = key(items[mid] as T);
    if (k < bound || (strict && k === bound)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Items with from ≤ key ≤ to. Backtests cut the same arrays at 24+ dates, so sorted arrays (the
 * AccountData contract) are cut by binary search; an unsorted one falls back to a scan.
 */
function between<T>(items: readonly T[], key: (t: T) => string, from: string, to: string): T[] {
  if (!isSortedBy(items, key)) return items.filter((t) => key(t) >= from && key(t) <= to);
  return items.slice(lowerBound(items, key, from, false), lowerBound(items, key, to, true));
}

const byTime = (e: { time: string }) => e.time;
const byDay = (u: { day: string }) => u.day;

/**
 * What was knowable about an account at the end of `asOf`. A backtest that scores a past date from
 * today's data must not see later events, later usage, or how a running contract ended: a contract
 * still running on `asOf` is shown as active, without its churn date or reason, unless notice was
 * already given by then. With `lookbackDays`, also the start of the window live scoring loads.
 */
export function sliceAccountDataAsOf(data: AccountData, asOf: string, lookbackDays?: number): AccountData {
  const day = asOf.slice(0, 10);
  const endOfDay = `${day}T23:59:59.999Z`;
  const from = lookbackDays === undefined ? '' : addDays(day, -lookbackDays);
  return {
    account: data.account,
    catalog: data.catalog,
    contracts: data.contracts
      .filter((c) => c.start <= day)
      .map((c) => {
        if (c.end !== null && c.end < day) return c;
        if (c.churnedAt && c.churnedAt <= day) return c;
        return { ...c, status: 'active' as const, churnedAt: null, churnReason: null };
      }),
    contacts: data.contacts
      .filter((c) => !c.joinedAt || c.joinedAt <= day)
      .map((c) => (c.leftAt && c.leftAt > day ? { ...c, leftAt: null } : c)),
    events: between(data.events, byTime, from, endOfDay),
    usageDaily: between(data.usageDaily, byDay, from, day),
    featureDaily: between(data.featureDaily, byDay, from, day),
    userDaily: between(data.userDaily, byDay, from, day),
  };
}
