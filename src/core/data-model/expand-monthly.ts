import { DAY_MS, dayNumber } from '../dates/day-number.ts';

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

/**
 * Expands one account's monthly activity rows (active-day mask + count) into
 * daily rows for days in [from, to], ordered by day (rows of the same day keep
 * their input order). Counts are spread as `spreadOverDays` does; days outside
 * the range are dropped after spreading, so a partial month keeps its exact
 * per-day counts. This runs for every account scored, so it works on day
 * numbers and reuses one string per day instead of building and sorting strings.
 */
export function expandMonthlyInRange<R, T>(
  rows: readonly R[],
  from: string,
  to: string,
  read: (r: R) => { month: string; days: number; count: number },
  make: (r: R, day: string, count: number, dayNumber: number) => T,
): T[] {
  const fromDay = dayNumber(from);
  const span = dayNumber(to) - fromDay + 1;
  if (span <= 0 || rows.length === 0) return [];
  const buckets: T[][] = new Array(span);
  let dayIso: string[] | undefined;
  let n = 0;
  for (const r of rows) {
    const { month, days: mask, count } = read(r);
    let active = 0;
    for (let m = mask >>> 0; m !== 0; m &= m - 1) active++;
    if (active === 0) continue;
    const first = dayNumber(`${month}-01`);
    const base = Math.floor(count / active);
    let rest = count - base * active;
    for (let d = 1; d <= 31; d++) {
      if (!(mask & (1 << (d - 1)))) continue;
      const c = base + (rest > 0 ? 1 : 0);
      if (rest > 0) rest--;
      const offset = first + d - 1 - fromDay;
      if (offset < 0 || offset >= span) continue;
      dayIso ??= new Array(span);
      let iso = dayIso[offset];
      if (iso === undefined) {
        iso = new Date((fromDay + offset) * DAY_MS).toISOString().slice(0, 10);
        dayIso[offset] = iso;
      }
      const bucket = buckets[offset];
      const item = make(r, iso, c, fromDay + offset);
      if (bucket) bucket.push(item);
      else buckets[offset] = [item];
      n++;
    }
  }
  const out: T[] = new Array(n);
  let i = 0;
  for (const b of buckets) if (b) for (const x of b) out[i++] = x;
  return out;
}
