import type { HealthModel } from '../core/scoring/health-model.ts';
import type { ScoreResult } from '../core/scoring/score-result.ts';

/**
 * What a score-history row (`scores.detail`) keeps: what charts, backtests and trend views read
 * — score, band, coverage, category scores, every signal's sub-score, the top drivers each way
 * and the override in force — in under 1 KB, instead of the full explanation (~11 KB: every
 * signal's label, value, unit and text, levers, warnings). The full explanation is kept for the
 * current score only (`current_scores.detail`); for a past date it is recomputed on demand
 * (`vigil explain --as-of`), which gives the same result because scoring is deterministic.
 *
 * Sub-scores are a list aligned with the row's model version's signals
 * (`historySignalIds(model)`: the model's signals, then its custom signals), so a row does not
 * repeat ~40 signal names; `readSubScores` turns them back into a map.
 */
export type HistoryDetail = {
  /** Format marker: a compact history row (full explanations have no such field). */
  compact: 1;
  /** (account, as-of date and model version are the row's own columns) */
  score: number;
  band: string;
  coverage: number;
  categories: Record<string, number | null>;
  /** Sub-score (0–100, one decimal) of each of historySignalIds(model), null without data. */
  subScores: (number | null)[];
  /** Top drivers: [signalId, points] pairs, at most 3 each way. */
  down: [string, number][];
  up: [string, number][];
  override: { score: number; band: string } | null;
};

const TOP_DRIVERS = 3;
const r1 = (n: number) => Math.round(n * 10) / 10;
const r3 = (n: number) => Math.round(n * 1000) / 1000;

/** The order of a model version's signals in its compact history rows. */
export const historySignalIds = (model: Pick<HealthModel, 'signals' | 'custom'>): string[] => [
  ...Object.keys(model.signals),
  ...model.custom.map((c) => c.id),
];

export function historyDetail(r: ScoreResult, signalIds: readonly string[]): HistoryDetail {
  const sub = new Map(r.signals.map((s) => [s.signalId, s.subScore]));
  return {
    compact: 1,
    score: r.score,
    band: r.band,
    coverage: r3(r.coverage),
    categories: Object.fromEntries(
      r.categories.map((c) => [c.category, c.score === null ? null : r1(c.score)]),
    ),
    subScores: signalIds.map((id) => {
      const v = sub.get(id);
      return v === undefined || v === null ? null : r1(v);
    }),
    down: r.drivers.down.slice(0, TOP_DRIVERS).map((d) => [d.signalId, r1(d.points)]),
    up: r.drivers.up.slice(0, TOP_DRIVERS).map((d) => [d.signalId, r1(d.points)]),
    override: r.override ? { score: r.override.score, band: r.override.band } : null,
  };
}

/** The JSON stored in `scores.detail` for a history row. */
export const historyDetailJson = (r: ScoreResult, signalIds: readonly string[]): string =>
  JSON.stringify(historyDetail(r, signalIds));

/** Sub-scores by signal id of a compact history row (signals without data are absent). */
export function readSubScores(detail: HistoryDetail, signalIds: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  detail.subScores.forEach((v, i) => {
    const id = signalIds[i];
    if (id !== undefined && v !== null) out[id] = v;
  });
  return out;
}
