import type { CustomerRevenue } from './customer-arr.ts';

export type TimeToValue = {
  customers: number;
  reached: number;
  notYet: number;
  medianDays: number | null;
  p25Days: number | null;
  p75Days: number | null;
  buckets: { label: string; customers: number }[];
};

const quantile = (sorted: number[], q: number) => {
  if (sorted.length === 0) return null;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return Math.round(sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo));
};

/** Days from each customer's first revenue (contract start) to its first value milestone on or after it. */
export function computeTimeToValue(
  revenue: Map<string, CustomerRevenue>,
  firstValueDay: Map<string, number[]>,
  accountIds?: Set<string>,
): TimeToValue {
  const days: number[] = [];
  let customers = 0;
  for (const rev of revenue.values()) {
    if (rev.firstDay === null || (accountIds && !accountIds.has(rev.accountId))) continue;
    customers++;
    const first = (firstValueDay.get(rev.accountId) ?? [])
      .filter((d) => d >= rev.firstDay!)
      .sort((a, b) => a - b)[0];
    if (first !== undefined) days.push(first - rev.firstDay);
  }
  days.sort((a, b) => a - b);
  const edges: [string, number, number][] = [
    ['0–30 days', 0, 30],
    ['31–60 days', 31, 60],
    ['61–90 days', 61, 90],
    ['91–180 days', 91, 180],
    ['over 180 days', 181, Number.POSITIVE_INFINITY],
  ];
  return {
    customers,
    reached: days.length,
    notYet: customers - days.length,
    medianDays: quantile(days, 0.5),
    p25Days: quantile(days, 0.25),
    p75Days: quantile(days, 0.75),
    buckets: edges.map(([label, lo, hi]) => ({
      label,
      customers: days.filter((d) => d >= lo && d <= hi).length,
    })),
  };
}
