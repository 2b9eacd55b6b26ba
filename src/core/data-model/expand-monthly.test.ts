import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expandMonthlyInRange, spreadOverDays } from './expand-monthly.ts';

type Row = { key: string; month: string; days: number; count: number };
const expand = (rows: Row[], from: string, to: string) =>
  expandMonthlyInRange(
    rows,
    from,
    to,
    (r) => r,
    (r, day, count) => ({ key: r.key, day, count }),
  );
const mask = (...days: number[]) => days.reduce((m, d) => m | (1 << (d - 1)), 0);

describe('expandMonthlyInRange', () => {
  it('spreads each month over its active days, orders by day and keeps input order within a day', () => {
    const rows: Row[] = [
      { key: 'b', month: '2026-01', days: mask(2, 31), count: 5 },
      { key: 'a', month: '2026-01', days: mask(2), count: 4 },
      { key: 'a', month: '2026-02', days: mask(1), count: 1 },
    ];
    expect(expand(rows, '2026-01-01', '2026-02-28')).toEqual([
      { key: 'b', day: '2026-01-02', count: 3 },
      { key: 'a', day: '2026-01-02', count: 4 },
      { key: 'b', day: '2026-01-31', count: 2 },
      { key: 'a', day: '2026-02-01', count: 1 },
    ]);
  });

  it('drops days outside the range after spreading, so the kept days keep their exact counts', () => {
    const rows: Row[] = [{ key: 'x', month: '2026-03', days: mask(1, 15, 30), count: 10 }];
    expect(expand(rows, '2026-03-10', '2026-03-20')).toEqual([{ key: 'x', day: '2026-03-15', count: 3 }]);
    expect(expand(rows, '2026-04-01', '2026-04-30')).toEqual([]);
  });

  it('agrees with spreadOverDays for any month, mask and count (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.constantFrom('2024-02', '2025-02', '2026-04', '2026-12'),
        (days, count, month) => {
          // masks only name days that exist in the month
          const last = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5)), 0)).getUTCDate();
          const valid = days & (last === 31 ? 0x7fffffff : (1 << last) - 1);
          const got = expand([{ key: 'k', month, days: valid, count }], `${month}-01`, `${month}-${last}`);
          const want = spreadOverDays(month, valid, count).map((d) => ({ key: 'k', ...d }));
          expect(got).toEqual(want);
        },
      ),
    );
  });
});
