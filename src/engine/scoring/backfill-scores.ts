import { computeScore } from '../../core/scoring/compute-score.ts';
import { loadAccountsData, USAGE_LOOKBACK_DAYS } from '../../store/queries/load-account-data.ts';
import type { HistoryRow } from '../../store/resources/scores.ts';
import { historyDetailJson, historySignalIds } from '../../store/score-history-detail.ts';
import type { EngineContext } from '../context.ts';
import { getActiveModel } from './get-active-model.ts';

export type BackfillOptions = {
  from: string;
  to: string;
  stepDays?: number;
  accountIds?: string[];
  onProgress?: (done: number, total: number) => void;
};

/**
 * Scores every account at past dates (every `stepDays` from `from` to `to`)
 * under the active model and keeps them as score history — what the score
 * would have said then, from the data as it was then. Deterministic, so
 * re-running changes nothing.
 */
export async function backfillScores(
  ctx: EngineContext,
  options: BackfillOptions,
): Promise<{ rows: number; dates: string[]; ms: number }> {
  const t0 = performance.now();
  const { store } = ctx;
  const active = await getActiveModel(store);
  const step = options.stepDays ?? 7;
  const signalIds = historySignalIds(active.model);
  const dates: string[] = [];
  for (let t = Date.parse(options.to); t >= Date.parse(options.from); t -= step * 86_400_000)
    dates.unshift(new Date(t).toISOString().slice(0, 10));
  const ids = options.accountIds ?? (await store.accounts.listIds());
  const now = ctx.clock.now().toISOString();
  let rows = 0;
  for (let i = 0; i < ids.length; i += 100) {
    const batch = ids.slice(i, i + 100);
    // load once up to the last date; each as-of ignores later data
    const rangeDays = Math.ceil((Date.parse(options.to) - Date.parse(options.from)) / 86_400_000);
    const data = await loadAccountsData(
      store,
      batch,
      dates[dates.length - 1]!,
      active.model.lookbackDays + rangeDays,
      USAGE_LOOKBACK_DAYS + rangeDays,
    );
    const values: HistoryRow[] = [];
    for (const id of batch) {
      const d = data.get(id);
      if (!d) continue;
      const history: { asOf: string; score: number }[] = [];
      for (const asOf of dates) {
        const started = d.contracts.some((c) => c.start <= asOf);
        if (!started) continue;
        const r = computeScore(d, active.model, asOf, { modelVersion: active.version, history });
        history.push({ asOf, score: r.score });
        values.push({
          account_id: id,
          as_of: asOf,
          model_version: active.version,
          score: r.score,
          band: r.band,
          coverage: r.coverage,
          detail: historyDetailJson(r, signalIds),
          computed_at: now,
        });
      }
    }
    await store.scores.addHistory(values);
    rows += values.length;
    options.onProgress?.(Math.min(ids.length, i + 100), ids.length);
  }
  return { rows, dates, ms: performance.now() - t0 };
}
