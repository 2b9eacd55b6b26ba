import pLimit from 'p-limit';
import { sliceAccountDataAsOf } from '../../core/learning/slice-account-data.ts';
import type { ScoreResult } from '../../core/scoring/score-result.ts';
import type { EngineContext } from '../context.ts';
import { type HealthModel, SCORING, type ScoringPort } from './scoring-port.ts';

export type AccountDates = { accountId: string; dates: string[] };

const BATCH = 200;

/**
 * Scores accounts on many past dates under one model. Data is loaded once per batch of accounts
 * for the whole span and cut to what was knowable on each date (and to the model's look-back,
 * as live scoring would load it), so 24 snapshots cost one load, not 24.
 */
export async function scoreAccountDates(
  ctx: EngineContext,
  items: readonly AccountDates[],
  model: HealthModel,
  onScore: (accountId: string, asOf: string, result: ScoreResult) => void,
  scoring: ScoringPort = SCORING,
): Promise<void> {
  const batches: AccountDates[][] = [];
  for (let i = 0; i < items.length; i += BATCH) batches.push(items.slice(i, i + BATCH));
  const limit = pLimit(ctx.store.capabilities.readConcurrency);
  await Promise.all(
    batches.map((batch) =>
      limit(async () => {
        let from = '9999-12-31';
        let to = '0000-01-01';
        for (const it of batch)
          for (const d of it.dates) {
            if (d < from) from = d;
            if (d > to) to = d;
          }
        if (from > to) return;
        const data = await scoring.loadAccountsData(
          ctx,
          batch.map((b) => b.accountId),
          from,
          to,
          model.lookbackDays,
        );
        for (const it of batch) {
          const d = data.get(it.accountId);
          if (!d) continue;
          for (const asOf of it.dates)
            onScore(
              it.accountId,
              asOf,
              scoring.computeScore(sliceAccountDataAsOf(d, asOf, model.lookbackDays), model, asOf),
            );
        }
      }),
    ),
  );
}
