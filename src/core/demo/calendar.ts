/**
 * Day arithmetic for the demo, on whole UTC days since 1970-01-01. Dates and
 * timestamps are formatted through caches because the generator writes tens
 * of millions of them.
 */
import { DAY_MS, dayNumber, isCalendarDate, isoDay } from '../dates/day-number.ts';

// day numbers and ISO dates are defined once, in core/dates
export { DAY_MS, dayNumber as toDayNumber, isCalendarDate, isoDay };

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));
/** `THH:MM:00.000Z` for each minute of the day, so a timestamp is one concatenation. */
const MINUTE_SUFFIX = Array.from(
  { length: 1440 },
  (_, m) => `T${pad2(Math.floor(m / 60))}:${pad2(m % 60)}:00.000Z`,
);
/** ISO timestamp at `minute` (0..1439, clamped) of `day`. */
export const isoTime = (day: number, minute: number): string =>
  isoDay(day) + MINUTE_SUFFIX[Math.max(0, Math.min(1439, Math.floor(minute)))]!;
export const minuteSuffix = (minute: number): string =>
  MINUTE_SUFFIX[Math.max(0, Math.min(1439, Math.floor(minute)))]!;

/** `YYYY-MM` of a day. */
export const monthKey = (day: number): string => isoDay(day).slice(0, 7);

/** 0 = Sunday ... 6 = Saturday (1970-01-01 was a Thursday). */
export const weekday = (day: number): number => (day + 4) % 7;

export function addMonths(day: number, months: number): number {
  const d = new Date(day * DAY_MS);
  return Math.floor(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, d.getUTCDate()) / DAY_MS);
}

export function monthStart(day: number): number {
  const d = new Date(day * DAY_MS);
  return Math.floor(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) / DAY_MS);
}

/** Month of the year, 0 = January. */
export const monthOfYear = (day: number): number => new Date(day * DAY_MS).getUTCMonth();
