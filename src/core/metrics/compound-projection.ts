export type CompoundProjection = {
  years: number;
  scenarios: {
    label: string;
    annualRetention: number;
    retainedByYear: number[];
    cumulativeRevenue: number;
  }[];
  /** Absolute gap in retained revenue at the horizon, in percentage points. */
  gapPoints: number;
  /** Relative gap: how much more revenue the better scenario keeps at the horizon. */
  relativeGap: number;
};

/**
 * The compound effect of retention: revenue kept after each year at a
 * constant annual retention. 85% vs 95% over three years keeps 61.4% vs
 * 85.7% — a 24.3-point gap, and the 95% book is 39.6% larger (the "about 38
 * points" the seed quotes is this relative gap).
 */
export function projectCompoundRetention(
  scenarios: { label: string; annualRetention: number }[],
  years = 3,
): CompoundProjection {
  const rows = scenarios.map((s) => {
    const retainedByYear = Array.from(
      { length: years + 1 },
      (_, k) => Math.round(s.annualRetention ** k * 10_000) / 10_000,
    );
    return {
      ...s,
      retainedByYear,
      cumulativeRevenue: Math.round(retainedByYear.slice(1).reduce((a, b) => a + b, 0) * 10_000) / 10_000,
    };
  });
  const ends = rows.map((r) => r.retainedByYear[years]!);
  const hi = Math.max(...ends);
  const lo = Math.min(...ends);
  return {
    years,
    scenarios: rows,
    gapPoints: Math.round((hi - lo) * 1000) / 10,
    relativeGap: lo > 0 ? Math.round((hi / lo - 1) * 1000) / 1000 : 0,
  };
}
