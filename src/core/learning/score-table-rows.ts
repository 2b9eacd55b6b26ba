import type { TabularModel } from './fit-tabular-model.ts';
import { sigmoid } from './logistic-regression.ts';
import type { TableRow } from './table-mapping.ts';
import { encodeTableRows } from './tabular-encoder.ts';

export type ScoredTableRow = {
  id: string;
  churnProbability: number;
  /** Traits pushing this row's churn odds up most, versus an average training row (log-odds). */
  drivers: { trait: string; logOdds: number }[];
};

/** Scores new customer rows with a learned tabular model, explaining each score by trait. */
export function scoreTableRows(
  model: TabularModel,
  rows: readonly TableRow[],
  topDrivers = 3,
): ScoredTableRow[] {
  const { encoder, logistic } = model;
  const d = encoder.featureNames.length;
  const x = encodeTableRows(encoder, rows);
  return rows.map((r, i) => {
    let e = logistic.intercept;
    const byTrait = new Map<string, number>();
    for (let j = 0; j < d; j++) {
      const v = x[i * d + j] as number;
      const b = logistic.coefficients[j] as number;
      e += b * v;
      const trait = encoder.featureTraits[j] as string;
      byTrait.set(trait, (byTrait.get(trait) ?? 0) + b * (v - (logistic.means[j] as number)));
    }
    const drivers = [...byTrait.entries()]
      .filter(([, v]) => v > 0)
      .sort((a, b) => b[1] - a[1])
      .slice(0, topDrivers)
      .map(([trait, logOdds]) => ({ trait, logOdds }));
    return { id: (r[model.mapping.idColumn] ?? '').trim(), churnProbability: sigmoid(e), drivers };
  });
}
