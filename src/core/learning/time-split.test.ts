import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, daysBetween, fromDayNumber, monthStarts, toDayNumber } from './iso-days.ts';
import { chooseTimeCutoff, heldOutCutoff, splitByTime } from './time-split.ts';

describe('splitByTime', () => {
  const rows = monthStarts('2023-01-01', '2024-12-01').map((asOf) => ({ asOf }));

  it('fits only on snapshots whose horizon ends before the evaluation period', () => {
    const s = splitByTime(rows, { cutoff: '2024-01-01', horizonDays: 180 });
    expect(s.test.map((r) => r.asOf)[0]).toBe('2024-01-01');
    expect(s.test).toHaveLength(12);
    expect(s.trainEnd).toBe('2023-07-01');
    expect(s.train).toHaveLength(7);
    expect(s.embargoed).toBe(5);
  });

  it('fits a row with its own outcome day only once that day is by the cutoff (next-renewal labels)', () => {
    const input = [
      { asOf: '2023-02-01', outcomeBy: '2023-12-31' }, // term ends before the cutoff: fitted on
      { asOf: '2023-02-01', outcomeBy: '2024-03-31' }, // renewal falls in the evaluation period
      { asOf: '2023-11-01', outcomeBy: '2023-12-15' }, // inside the horizon embargo, yet known
      { asOf: '2024-02-01', outcomeBy: '2024-06-30' },
    ];
    const s = splitByTime(input, { cutoff: '2024-01-01', horizonDays: 180 });
    expect(s.train.map((r) => r.outcomeBy)).toEqual(['2023-12-31', '2023-12-15']);
    expect(s.test).toHaveLength(1);
    expect(s.embargoed).toBe(1);
  });

  it('never lets a training label see the evaluation period', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 700 }),
        fc.integer({ min: 0, max: 400 }),
        fc.array(fc.integer({ min: 0, max: 900 }), { maxLength: 80 }),
        (cutoffDay, horizon, days) => {
          const base = toDayNumber('2023-01-01');
          const cutoff = fromDayNumber(base + cutoffDay);
          const input = days.map((d) => ({ asOf: fromDayNumber(base + d) }));
          const s = splitByTime(input, { cutoff, horizonDays: horizon });
          for (const r of s.train) expect(addDays(r.asOf, horizon) <= cutoff).toBe(true);
          for (const r of s.test) expect(r.asOf >= cutoff).toBe(true);
          expect(s.train.length + s.test.length + s.embargoed).toBe(input.length);
        },
      ),
    );
  });
});

describe('chooseTimeCutoff', () => {
  it('keeps the last N dates for evaluation', () => {
    expect(chooseTimeCutoff(['2024-03-01', '2024-01-01', '2024-02-01', '2024-02-01'], 2)).toBe('2024-02-01');
  });
  it('always leaves at least one date to fit on', () => {
    expect(chooseTimeCutoff(['2024-01-01', '2024-02-01'], 12)).toBe('2024-02-01');
  });
  it('refuses a single date', () => {
    expect(() => chooseTimeCutoff(['2024-01-01'], 1)).toThrow(/two dates/);
  });
});

describe('iso-days', () => {
  it('does UTC day arithmetic across leap years and month ends', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(daysBetween('2023-12-31', '2024-12-31')).toBe(366);
    expect(monthStarts('2024-11-15', '2025-02-01')).toEqual(['2024-12-01', '2025-01-01', '2025-02-01']);
  });
  it('rejects a non-date', () => {
    expect(() => toDayNumber('soon')).toThrow(/not a date/);
  });
});

describe('heldOutCutoff', () => {
  it('is the first month start on or after the date N months back', () => {
    expect(heldOutCutoff('2026-11-15', 12)).toBe('2025-12-01');
    expect(heldOutCutoff('2026-11-01', 12)).toBe('2025-11-01');
    expect(heldOutCutoff('2026-01-20', 1)).toBe('2026-01-01');
    expect(heldOutCutoff('2026-12-20', 12)).toBe('2026-01-01');
    expect(heldOutCutoff('2026-03-31', 26)).toBe('2024-02-01');
  });
  it('rejects a non-positive period', () => {
    expect(() => heldOutCutoff('2026-01-01', 0)).toThrow(/≥ 1/);
  });
});
