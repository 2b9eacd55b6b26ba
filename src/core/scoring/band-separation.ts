/**
 * Do the bands mean something? Per band: its share of snapshots, its churn rate with a 95%
 * Wilson interval, and its churn rate against the base rate; a warning for each band that does
 * not separate: at-risk should churn at ≥ 2× the base rate, critical at ≥ 4×, healthy at ≤ 0.5×.
 */
export type BandSeparationRow = {
  band: string;
  count: number;
  churned: number;
  share: number;
  rate: number | null;
  ciLow: number | null;
  ciHigh: number | null;
  /** rate ÷ base rate */
  ratio: number | null;
};
export type BandSeparation = {
  baseRate: number;
  bands: BandSeparationRow[];
  separates: boolean;
  warnings: string[];
};

/** Required churn rate of each band relative to the base rate. */
export const BAND_TARGETS: Record<string, { min?: number; max?: number }> = {
  critical: { min: 4 },
  'at-risk': { min: 2 },
  healthy: { max: 0.5 },
};

/** 95% Wilson score interval for k successes out of n. */
export function wilsonInterval(k: number, n: number, z = 1.96): [number, number] | null {
  if (n === 0) return null;
  const p = k / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

export function bandSeparation(
  rows: readonly { band: string; count: number; churned: number }[],
): BandSeparation {
  const total = rows.reduce((s, r) => s + r.count, 0);
  const churned = rows.reduce((s, r) => s + r.churned, 0);
  const baseRate = total > 0 ? churned / total : 0;
  const r3 = (x: number) => Math.round(x * 1000) / 1000;
  const warnings: string[] = [];
  const bands = rows.map((r) => {
    const rate = r.count > 0 ? r.churned / r.count : null;
    const ci = wilsonInterval(r.churned, r.count);
    const ratio = rate !== null && baseRate > 0 ? rate / baseRate : null;
    const t = BAND_TARGETS[r.band];
    if (t && ratio !== null) {
      if (t.min !== undefined && ratio < t.min)
        warnings.push(
          `${r.band} does not separate: churn ${(rate! * 100).toFixed(1)}% is ${ratio.toFixed(1)}× the base rate ${(baseRate * 100).toFixed(1)}% (want ≥ ${t.min}×)`,
        );
      if (t.max !== undefined && ratio > t.max)
        warnings.push(
          `${r.band} does not separate: churn ${(rate! * 100).toFixed(1)}% is ${ratio.toFixed(2)}× the base rate ${(baseRate * 100).toFixed(1)}% (want ≤ ${t.max}×)`,
        );
    }
    if (t && r.count === 0) warnings.push(`${r.band} is empty`);
    return {
      band: r.band,
      count: r.count,
      churned: r.churned,
      share: total > 0 ? r3(r.count / total) : 0,
      rate: rate === null ? null : r3(rate),
      ciLow: ci ? r3(ci[0]) : null,
      ciHigh: ci ? r3(ci[1]) : null,
      ratio: ratio === null ? null : Math.round(ratio * 100) / 100,
    };
  });
  return { baseRate: r3(baseRate), bands, separates: warnings.length === 0, warnings };
}
