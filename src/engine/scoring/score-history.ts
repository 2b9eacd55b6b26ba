import { AppError } from '../../core/errors.ts';
import { computeScore } from '../../core/scoring/compute-score.ts';
import type { Band } from '../../core/scoring/score-result.ts';
import { loadAccountsData, USAGE_LOOKBACK_DAYS } from '../../store/queries/load-account-data.ts';
import type { EngineContext } from '../context.ts';
import { getActiveModel, getModel } from './get-active-model.ts';

export type ScoreHistoryPoint = { asOf: string; score: number; band: Band; coverage: number };

const DAY = 86_400_000;
/** A year of daily points or two of weekly ones; more is a backfill job, not a query. */
const MAX_POINTS = 800;

/**
 * Re-scores one account at past dates (every `step` days from `from` to `to`,
 * `to` included) without storing anything: what the score said then, from the
 * data as it was then. Deterministic, so it matches stored history for the
 * same model version.
 */
export async function scoreHistory(
  ctx: EngineContext,
  options: { accountId: string; from: string; to: string; step?: number; modelVersion?: number },
): Promise<{ modelVersion: number; points: ScoreHistoryPoint[] }> {
  const step = options.step ?? 7;
  const from = Date.parse(`${options.from}T00:00:00Z`);
  const to = Date.parse(`${options.to}T00:00:00Z`);
  if (!Number.isFinite(from) || !Number.isFinite(to))
    throw new AppError('BAD_INPUT', 'from/to: expected YYYY-MM-DD');
  if (from > to) throw new AppError('BAD_INPUT', 'from: must not be after to');
  if (!Number.isInteger(step) || step < 1) throw new AppError('BAD_INPUT', 'step: a positive number of days');
  const dates: string[] = [];
  for (let t = to; t >= from; t -= step * DAY) dates.unshift(new Date(t).toISOString().slice(0, 10));
  if (dates.length > MAX_POINTS)
    throw new AppError(
      'BAD_INPUT',
      `${dates.length} dates requested; at most ${MAX_POINTS} (use a larger step)`,
    );
  const versioned =
    options.modelVersion === undefined
      ? await getActiveModel(ctx.store)
      : await getModel(ctx.store, options.modelVersion);
  const rangeDays = Math.ceil((to - from) / DAY);
  // one load up to the last date; each as-of ignores the data after it
  const data = (
    await loadAccountsData(
      ctx.store,
      [options.accountId],
      options.to,
      versioned.model.lookbackDays + rangeDays,
      USAGE_LOOKBACK_DAYS + rangeDays,
    )
  ).get(options.accountId);
  if (!data) throw new AppError('NOT_FOUND', `account ${options.accountId} not found`);
  const history: { asOf: string; score: number }[] = [];
  const points: ScoreHistoryPoint[] = [];
  for (const asOf of dates) {
    // before the first contract there is no customer to score
    if (!data.contracts.some((c) => c.start <= asOf)) continue;
    const r = computeScore(data, versioned.model, asOf, { modelVersion: versioned.version, history });
    history.push({ asOf, score: r.score });
    points.push({ asOf, score: r.score, band: r.band, coverage: r.coverage });
  }
  return { modelVersion: versioned.version, points };
}
