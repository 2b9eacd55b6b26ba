import { describe, expect, it } from 'vitest';
import { bandSeparation, wilsonInterval } from './band-separation.ts';

describe('band separation', () => {
  it('Wilson interval matches the textbook value (10 of 100: 5.52%–17.44%)', () => {
    const [lo, hi] = wilsonInterval(10, 100)!;
    expect(lo).toBeCloseTo(0.0552, 4);
    expect(hi).toBeCloseTo(0.1744, 4);
    expect(wilsonInterval(0, 0)).toBeNull();
  });

  it('passes bands that separate churners and warns about each that does not', () => {
    // base rate 100/1000 = 10%
    const good = bandSeparation([
      { band: 'critical', count: 100, churned: 45 },
      { band: 'at-risk', count: 200, churned: 40 },
      { band: 'healthy', count: 700, churned: 15 },
    ]);
    expect(good.baseRate).toBe(0.1);
    expect(good.separates).toBe(true);
    expect(good.bands.map((b) => [b.band, b.share, b.ratio])).toEqual([
      ['critical', 0.1, 4.5],
      ['at-risk', 0.2, 2],
      ['healthy', 0.7, 0.21],
    ]);
    const bad = bandSeparation([
      { band: 'critical', count: 100, churned: 30 },
      { band: 'at-risk', count: 600, churned: 60 },
      { band: 'healthy', count: 300, churned: 10 },
    ]);
    expect(bad.separates).toBe(false);
    expect(bad.warnings).toHaveLength(2);
    expect(bad.warnings[0]).toMatch(
      /^critical does not separate: churn 30\.0% is 3\.0× the base rate 10\.0%/,
    );
    expect(bad.warnings[1]).toMatch(/^at-risk does not separate/);
  });
});
