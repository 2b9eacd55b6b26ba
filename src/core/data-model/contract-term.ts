import type { Contract } from './entities.ts';

const MS_PER_DAY = 86_400_000;
const pad = (n: number) => String(n).padStart(2, '0');
const ymd = (d: Date) => `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;

/** `day` plus `n` days (UTC calendar). */
export function plusDays(day: string, n: number): string {
  return ymd(new Date(Date.parse(`${day}T00:00:00Z`) + n * MS_PER_DAY));
}

/**
 * `start` plus `k` billing periods, clamped to the month's last day
 * (a subscription started on Jan 31 renews on Feb 28/29, then Mar 31).
 */
export function plusPeriods(start: string, period: 'month' | 'year', k: number): string {
  const [y, m, d] = start.split('-').map(Number) as [number, number, number];
  const months = period === 'year' ? 12 * k : k;
  const total = y * 12 + (m - 1) + months;
  const ty = Math.floor(total / 12);
  const tm = total - ty * 12;
  const last = new Date(Date.UTC(ty, tm + 1, 0)).getUTCDate();
  return `${ty}-${pad(tm + 1)}-${pad(Math.min(d, last))}`;
}

/**
 * The renewal date of a contract seen on `asOf`: the day after `end` for a
 * fixed term; for an open-ended subscription, the next billing-period boundary
 * after `asOf` counted from `start` (monthly when the period is unknown). Never
 * a sentinel: an open-ended monthly subscription renews within a month.
 */
export function renewalDateOn(c: Pick<Contract, 'start' | 'end' | 'billingPeriod'>, asOf: string): string {
  if (c.end !== null) return plusDays(c.end, 1);
  const period = c.billingPeriod ?? 'month';
  if (asOf < c.start) return plusPeriods(c.start, period, 1);
  const [sy, sm] = c.start.split('-').map(Number) as [number, number];
  const [ay, am] = asOf.split('-').map(Number) as [number, number];
  let k = Math.max(1, period === 'year' ? ay - sy : (ay - sy) * 12 + (am - sm));
  while (plusPeriods(c.start, period, k) <= asOf) k++;
  while (k > 1 && plusPeriods(c.start, period, k - 1) > asOf) k--;
  return plusPeriods(c.start, period, k);
}

/** Last day of the term in force on `asOf` (the day before its renewal date). */
export function termEndOn(c: Pick<Contract, 'start' | 'end' | 'billingPeriod'>, asOf: string): string {
  return c.end ?? plusDays(renewalDateOn(c, asOf), -1);
}

/** True when the contract covers `day`: started, and not past a fixed end (open-ended runs on). */
export function coversDay(c: Pick<Contract, 'start' | 'end'>, day: string): boolean {
  return c.start <= day && (c.end === null || c.end >= day);
}
