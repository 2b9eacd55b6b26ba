import type { AccountData } from '../data-model/account-data.ts';
import { SIGNAL_CATEGORIES, type SignalCategory } from '../signals/signal-category.ts';
import type { SignalContext, SignalValue, Thresholds } from '../signals/signal-definition.ts';
import { toDay, withAccountIndex } from '../signals/signal-helpers.ts';
import { SIGNAL_LIBRARY } from '../signals/signal-library.ts';
import type { HealthModel } from './health-model.ts';
import type { Band, CategoryScore, ScoreDriver, ScoreResult, SignalContribution } from './score-result.ts';
import { textSentiment } from './sentiment.ts';

export type ComputeScoreOptions = {
  modelVersion?: number;
  /** The account's previous score, for "what moved". */
  previous?: ScoreResult | null;
  /** Earlier scores (any order), for the 7/30/90-day trend. */
  history?: { asOf: string; score: number }[];
};

/** Piecewise-linear interpolation through (value, subScore) points, flat beyond the ends. */
export function normalise(value: number, thresholds: Thresholds): number {
  const first = thresholds[0]!;
  if (value <= first[0]) return first[1];
  for (let i = 1; i < thresholds.length; i++) {
    const [x1, y1] = thresholds[i]!;
    const [x0, y0] = thresholds[i - 1]!;
    if (value <= x1) return x1 === x0 ? y1 : y0 + ((value - x0) / (x1 - x0)) * (y1 - y0);
  }
  return thresholds[thresholds.length - 1]![1];
}

export function bandOf(score: number, model: Pick<HealthModel, 'bands'>): Band {
  return score >= model.bands.healthy ? 'healthy' : score >= model.bands.atRisk ? 'at-risk' : 'critical';
}

type Evaluated = {
  id: string;
  category: SignalCategory;
  label: string;
  unit: string;
  weight: number;
  result: SignalValue | null;
  subScore: number | null;
};

const round1 = (x: number) => Math.round(x * 10) / 10;

type Weights = { categories: Record<string, number>; signals: Record<string, number> };
/** Weights per model and (segment, lifecycle stage): the same few combinations recur across a portfolio. */
const WEIGHTS = new WeakMap<HealthModel, Map<string, Weights>>();

/** Effective model weights for this account: segment and lifecycle overrides applied. */
function weightsFor(data: AccountData, model: HealthModel): Weights {
  let perModel = WEIGHTS.get(model);
  if (!perModel) {
    perModel = new Map();
    WEIGHTS.set(model, perModel);
  }
  const key = `${data.account.segment}\u0000${data.account.lifecycleStage ?? ''}`;
  let w = perModel.get(key);
  if (!w) {
    w = buildWeights(data, model);
    perModel.set(key, w);
  }
  return w;
}

function buildWeights(data: AccountData, model: HealthModel): Weights {
  const categories: Record<string, number> = {};
  for (const c of SIGNAL_CATEGORIES) categories[c] = model.categories[c]?.weight ?? 0;
  const signals: Record<string, number> = {};
  for (const [id, s] of Object.entries(model.signals)) signals[id] = s.weight;
  for (const c of model.custom) signals[c.id] = c.weight;
  const overrides = [
    model.segments[data.account.segment],
    data.account.lifecycleStage ? model.lifecycleStages[data.account.lifecycleStage] : undefined,
  ];
  for (const o of overrides) {
    if (!o) continue;
    Object.assign(categories, o.categories ?? {});
    Object.assign(signals, o.signals ?? {});
  }
  return { categories, signals };
}

/**
 * Scores one account as of a date under a model: every signal's value and
 * 0–100 sub-score, weights redistributed over missing signals (within their
 * category, then across categories), stale inputs faded, coverage, band,
 * drivers (what pulls it down, what holds it up, what moved, what would lift
 * it a band) and trend. Pure and deterministic: same data, model and date →
 * same result; data after `asOf` is ignored.
 */
export function computeScore(
  data: AccountData,
  model: HealthModel,
  asOf: string,
  options: ComputeScoreOptions = {},
): ScoreResult {
  const asOfDay = toDay(asOf);
  const cache = new Map<string, number>();
  const ctx: SignalContext = {
    asOf,
    asOfDay,
    sentimentValidDays: model.sentimentValidDays,
    sentiment(text) {
      let v = cache.get(text);
      if (v === undefined) {
        v = textSentiment(text);
        cache.set(text, v);
      }
      return v;
    },
  };
  const w = weightsFor(data, model);
  const evaluated: Evaluated[] = withAccountIndex(data, () => {
    const list: Evaluated[] = [];
    for (const id in model.signals) {
      const setting = model.signals[id]!;
      const def = SIGNAL_LIBRARY[id];
      if (!def) continue;
      const result = def.compute(data, ctx);
      const numeric = result
        ? (result.numeric ?? (typeof result.value === 'number' ? result.value : null))
        : null;
      const subScore = numeric === null ? null : normalise(numeric, setting.thresholds ?? def.thresholds);
      list.push({
        id,
        category: def.category,
        label: def.label,
        unit: def.unit,
        weight: w.signals[id] ?? 0,
        result: numeric === null ? null : result,
        subScore,
      });
    }
    for (const c of model.custom) list.push(evaluateCustom(c, data, asOfDay, w.signals[c.id] ?? 0));
    return list;
  });

  // weights: within category over available signals (× freshness), then across categories with data
  const byCategory = new Map<SignalCategory, Evaluated[]>();
  for (const e of evaluated) {
    const list = byCategory.get(e.category);
    if (list) list.push(e);
    else byCategory.set(e.category, [e]);
  }
  const categoryInfo = new Map<SignalCategory, { available: number; total: number; score: number | null }>();
  for (const [cat, list] of byCategory) {
    let available = 0;
    let total = 0;
    let sum = 0;
    for (const e of list) {
      total += e.weight;
      if (e.subScore === null || e.weight === 0) continue;
      const m = e.weight * (e.result?.freshness ?? 1);
      available += m;
      sum += m * e.subScore;
    }
    categoryInfo.set(cat, { available, total, score: available > 0 ? sum / available : null });
  }
  let liveCategoryWeight = 0;
  let modelWeight = 0;
  let coveredWeight = 0;
  for (const cat of SIGNAL_CATEGORIES) {
    const info = categoryInfo.get(cat);
    const cw = w.categories[cat] ?? 0;
    if (!info || info.total === 0 || cw === 0) continue;
    modelWeight += cw;
    coveredWeight += cw * (info.available / info.total);
    if (info.available > 0) liveCategoryWeight += cw;
  }

  const signals: SignalContribution[] = evaluated.map((e) => {
    const info = categoryInfo.get(e.category)!;
    const cw = w.categories[e.category] ?? 0;
    const freshness = e.result?.freshness ?? (e.result ? 1 : 0);
    const eff =
      e.subScore !== null && info.available > 0 && liveCategoryWeight > 0 && e.weight > 0
        ? (cw / liveCategoryWeight) * ((e.weight * freshness) / info.available)
        : 0;
    const sub = e.subScore;
    return {
      signalId: e.id,
      category: e.category,
      label: e.label,
      unit: e.unit,
      value: e.result ? e.result.value : null,
      subScore: sub === null ? null : round1(sub),
      weight: Math.round(eff * 10_000) / 10_000,
      points: sub === null ? 0 : round1(eff * sub * 100) / 100,
      gap: sub === null ? 0 : round1(eff * (100 - sub) * 100) / 100,
      freshness: Math.round(freshness * 100) / 100,
      detail: e.result?.detail ?? 'not available',
    };
  });
  const raw = evaluated.reduce((s, e, i) => {
    const c = signals[i]!;
    return e.subScore === null ? s : s + (c.weight > 0 ? c.weight * e.subScore : 0);
  }, 0);
  // with no data at all the score is undefined; report the neutral midpoint with zero coverage
  const score = liveCategoryWeight > 0 ? round1(Math.max(0, Math.min(100, raw))) : 50;
  const band = bandOf(score, model);
  const categories: CategoryScore[] = SIGNAL_CATEGORIES.filter((c) => categoryInfo.has(c)).map((c) => {
    const info = categoryInfo.get(c)!;
    const cw = w.categories[c] ?? 0;
    return {
      category: c,
      score: info.score === null ? null : round1(info.score),
      weight:
        info.available > 0 && liveCategoryWeight > 0
          ? Math.round((cw / liveCategoryWeight) * 1000) / 1000
          : 0,
      coverage: info.total > 0 ? Math.round((info.available / info.total) * 100) / 100 : 0,
    };
  });

  const driver = (c: SignalContribution, points: number): ScoreDriver => ({
    signalId: c.signalId,
    label: c.label,
    points: round1(points),
    detail: c.detail,
  });
  const live = signals.filter((c) => c.weight > 0);
  const down = [...live]
    .sort((a, b) => b.gap - a.gap)
    .filter((c) => c.gap >= 0.5)
    .slice(0, 5)
    .map((c) => driver(c, -c.gap));
  const up = [...live]
    .sort((a, b) => b.points - a.points)
    .slice(0, 5)
    .map((c) => driver(c, c.points));
  const warnings = live
    .filter((c) => c.subScore !== null && c.subScore < model.bands.atRisk)
    .sort((a, b) => a.subScore! - b.subScore! || b.gap - a.gap)
    .slice(0, 8)
    .map((c) => driver(c, -c.gap));
  const moved: ScoreDriver[] = [];
  if (options.previous) {
    const before = new Map(options.previous.signals.map((s) => [s.signalId, s.points]));
    for (const c of signals) {
      const diff = c.points - (before.get(c.signalId) ?? 0);
      if (Math.abs(diff) >= 0.5) moved.push(driver(c, diff));
    }
    moved.sort((a, b) => Math.abs(b.points) - Math.abs(a.points));
    moved.splice(5);
  }
  let lift: ScoreResult['drivers']['lift'] = null;
  if (band !== 'healthy') {
    const targetBand: Band = band === 'critical' ? 'at-risk' : 'healthy';
    const target = targetBand === 'healthy' ? model.bands.healthy : model.bands.atRisk;
    const pointsNeeded = round1(target - score);
    const suggestions: ScoreDriver[] = [];
    let acc = 0;
    for (const c of [...live].sort((a, b) => b.gap - a.gap)) {
      if (acc >= pointsNeeded || suggestions.length >= 5 || c.gap < 0.5) break;
      suggestions.push(driver(c, c.gap));
      acc += c.gap;
    }
    lift = { targetBand, pointsNeeded, suggestions };
  }

  const trendAt = (days: number): number | null => {
    if (!options.history || options.history.length === 0) return null;
    const cutoff = asOfDay - days;
    let best: { asOf: string; score: number } | null = null;
    for (const h of options.history) {
      const d = toDay(h.asOf);
      if (d <= cutoff && (!best || h.asOf > best.asOf)) best = h;
    }
    return best ? round1(score - best.score) : null;
  };

  const cal = model.churnCalibration;
  return {
    accountId: data.account.id,
    asOf,
    modelVersion: options.modelVersion ?? 0,
    score,
    band,
    coverage: modelWeight > 0 ? Math.round((coveredWeight / modelWeight) * 100) / 100 : 0,
    categories,
    signals,
    drivers: { down, up, warnings, moved, lift },
    trend: { d7: trendAt(7), d30: trendAt(30), d90: trendAt(90) },
    override: null,
    churnProbability: cal
      ? {
          probability: Math.round((1 / (1 + Math.exp(-(cal.a + cal.b * score)))) * 1000) / 1000,
          horizonDays: cal.horizonDays,
        }
      : null,
  };
}

function evaluateCustom(
  c: HealthModel['custom'][number],
  data: AccountData,
  asOfDay: number,
  weight: number,
): Evaluated {
  let value: number | string | null = null;
  let detail = 'not available';
  let sub: number | null = null;
  if ('trait' in c.source) {
    const v = data.account.traits[c.source.trait];
    if (typeof v === 'number') {
      value = v;
      sub = c.thresholds ? normalise(v, c.thresholds) : null;
    } else if (typeof v === 'string' || typeof v === 'boolean') {
      value = String(v);
      sub = c.categories?.[value] ?? null;
    }
    if (value !== null) detail = `${c.source.trait} = ${value}`;
  } else if ('recency' in c.source) {
    const { types, usage } = c.source.recency;
    let last: number | null = null;
    for (const e of data.events) {
      const d = toDay(e.time);
      if (d <= asOfDay && (last === null || d > last) && types.includes(e.type)) last = d;
    }
    if (usage)
      for (const u of data.usageDaily) {
        const d = toDay(u.day);
        if (d <= asOfDay && (last === null || d > last) && u.logins + u.events + u.integrationEvents > 0)
          last = d;
      }
    if (last !== null) {
      value = asOfDay - last;
      sub = c.thresholds ? normalise(value, c.thresholds) : null;
      detail = `last activity ${value} day(s) ago`;
    }
  } else {
    const { type, windowDays } = c.source.eventCount;
    let n = 0;
    for (const e of data.events) {
      const ago = asOfDay - toDay(e.time);
      if (e.type === type && ago >= 0 && ago < windowDays) n++;
    }
    value = n;
    sub = c.thresholds ? normalise(n, c.thresholds) : null;
    detail = `${n} ${type} event(s) in ${windowDays} days`;
  }
  return {
    id: c.id,
    category: c.category,
    label: c.label,
    unit: 'custom',
    weight,
    result: sub === null ? null : { value: value as number | string, detail },
    subScore: sub,
  };
}
