import { AppError } from '../errors.ts';
import { addDays } from './iso-days.ts';

export type TimeSplitOptions = {
  /** First as-of date of the evaluation period. */
  cutoff: string;
  /**
   * Label horizon. A training snapshot's label looks `horizonDays` ahead, so only snapshots whose
   * whole horizon ends by the cutoff are used for fitting: otherwise the fit would see outcomes
   * from the evaluation period.
   */
  horizonDays: number;
};

export type TimeSplit<T> = { train: T[]; test: T[]; embargoed: number; trainEnd: string | null };

/**
 * Time-based split: fit on the past, evaluate on the future, never on the fit period. A row that
 * says when its outcome is known (`outcomeBy`, e.g. the term end for a next-renewal label) is
 * fitted on only when that day is on or before the cutoff; other rows use `asOf + horizonDays`.
 */
export function splitByTime<T extends { asOf: string; outcomeBy?: string }>(
  rows: readonly T[],
  options: TimeSplitOptions,
): TimeSplit<T> {
  if (!(options.horizonDays >= 0)) throw new AppError('BAD_INPUT', 'horizonDays must be ≥ 0');
  const lastTrainAsOf = addDays(options.cutoff, -options.horizonDays);
  const train: T[] = [];
  const test: T[] = [];
  let embargoed = 0;
  let trainEnd: string | null = null;
  for (const r of rows) {
    if (r.asOf >= options.cutoff) test.push(r);
    else if (r.outcomeBy !== undefined ? r.outcomeBy <= options.cutoff : r.asOf <= lastTrainAsOf) {
      train.push(r);
      if (trainEnd === null || r.asOf > trainEnd) trainEnd = r.asOf;
    } else embargoed++;
  }
  return { train, test, embargoed, trainEnd };
}

/**
 * The cutoff that keeps the last `testMonths` of distinct as-of dates for evaluation. Throws when
 * that leaves nothing to fit on.
 */
export function chooseTimeCutoff(asOfDates: readonly string[], testPeriods: number): string {
  const dates = [...new Set(asOfDates)].sort();
  if (dates.length < 2)
    throw new AppError('PRECONDITION_FAILED', 'need snapshots on at least two dates to split by time');
  const k = Math.min(Math.max(1, testPeriods), dates.length - 1);
  return dates[dates.length - k] as string;
}

/**
 * Cutoff that holds out the last `months` calendar months of history: the first month start on or
 * after `to` − `months`. Snapshots from the cutoff on are evaluated; their outcomes run to `to`.
 */
export function heldOutCutoff(to: string, months: number): string {
  if (!Number.isInteger(months) || months < 1) throw new AppError('BAD_INPUT', 'held-out months must be ≥ 1');
  let y = Number(to.slice(0, 4));
  let m = Number(to.slice(5, 7)) - months;
  while (m < 1) {
    m += 12;
    y--;
  }
  const day = Number(to.slice(8, 10));
  if (day > 1) m++;
  if (m > 12) {
    m = 1;
    y++;
  }
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-01`;
}
