import { AppError } from '../errors.ts';

/**
 * THE day-number rule, in one place: a date is a whole UTC day, numbered as days since 1970-01-01
 * (day 0). Every layer converts ISO dates (`YYYY-MM-DD`, or the date part of an ISO timestamp) to
 * day numbers and back with these functions; nothing else defines a `DAY` constant or a converter.
 */
export const DAY_MS = 86_400_000;

/**
 * Day number of the `YYYY-MM-DD` prefix of an ISO date or timestamp, by integer arithmetic on the
 * characters (days_from_civil): allocation-free, for hot paths (import, scoring). The input is
 * trusted to be a well-formed date; use `toDayNumber` for input that may not be.
 */
export function dayNumber(iso: string): number {
  const y0 =
    (iso.charCodeAt(0) - 48) * 1000 +
    (iso.charCodeAt(1) - 48) * 100 +
    (iso.charCodeAt(2) - 48) * 10 +
    (iso.charCodeAt(3) - 48);
  const m = (iso.charCodeAt(5) - 48) * 10 + (iso.charCodeAt(6) - 48);
  const d = (iso.charCodeAt(8) - 48) * 10 + (iso.charCodeAt(9) - 48);
  const y = m <= 2 ? y0 - 1 : y0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** Day number of an ISO date that is checked first: a clear BAD_INPUT error for anything that is not a date. */
export function toDayNumber(isoDate: string): number {
  const t = Date.parse(`${isoDate.slice(0, 10)}T00:00:00Z`);
  if (Number.isNaN(t)) throw new AppError('BAD_INPUT', `not a date: ${isoDate}`);
  return Math.round(t / DAY_MS);
}

const DATE_CACHE = new Map<number, string>();
/** The ISO date `YYYY-MM-DD` of a day number (cached: generators and signals format millions). */
export function isoDay(day: number): string {
  let s = DATE_CACHE.get(day);
  if (s === undefined) {
    s = new Date(day * DAY_MS).toISOString().slice(0, 10);
    if (DATE_CACHE.size > 200_000) DATE_CACHE.clear();
    DATE_CACHE.set(day, s);
  }
  return s;
}

/** A real calendar day YYYY-MM-DD (Date.parse alone accepts 2026-02-30). */
export const isCalendarDate = (s: string): boolean => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const t = Date.parse(`${s}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === s;
};

/** The ISO date `days` after (or before, if negative) an ISO date. */
export const addDays = (isoDate: string, days: number): string => isoDay(toDayNumber(isoDate) + days);

/** Whole days from one ISO date to another (positive when `to` is later). */
export const daysBetween = (from: string, to: string): number => toDayNumber(to) - toDayNumber(from);
