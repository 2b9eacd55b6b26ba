import type { AccountData } from '../data-model/account-data.ts';
import { accountLifecycle, churnLabel } from '../lifecycle/account-lifecycle.ts';
import { SIGNAL_CATEGORIES, type SignalCategory } from '../signals/signal-category.ts';
import type { SignalContext, SignalValue, Thresholds } from '../signals/signal-definition.ts';
import { type AccountIndex, toDay, withAccountIndex } from '../signals/signal-helpers.ts';
import { SIGNAL_LIBRARY } from '../signals/signal-library.ts';
import {
  SIGNAL_SOURCES,
  SOURCES,
  type SourceId,
  type SourceStatus,
  sourceOfEventType,
  sourceStatus,
} from '../sources/data-sources.ts';
import type { HealthModel } from './health-model.ts';
import { leverAction } from './lever-actions.ts';
import type { Band, CategoryScore, ScoreDriver, ScoreResult, SignalContribution } from './score-result.ts';
import { textSentiment } from './sentiment.ts';

export type ComputeScoreOptions = {
  modelVersion?: number;
  /** The account's previous score, for "what moved" (only its signals' points are read). */
  previous?: { signals: readonly { signalId: string; points: number }[] } | null;
  /** Earlier scores (any order), for the 7/30/90-day trend. */
  history?: { asOf: string; score: number }[];
  /** The account's index built once from this unchanged data (`buildAccountIndex`); built here when absent. */
  index?: AccountIndex;
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

/** The product's band lines on the displayed 0–100 scale: healthy 80–100, at-risk 50–79, critical 0–49. */
export const DISPLAY_BANDS = { healthy: 80, atRisk: 50 } as const;

/**
 * The displayed score: a monotone piecewise-linear calibration of the model's raw score through
 * (0, 0), (raw at-risk cut, 50), (raw healthy cut, 80), (100, 100), one decimal. A model whose raw
 * cut-points are 80/50 displays its raw score unchanged; a learned or retuned model keeps its own
 * cut-points (where its churners separate) and still shows the product convention.
 */
export function displayedScore(raw: number, bands: HealthModel['bands']): number {
  const points: Thresholds = [
    [0, 0],
    [bands.atRisk, DISPLAY_BANDS.atRisk],
    [bands.healthy, DISPLAY_BANDS.healthy],
    [100, 100],
  ];
  return round1(Math.max(0, Math.min(100, normalise(Math.max(0, Math.min(100, raw)), points))));
}

/**
 * The one rounding rule: a score is shown as a whole number (`displayScore`), and its band is the
 * band of that number on the display lines (80 / 50), so 79.5 shows "80" and is healthy, never
 * "80 at risk". Takes a displayed score (computed or a person's override), never a raw one.
 */
export const displayScore = (score: number) => Math.round(score);

export function bandOf(displayed: number): Band {
  const shown = displayScore(displayed);
  return shown >= DISPLAY_BANDS.healthy ? 'healthy' : shown >= DISPLAY_BANDS.atRisk ? 'at-risk' : 'critical';
}

/** Signals held at a stale feed's last good value stop counting after this many silent days. */
const MAX_HOLD_DAYS = 180;

type Evaluated = {
  id: string;
  category: SignalCategory;
  label: string;
  unit: string;
  weight: number;
  result: SignalValue | null;
  subScore: number | null;
  /** Set when the signal's sources were never sent ("no login data connected"). */
  unavailable?: string;
};

const round1 = (x: number) => Math.round(x * 10) / 10;

type Weights = { categories: Record<string, number>; signals: Record<string, number> };
/** Weights per model and (segment, lifecycle stage): the same few combinations recur across a portfolio. */
const WEIGHTS = new WeakMap<HealthModel, Map<string, Weights>>();

/** Effective model weights for this account: segment and lifecycle overrides applied. */
function weightsFor(data: AccountData, model: HealthModel, stage: string | null): Weights {
  let perModel = WEIGHTS.get(model);
  if (!perModel) {
    perModel = new Map();
    WEIGHTS.set(model, perModel);
  }
  const key = `${data.account.segment}\u0000${stage ?? ''}`;
  let w = perModel.get(key);
  if (!w) {
    w = buildWeights(data, model, stage);
    perModel.set(key, w);
  }
  return w;
}

function buildWeights(data: AccountData, model: HealthModel, stage: string | null): Weights {
  const categories: Record<string, number> = {};
  for (const c of SIGNAL_CATEGORIES) categories[c] = model.categories[c]?.weight ?? 0;
  const signals: Record<string, number> = {};
  for (const [id, s] of Object.entries(model.signals)) signals[id] = s.weight;
  for (const c of model.custom) signals[c.id] = c.weight;
  const overrides = [model.segments[data.account.segment], stage ? model.lifecycleStages[stage] : undefined];
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
  const lifecycle = accountLifecycle(data, asOf, model.lifecycle);
  // an imported stage wins; otherwise the lifecycle rule's (onboarding / renewal weights)
  const stage = data.account.lifecycleStage ?? lifecycle.stage;
  const w = weightsFor(data, model, stage);
  // per source: live, never sent (absent) or stale (held at the feed's last day)
  const statusCache = new Map<SourceId, SourceStatus>();
  const statusOf = (id: SourceId) => {
    let st = statusCache.get(id);
    if (!st) {
      st = sourceStatus(id, asOf, data.sources, model.sources);
      statusCache.set(id, st);
    }
    return st;
  };
  const heldCtx = new Map<string, SignalContext>();
  const ctxAt = (day: string): SignalContext => {
    let c = heldCtx.get(day);
    if (!c) {
      c = { ...ctx, asOf: day, asOfDay: toDay(day) };
      heldCtx.set(day, c);
    }
    return c;
  };
  /** How to evaluate a signal fed by these sources: not at all, as of today, or held at a day. */
  const plan = (sources: readonly SourceId[] | undefined) => {
    if (!sources || sources.length === 0) return { kind: 'live' as const };
    let held: { last: string; days: number } | null = null;
    let live = false;
    for (const id of sources) {
      const st = statusOf(id);
      if (st.state === 'live') live = true;
      else if (st.state === 'stale' && st.daysSilent <= MAX_HOLD_DAYS && (!held || st.last > held.last))
        held = { last: st.last, days: st.daysSilent };
    }
    if (live) return { kind: 'live' as const };
    if (held) return { kind: 'held' as const, ...held };
    const stale = sources.some((id) => statusOf(id).state === 'stale');
    return {
      kind: 'absent' as const,
      detail: stale
        ? `${SOURCES[sources[0]!].noun} feed silent too long to hold`
        : `no ${SOURCES[sources[0]!].noun} data connected`,
    };
  };
  const evaluated: Evaluated[] = withAccountIndex(
    data,
    () => {
      const list: Evaluated[] = [];
      for (const id in model.signals) {
        const setting = model.signals[id]!;
        const def = SIGNAL_LIBRARY[id];
        if (!def) continue;
        const how = plan(SIGNAL_SOURCES[id]);
        if (how.kind === 'absent') {
          list.push({
            id,
            category: def.category,
            label: def.label,
            unit: def.unit,
            weight: w.signals[id] ?? 0,
            result: null,
            subScore: null,
            unavailable: how.detail,
          });
          continue;
        }
        let result = def.compute(data, how.kind === 'held' ? ctxAt(how.last) : ctx);
        if (result && how.kind === 'held')
          result = {
            ...result,
            detail: `${result.detail} (held at ${how.last}: feed silent ${how.days} days)`,
          };
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
      for (const c of model.custom) {
        const src = 'eventCount' in c.source ? sourceOfEventType(c.source.eventCount.type) : null;
        const how = plan(src ? [src] : undefined);
        if (how.kind === 'absent')
          list.push({
            id: c.id,
            category: c.category,
            label: c.label,
            unit: 'custom',
            weight: w.signals[c.id] ?? 0,
            result: null,
            subScore: null,
            unavailable: how.detail,
          });
        else
          list.push(
            evaluateCustom(c, data, how.kind === 'held' ? toDay(how.last) : asOfDay, w.signals[c.id] ?? 0),
          );
      }
      return list;
    },
    options.index,
  );

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

  // effective weights (category share × share within the category × freshness) and the raw score
  const effective = evaluated.map((e) => {
    const info = categoryInfo.get(e.category)!;
    const cw = w.categories[e.category] ?? 0;
    const freshness = e.result?.freshness ?? (e.result ? 1 : 0);
    return e.subScore !== null && info.available > 0 && liveCategoryWeight > 0 && e.weight > 0
      ? (cw / liveCategoryWeight) * ((e.weight * freshness) / info.available)
      : 0;
  });
  const raw = Math.max(
    0,
    Math.min(
      100,
      evaluated.reduce((s, e, i) => (e.subScore === null ? s : s + effective[i]! * e.subScore), 0),
    ),
  );
  // with no data at all the score is undefined; report the neutral midpoint with zero coverage
  const hasData = liveCategoryWeight > 0;
  const rawScore = hasData ? round1(raw) : model.bands.atRisk;
  const score = hasData ? displayedScore(raw, model.bands) : DISPLAY_BANDS.atRisk;
  // Explanations speak in displayed points: a signal's points are its share of the displayed
  // score (they still add up to it), its gap is how far the displayed score would rise were the
  // signal perfect — so a lever's "+4 points" moves the number a person sees by ~4.
  const scale = raw > 0 ? score / raw : 1;
  const displayedGain = (rawPoints: number) =>
    Math.max(0, displayedScore(raw + rawPoints, model.bands) - displayedScore(raw, model.bands));
  const signals: SignalContribution[] = evaluated.map((e, i) => {
    const eff = effective[i]!;
    const freshness = e.result?.freshness ?? (e.result ? 1 : 0);
    const sub = e.subScore;
    return {
      signalId: e.id,
      category: e.category,
      label: e.label,
      unit: e.unit,
      value: e.result ? e.result.value : null,
      subScore: sub === null ? null : round1(sub),
      weight: Math.round(eff * 10_000) / 10_000,
      points: sub === null ? 0 : round1(eff * sub * scale * 100) / 100,
      gap: sub === null || eff === 0 ? 0 : round1(displayedGain(eff * (100 - sub)) * 100) / 100,
      freshness: Math.round(freshness * 100) / 100,
      detail: e.unavailable ?? e.result?.detail ?? 'not available',
    };
  });
  const band = bandOf(score);
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
  // every warning sign, by severity × weight (the points it costs), worst first; compact views cut
  const warnings = live
    .filter((c) => c.subScore !== null && c.subScore < model.bands.atRisk)
    .sort((a, b) => b.gap - a.gap || a.subScore! - b.subScore! || a.signalId.localeCompare(b.signalId))
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
    const target = targetBand === 'healthy' ? DISPLAY_BANDS.healthy : DISPLAY_BANDS.atRisk;
    const pointsNeeded = round1(target - score);
    const suggestions: ScoreDriver[] = [];
    // levers add up on the raw scale; what they are worth is read off the displayed scale
    let rawGained = 0;
    for (const c of [...live].sort((a, b) => b.gap - a.gap)) {
      if (displayedGain(rawGained) >= pointsNeeded || suggestions.length >= 5 || c.gap < 0.5) break;
      suggestions.push({
        ...driver(c, c.gap),
        action: `${leverAction(c.signalId, c.label)}: +${round1(c.gap)} points`,
      });
      const i = evaluated.findIndex((e) => e.id === c.signalId);
      rawGained += effective[i]! * (100 - (evaluated[i]!.subScore ?? 100));
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
  const absent = new Set<SourceId>();
  const stale: { source: SourceId; last: string; daysSilent: number }[] = [];
  for (const [id, st] of statusCache) {
    if (st.state === 'absent') absent.add(id);
    else if (st.state === 'stale') stale.push({ source: id, last: st.last, daysSilent: st.daysSilent });
  }
  const tooEarly = lifecycle.stage === 'onboarding' && modelWeight > 0 && coveredWeight / modelWeight < 0.5;
  return {
    lifecycle: {
      stage: lifecycle.stage,
      since: lifecycle.since,
      ...(lifecycle.churnedOn ? { churnedOn: lifecycle.churnedOn, reason: lifecycle.reason ?? null } : {}),
      label:
        churnLabel(lifecycle) ??
        (lifecycle.stage === 'onboarding'
          ? tooEarly
            ? 'Onboarding: too early to score'
            : `Onboarding since ${lifecycle.since}`
          : null),
      tooEarly,
    },
    sources: { absent: [...absent].sort(), stale: stale.sort((a, b) => a.source.localeCompare(b.source)) },
    accountId: data.account.id,
    asOf,
    modelVersion: options.modelVersion ?? 0,
    score,
    rawScore,
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

/**
 * The one-line "top driver" of a score, with its direction: what pulls it down most, or (when
 * nothing does) what holds it up most. A churned account's line is its churn.
 */
export function topDriverText(r: Pick<ScoreResult, 'drivers' | 'lifecycle'>): string | null {
  if (r.lifecycle?.stage === 'churned' && r.lifecycle.label) return r.lifecycle.label;
  const down = r.drivers.down[0];
  if (down) return `↓ pulls down ${Math.abs(down.points)} pts: ${down.label} (${down.detail})`;
  const up = r.drivers.up[0];
  return up ? `↑ holds up ${up.points} pts: ${up.label} (${up.detail})` : null;
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
