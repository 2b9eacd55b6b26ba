import {
  arrOnDate,
  type ContractTerm,
  contractRenewalDate,
  isLive,
  isoDay,
} from '../contracts/contract-terms.ts';
import { dayNumber } from '../import/usage-rollup.ts';

/** One account's renewal: the ARR of its live terms renewing on that date. */
export type Renewal = { accountId: string; renewalDate: string; arr: number };

/** Renewals of the terms live on `asOf` that fall in (asOf, asOf + days], per account and date (the one contract rule). */
export function upcomingRenewals(
  contractsByAccount: ReadonlyMap<string, readonly ContractTerm[]>,
  asOf: string,
  days: number,
): Renewal[] {
  const until = isoDay(dayNumber(asOf) + days);
  const out: Renewal[] = [];
  for (const [accountId, list] of contractsByAccount) {
    const due = new Map<string, number>();
    for (const c of list) {
      if (c.arr <= 0 || !isLive(c, asOf)) continue;
      // a churned contract that stops before its term end does not come up for renewal
      if (c.status === 'churned' && c.churnedAt && c.end !== null && c.churnedAt < c.end) continue;
      const r = contractRenewalDate(c, asOf);
      if (r <= until) due.set(r, (due.get(r) ?? 0) + c.arr);
    }
    for (const [renewalDate, arr] of due) out.push({ accountId, renewalDate, arr });
  }
  return out.sort(
    (a, b) => a.renewalDate.localeCompare(b.renewalDate) || a.accountId.localeCompare(b.accountId),
  );
}

export type ForecastRenewal = Renewal & {
  /** Probability the account churns at this renewal, or null when nothing can estimate it. */
  churnProbability: number | null;
  expectedRenewedArr: number | null;
};
export type ForecastBucket = {
  withinDays: number;
  renewals: number;
  arr: number;
  /** Σ ARR × (1 − p) over renewals with a probability; the rest counted at face value in `unestimatedArr`. */
  expectedRenewedArr: number;
  expectedChurnArr: number;
  unestimatedArr: number;
};
export type RenewalForecast = {
  asOf: string;
  probabilitySource: string;
  buckets: ForecastBucket[];
  /** Expected GRR over the next 90 days: 1 − expected churned ARR / ARR today (null without ARR). */
  expectedGrrNext90: number | null;
  arrToday: number;
  renewals: ForecastRenewal[];
};

/** Buckets the renewals due within each horizon (cumulative: within 30 ⊂ within 90 ⊂ within 180). */
export function forecastRenewals(
  renewals: readonly Renewal[],
  probabilityOf: (accountId: string) => number | null,
  asOf: string,
  arrToday: number,
  probabilitySource: string,
  horizons: readonly number[] = [30, 90, 180],
): RenewalForecast {
  const asOfDay = dayNumber(asOf);
  const rows: ForecastRenewal[] = renewals.map((r) => {
    const p = probabilityOf(r.accountId);
    return { ...r, churnProbability: p, expectedRenewedArr: p === null ? null : r.arr * (1 - p) };
  });
  const buckets = horizons.map((h) => {
    const inside = rows.filter((r) => dayNumber(r.renewalDate) - asOfDay <= h);
    let expectedRenewedArr = 0;
    let expectedChurnArr = 0;
    let unestimatedArr = 0;
    for (const r of inside) {
      if (r.churnProbability === null) unestimatedArr += r.arr;
      else {
        expectedRenewedArr += r.arr * (1 - r.churnProbability);
        expectedChurnArr += r.arr * r.churnProbability;
      }
    }
    return {
      withinDays: h,
      renewals: inside.length,
      arr: inside.reduce((s, r) => s + r.arr, 0),
      expectedRenewedArr,
      expectedChurnArr,
      unestimatedArr,
    };
  });
  const q = buckets.find((b) => b.withinDays === 90);
  return {
    asOf,
    probabilitySource,
    buckets,
    expectedGrrNext90:
      q && arrToday > 0 ? Math.round((1 - q.expectedChurnArr / arrToday) * 10_000) / 10_000 : null,
    arrToday,
    renewals: rows,
  };
}

/** A past renewal as a forecast made `leadDays` before would have seen it, and what happened. */
export type PastRenewal = Renewal & { churnProbability: number; renewed: boolean };

/**
 * Past renewals in [from, to]: each account's terms that ended the day before a renewal date R,
 * and whether the account still had ARR on R (renewed, possibly smaller or larger) or not (churned).
 */
export function pastRenewals(
  contractsByAccount: ReadonlyMap<string, readonly ContractTerm[]>,
  from: string,
  to: string,
): (Renewal & { renewed: boolean })[] {
  const out: (Renewal & { renewed: boolean })[] = [];
  for (const [accountId, list] of contractsByAccount) {
    const due = new Map<string, number>();
    for (const c of list) {
      if (c.arr <= 0 || c.end === null) continue;
      const r = isoDay(dayNumber(c.end) + 1);
      if (r < from || r > to) continue;
      due.set(r, (due.get(r) ?? 0) + c.arr);
    }
    for (const [renewalDate, arr] of due)
      out.push({ accountId, renewalDate, arr, renewed: arrOnDate(list, renewalDate) > 0 });
  }
  return out.sort(
    (a, b) => a.renewalDate.localeCompare(b.renewalDate) || a.accountId.localeCompare(b.accountId),
  );
}

export type ForecastBacktest = {
  leadDays: number;
  renewals: number;
  dueArr: number;
  predictedRenewedArr: number;
  actualRenewedArr: number;
  /** (predicted − actual) / actual renewed ARR. */
  relativeError: number | null;
  /** Mean squared error of the churn probability against the outcome (0 is perfect). */
  brier: number | null;
  byMonth: { month: string; predictedRenewedArr: number; actualRenewedArr: number }[];
};

/** How far the forecast made `leadDays` before each past renewal was from what renewed. */
export function backtestForecast(past: readonly PastRenewal[], leadDays: number): ForecastBacktest {
  let predicted = 0;
  let actual = 0;
  let due = 0;
  let sq = 0;
  const months = new Map<string, { predictedRenewedArr: number; actualRenewedArr: number }>();
  for (const r of past) {
    due += r.arr;
    const p = r.arr * (1 - r.churnProbability);
    const a = r.renewed ? r.arr : 0;
    predicted += p;
    actual += a;
    sq += (r.churnProbability - (r.renewed ? 0 : 1)) ** 2;
    const m = months.get(r.renewalDate.slice(0, 7)) ?? { predictedRenewedArr: 0, actualRenewedArr: 0 };
    m.predictedRenewedArr += p;
    m.actualRenewedArr += a;
    months.set(r.renewalDate.slice(0, 7), m);
  }
  return {
    leadDays,
    renewals: past.length,
    dueArr: due,
    predictedRenewedArr: predicted,
    actualRenewedArr: actual,
    relativeError: actual > 0 ? Math.round(((predicted - actual) / actual) * 10_000) / 10_000 : null,
    brier: past.length > 0 ? Math.round((sq / past.length) * 10_000) / 10_000 : null,
    byMonth: [...months].sort((a, b) => a[0].localeCompare(b[0])).map(([month, v]) => ({ month, ...v })),
  };
}
