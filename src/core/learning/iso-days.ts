import { AppError } from '../errors.ts';

const DAY_MS = 86_400_000;

/** Days since 1970-01-01 for an ISO date (UTC); dates are the unit of learning's time arithmetic. */
export function toDayNumber(isoDate: string): number {
  const t = Date.parse(`${isoDate.slice(0, 10)}T00:00:00Z`);
  if (Number.isNaN(t)) throw new AppError('BAD_INPUT', `not a date: ${isoDate}`);
  return Math.round(t / DAY_MS);
}

export function fromDayNumber(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export function addDays(isoDate: string, days: number): string {
  return fromDayNumber(toDayNumber(isoDate) + days);
}

export function daysBetween(from: string, to: string): number {
  return toDayNumber(to) - toDayNumber(from);
}

/** First day of each month from the month of `from` (or `from` itself if it is the 1st) up to `to`. */
export function monthStarts(from: string, to: string): string[] {
  const out: string[] = [];
  let y = Number(from.slice(0, 4));
  let m = Number(from.slice(5, 7));
  if (from.slice(8, 10) !== '01') m++;
  for (;;) {
    if (m > 12) {
      m = 1;
      y++;
    }
    const d = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-01`;
    if (d > to) break;
    out.push(d);
    m++;
  }
  return out;
}
