/**
 * Day arithmetic for the demo, on whole UTC days since 1970-01-01. Dates and
 * timestamps are formatted through caches because the generator writes tens
 * of millions of them.
 */
export const DAY_MS = 86_400_000;

export const toDayNumber = (iso: string): number =>
  Math.floor(Date.parse(`${iso.slice(0, 10)}T00:00:00Z`) / DAY_MS);

/** A real calendar day YYYY-MM-DD (Date.parse alone accepts 2026-02-30). */
export const isCalendarDate = (s: string): boolean => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const t = Date.parse(`${s}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === s;
};

const DATE_CACHE = new Map<number, string>();
export function isoDay(day: number): string {
  let s = DATE_CACHE.get(day);
  if (s === undefined) {
    s = new Date(day * DAY_MS).toISOString().slice(0, 10);
    DATE_CACHE.set(day, s);
  }
  return s;
}

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
