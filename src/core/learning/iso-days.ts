/** Day numbers and ISO dates are defined once, in core/dates; learning's time arithmetic uses them. */
export { addDays, daysBetween, isoDay as fromDayNumber, toDayNumber } from '../dates/day-number.ts';

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
