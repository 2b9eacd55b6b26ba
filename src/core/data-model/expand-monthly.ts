import type { FeatureDaily, UserDaily } from './rollups.ts';

/** Days (1..31) whose bit is set in an active-day mask (bit d-1 = day d). */
export function activeDays(mask: number): number[] {
  const days: number[] = [];
  for (let d = 1; d <= 31; d++) if (mask & (1 << (d - 1))) days.push(d);
  return days;
}

/**
 * Spreads a month's count over its active days: which days is exact, how
 * many per day is even (the remainder goes to the earliest days), so daily
 * sums over a month always equal the stored count.
 */
export function spreadOverDays(month: string, mask: number, count: number): { day: string; count: number }[] {
  const days = activeDays(mask);
  if (days.length === 0) return [];
  const base = Math.floor(count / days.length);
  let rest = count - base * days.length;
  return days.map((d) => {
    const extra = rest > 0 ? 1 : 0;
    rest -= extra;
    return { day: `${month}-${String(d).padStart(2, '0')}`, count: base + extra };
  });
}

export function expandFeatureMonthly(
  rows: { accountId: string; feature: string; month: string; days: number; count: number }[],
): FeatureDaily[] {
  const out: FeatureDaily[] = [];
  for (const r of rows)
    for (const d of spreadOverDays(r.month, r.days, r.count))
      out.push({ accountId: r.accountId, feature: r.feature, day: d.day, count: d.count });
  return out.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
}

export function expandUserMonthly(
  rows: { accountId: string; contactId: string; month: string; days: number; events: number }[],
): UserDaily[] {
  const out: UserDaily[] = [];
  for (const r of rows)
    for (const d of spreadOverDays(r.month, r.days, r.events))
      out.push({ accountId: r.accountId, contactId: r.contactId, day: d.day, events: d.count });
  return out.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
}
