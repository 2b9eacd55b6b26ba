import type { AccountData } from '../../core/data-model/account-data.ts';
import { DAY_MS as DAY } from '../../core/dates/day-number.ts';
import { computeScore } from '../../core/scoring/compute-score.ts';
import {
  DEFAULT_HEALTH_MODEL,
  type HealthModel,
  healthModelSchema,
} from '../../core/scoring/health-model.ts';
import type { ScoreResult } from '../../core/scoring/score-result.ts';
import type { SignalCategory } from '../../core/signals/signal-category.ts';
import { SIGNAL_LIBRARY } from '../../core/signals/signal-library.ts';
import { loadAccountsData, USAGE_LOOKBACK_DAYS } from '../../store/queries/load-account-data.ts';
import type { EngineContext } from '../context.ts';
import { getWorkspaceSources } from '../scoring/workspace-sources.ts';

export type { HealthModel };

/**
 * The one place learning touches the scoring engine: load accounts' data, score one as of a date
 * under a model, and read / rewrite a model's signal weights. A change in the scoring API is a
 * change here only.
 */
export type ScoringPort = {
  /** Data of many accounts covering [from − model look-back, to]; callers slice it per date. */
  loadAccountsData(
    ctx: EngineContext,
    accountIds: string[],
    from: string,
    to: string,
    lookbackDays: number,
  ): Promise<Map<string, AccountData>>;
  computeScore(data: AccountData, model: HealthModel, asOf: string): ScoreResult;
  parseModel(document: unknown): HealthModel;
  defaultModel(): HealthModel;
  signalIds(model: HealthModel): string[];
  /** signalId → effective weight when every signal has data (category share × share within category). */
  signalWeights(model: HealthModel): Record<string, number>;
  withSignalWeights(
    model: HealthModel,
    weights: Record<string, number>,
    meta: { name: string; description: string; churnCalibration: HealthModel['churnCalibration'] },
  ): HealthModel;
};

const daysBetween = (a: string, b: string) => Math.round((Date.parse(b) - Date.parse(a)) / DAY);

function categoriesOf(model: HealthModel): Map<string, SignalCategory> {
  const out = new Map<string, SignalCategory>();
  for (const id of Object.keys(model.signals)) {
    const def = SIGNAL_LIBRARY[id];
    if (def) out.set(id, def.category);
  }
  for (const c of model.custom) out.set(c.id, c.category);
  return out;
}

export const SCORING: ScoringPort = {
  async loadAccountsData(ctx, ids, from, to, lookbackDays) {
    // Both windows widen by the span of dates: usage has its own, shorter look-back, and left at
    // its default it would only cover the last few months, so earlier snapshots lose every
    // usage signal.
    const span = Math.max(0, daysBetween(from, to));
    const data = await loadAccountsData(ctx.store, ids, to, lookbackDays + span, USAGE_LOOKBACK_DAYS + span);
    // which sources the workspace sends: a signal whose source was never sent is not available
    const sources = await getWorkspaceSources(ctx.store);
    for (const d of data.values()) d.sources = sources;
    return data;
  },
  computeScore: (data, model, asOf) => computeScore(data, model, asOf),
  parseModel: (document) => healthModelSchema.parse(document),
  defaultModel: () => DEFAULT_HEALTH_MODEL,
  signalIds: (model) => [...categoriesOf(model).keys()],
  signalWeights(model) {
    const cats = categoriesOf(model);
    const weightOf = (id: string) =>
      model.signals[id]?.weight ?? model.custom.find((c) => c.id === id)?.weight ?? 0;
    const perCategory = new Map<SignalCategory, number>();
    for (const [id, cat] of cats) perCategory.set(cat, (perCategory.get(cat) ?? 0) + weightOf(id));
    let live = 0;
    for (const [cat, total] of perCategory) if (total > 0) live += model.categories[cat]?.weight ?? 0;
    const out: Record<string, number> = {};
    for (const [id, cat] of cats) {
      const total = perCategory.get(cat) ?? 0;
      const cw = model.categories[cat]?.weight ?? 0;
      out[id] = total > 0 && live > 0 ? (cw / live) * (weightOf(id) / total) : 0;
    }
    return out;
  },
  withSignalWeights(model, weights, meta) {
    // Each category's weight is the sum of its signals' learned weights, so the two-level
    // weighting of the score reproduces the learned weights exactly when every signal has data.
    const cats = categoriesOf(model);
    const categories = Object.fromEntries(
      Object.entries(model.categories).map(([c]) => [c, { weight: 0 }]),
    ) as HealthModel['categories'];
    for (const [id, cat] of cats) {
      const w = weights[id] ?? 0;
      categories[cat] = { weight: (categories[cat]?.weight ?? 0) + w };
    }
    const round = (x: number) => Math.round(x * 1e6) / 1e6;
    for (const c of Object.keys(categories) as SignalCategory[])
      categories[c] = { weight: round(categories[c]?.weight ?? 0) };
    return healthModelSchema.parse({
      ...model,
      name: meta.name,
      description: meta.description,
      categories,
      // Dropped signals stay listed with weight 0: still computed and shown, just not counted.
      signals: Object.fromEntries(
        Object.entries(model.signals).map(([id, s]) => [id, { ...s, weight: round(weights[id] ?? 0) }]),
      ),
      custom: model.custom.map((c) => ({ ...c, weight: round(weights[c.id] ?? 0) })),
      // Learned weights are fitted across all accounts; per-segment overrides on the old scale
      // would silently distort them, so a learned model starts without overrides.
      segments: {},
      lifecycleStages: {},
      churnCalibration: meta.churnCalibration,
    });
  },
};
