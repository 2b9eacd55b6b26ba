import { arrOnDate, byAccount, isoDay } from '../../core/contracts/contract-terms.ts';
import { dayNumber } from '../../core/import/usage-rollup.ts';
import { sigmoid } from '../../core/learning/logistic-regression.ts';
import { fitPlattCalibration } from '../../core/learning/platt-calibration.ts';
import {
  backtestForecast,
  type ForecastBacktest,
  forecastRenewals,
  type PastRenewal,
  pastRenewals,
  type RenewalForecast,
  upcomingRenewals,
} from '../../core/metrics/renewal-forecast.ts';
import {
  listCurrentChurnProbabilities,
  listScopedContracts,
  listScoreHistoryInScope,
  type MetricsScope,
} from '../../store/queries/metrics-inputs.ts';
import { type EngineContext, today } from '../context.ts';
import { getActiveModel } from '../scoring/get-active-model.ts';

export type RenewalForecastReport = RenewalForecast & {
  scope: MetricsScope;
  backtest: ForecastBacktest & { withoutScore: number; calibration: string };
  ms: number;
};

/** The latest stored score on or before `day` (within 120 days), or null. */
function scoreAt(history: { asOf: string; score: number }[] | undefined, day: string): number | null {
  if (!history) return null;
  let best: number | null = null;
  const floor = isoDay(dayNumber(day) - 120);
  for (const h of history) if (h.asOf <= day && h.asOf >= floor) best = h.score;
  return best;
}

/**
 * Renewals due in the next 30/90/180 days with ARR, each with a churn probability, the expected
 * renewed ARR and the expected GRR over the next 90 days; plus a backtest: the same forecast made
 * `leadDays` before every renewal of the past year against what renewed.
 *
 * The probability is the one the scoring code stores with each score (the active model's
 * calibration, `churnProbability`); when the active model has none, a Platt calibration fitted
 * on the past year's renewals (score `leadDays` before vs churned), stated as such (in-sample).
 */
export async function computeRenewalForecast(
  ctx: EngineContext,
  options: MetricsScope & { leadDays?: number } = {},
): Promise<RenewalForecastReport> {
  const t0 = performance.now();
  const asOf = today(ctx);
  const leadDays = options.leadDays ?? 90;
  const scope: MetricsScope = { segment: options.segment, owner: options.owner, viewer: options.viewer };
  const contracts = byAccount(await listScopedContracts(ctx.store, scope));
  const [current, active] = await Promise.all([
    listCurrentChurnProbabilities(ctx.store, scope),
    getActiveModel(ctx.store),
  ]);
  const from = isoDay(dayNumber(asOf) - 365);
  const history = await listScoreHistoryInScope(
    ctx.store,
    scope,
    isoDay(dayNumber(from) - leadDays - 120),
    asOf,
  );

  // the past year's renewals, each with the score the account had leadDays before
  const past = pastRenewals(contracts, from, isoDay(dayNumber(asOf) - 1));
  const scored: (PastRenewal & { score: number })[] = [];
  let withoutScore = 0;
  for (const r of past) {
    const s = scoreAt(history.get(r.accountId), isoDay(dayNumber(r.renewalDate) - leadDays));
    if (s === null) withoutScore++;
    else scored.push({ ...r, score: s, churnProbability: 0 });
  }
  const cal = active.model.churnCalibration;
  let calibrate: ((score: number) => number) | null = cal ? (s) => sigmoid(cal.a + cal.b * s) : null;
  let calibration = cal
    ? `active model v${active.version} calibration (churn within ${cal.horizonDays} days)`
    : 'none';
  if (!calibrate && scored.length > 0) {
    try {
      const fit = fitPlattCalibration(
        scored.map((r) => r.score),
        scored.map((r) => (r.renewed ? 0 : 1)),
      );
      calibrate = (s) => sigmoid(fit.intercept + fit.slope * s);
      calibration = `Platt calibration fitted on ${fit.rows} past renewals (score ${leadDays} days before; in-sample)`;
    } catch {
      calibrate = null;
      calibration = 'none: the past year has no churned or no renewed renewals to calibrate on';
    }
  }
  for (const r of scored) r.churnProbability = calibrate ? calibrate(r.score) : 0;
  const backtest = {
    ...backtestForecast(calibrate ? scored : [], leadDays),
    withoutScore: calibrate ? withoutScore : past.length,
    calibration,
  };

  const probabilityOf = (id: string): number | null => {
    const c = current.get(id);
    if (!c) return null;
    if (c.probability !== null) return c.probability;
    return calibrate ? Math.round(calibrate(c.score) * 1000) / 1000 : null;
  };
  let arrToday = 0;
  for (const list of contracts.values())
    arrToday += arrOnDate(
      list.filter((c) => c.arr > 0),
      asOf,
    );
  const forecast = forecastRenewals(
    upcomingRenewals(contracts, asOf, 180),
    probabilityOf,
    asOf,
    arrToday,
    calibrate ? calibration : 'none (no calibrated model and no history to calibrate on)',
  );
  return { ...forecast, scope, backtest, ms: performance.now() - t0 };
}
