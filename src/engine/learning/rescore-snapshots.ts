import type { EngineContext } from '../context.ts';
import type { TrainingSnapshot } from './build-training-set.ts';
import { scoreAccountDates } from './score-account-dates.ts';
import { type HealthModel, SCORING, type ScoringPort } from './scoring-port.ts';

/** `score` is displayed (under the model's own bands); `rawScore` is before that calibration. */
export type RescoredSnapshot = { score: number; rawScore: number; band: string };

/** Scores existing snapshots under another model (e.g. a proposal). Results follow `snapshots`' order. */
export async function rescoreSnapshots(
  ctx: EngineContext,
  snapshots: readonly TrainingSnapshot[],
  model: HealthModel,
  scoring: ScoringPort = SCORING,
): Promise<RescoredSnapshot[]> {
  const byAccount = new Map<string, string[]>();
  const index = new Map<string, number>();
  snapshots.forEach((s, i) => {
    let list = byAccount.get(s.accountId);
    if (!list) {
      list = [];
      byAccount.set(s.accountId, list);
    }
    list.push(s.asOf);
    index.set(`${s.accountId}|${s.asOf}`, i);
  });
  const out = new Array<RescoredSnapshot>(snapshots.length);
  await scoreAccountDates(
    ctx,
    [...byAccount.entries()].map(([accountId, dates]) => ({ accountId, dates })),
    model,
    (accountId, asOf, r) => {
      out[index.get(`${accountId}|${asOf}`) as number] = {
        score: r.score,
        rawScore: r.rawScore ?? r.score,
        band: r.band,
      };
    },
    scoring,
  );
  return out;
}
