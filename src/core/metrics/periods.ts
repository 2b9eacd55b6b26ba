import { AppError } from '../errors.ts';
import { dayIso, toDay } from '../signals/signal-helpers.ts';

export const PERIODS = ['month', 'quarter', 'year', 'ttm'] as const;
export type Period = (typeof PERIODS)[number];
export type PeriodWindow = { label: string; start: string; end: string; startDay: number; endDay: number };

const firstOf = (y: number, m: number) => Math.floor(Date.UTC(y, m, 1) / 86_400_000);

/**
 * Consecutive periods covering [from, to]: calendar months, quarters or
 * years, or trailing-twelve-month windows ending at each month end.
 */
export function periodWindows(period: Period, from: string, to: string): PeriodWindow[] {
  const f = new Date(`${from}T00:00:00Z`);
  const lastDay = toDay(to);
  if (Number.isNaN(f.getTime()) || toDay(from) > lastDay)
    throw new AppError('BAD_INPUT', `invalid range ${from} .. ${to}`);
  const out: PeriodWindow[] = [];
  const step = period === 'month' || period === 'ttm' ? 1 : period === 'quarter' ? 3 : 12;
  let y = f.getUTCFullYear();
  let m =
    period === 'quarter' ? Math.floor(f.getUTCMonth() / 3) * 3 : period === 'year' ? 0 : f.getUTCMonth();
  for (let guard = 0; guard < 1200; guard++) {
    const startDay = period === 'ttm' ? firstOf(y, m - 11) : firstOf(y, m);
    const endDay = firstOf(y, m + step) - 1;
    if (firstOf(y, m) > lastDay) break;
    const label =
      period === 'month'
        ? dayIso(firstOf(y, m)).slice(0, 7)
        : period === 'quarter'
          ? `${y}-Q${m / 3 + 1}`
          : period === 'year'
            ? String(y)
            : `TTM to ${dayIso(endDay).slice(0, 7)}`;
    out.push({ label, start: dayIso(startDay), end: dayIso(endDay), startDay, endDay });
    m += step;
    if (m >= 12) {
      y += Math.floor(m / 12);
      m %= 12;
    }
  }
  return out;
}
