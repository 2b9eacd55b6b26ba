import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  DAY_MS,
  dayNumber,
  daysBetween,
  isCalendarDate,
  isoDay,
  toDayNumber,
} from './day-number.ts';

describe('day numbers (the one date rule)', () => {
  it('agrees with Date.UTC on hand-picked days: epoch, leap days, month and year ends', () => {
    const cases: [string, number][] = [
      ['1970-01-01', 0],
      ['1969-12-31', -1],
      ['2000-02-29', Date.UTC(2000, 1, 29) / DAY_MS],
      ['2024-02-29', Date.UTC(2024, 1, 29) / DAY_MS],
      ['2026-12-31', Date.UTC(2026, 11, 31) / DAY_MS],
      ['2100-03-01', Date.UTC(2100, 2, 1) / DAY_MS],
    ];
    for (const [iso, day] of cases) {
      expect(dayNumber(iso)).toBe(day);
      expect(dayNumber(`${iso}T23:59:59.999Z`)).toBe(day);
      expect(toDayNumber(iso)).toBe(day);
      expect(isoDay(day)).toBe(iso);
    }
  });

  it('the fast and the checked converter agree with Date on every day from 1900 to 2200', () => {
    fc.assert(
      fc.property(fc.integer({ min: -25_567, max: 84_000 }), (day) => {
        const iso = new Date(day * DAY_MS).toISOString().slice(0, 10);
        return dayNumber(iso) === day && toDayNumber(iso) === day && isoDay(day) === iso;
      }),
      { numRuns: 5_000 },
    );
  });

  it('checks input and does arithmetic across leap days', () => {
    expect(() => toDayNumber('2026-13-45')).toThrow(/not a date/);
    expect(isCalendarDate('2026-02-30')).toBe(false);
    expect(isCalendarDate('2024-02-29')).toBe(true);
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2023-02-28', 1)).toBe('2023-03-01');
    expect(daysBetween('2024-01-01', '2025-01-01')).toBe(366);
  });
});
