import { BANDS } from '../../core/scoring/score-result.ts';
import type { EngineContext } from '../context.ts';
import { backfillScores } from '../scoring/backfill-scores.ts';
import { type RecomputeReport, recomputeScores } from '../scoring/recompute-scores.ts';

type BackfillResult = Awaited<ReturnType<typeof backfillScores>>;

export type BandSummary = { band: string; accounts: number; avgScore: number | null; movedIn: number };

export type ScorePortfolioResult = {
  backfill: BackfillResult | null;
  run: RecomputeReport;
  /** The portfolio after the run, by band, and how many accounts moved into each band. */
  bands: BandSummary[];
};

/**
 * `vigil score`: optionally backfill history every `stepDays` from `backfillFrom`, then rescore
 * (these accounts, only the dirty ones, or all) under the active model, and sum the portfolio by band.
 */
export async function scorePortfolio(
  ctx: EngineContext,
  o: { accountIds?: string[]; asOf?: string; dirty?: boolean; backfillFrom?: string; stepDays: number },
): Promise<ScorePortfolioResult> {
  const backfill = o.backfillFrom
    ? await backfillScores(ctx, {
        from: o.backfillFrom,
        to: o.asOf ?? ctx.clock.now().toISOString().slice(0, 10),
        stepDays: o.stepDays,
      })
    : null;
  const run = await recomputeScores(ctx, {
    accountIds: o.accountIds,
    all: !o.dirty && !o.accountIds,
    asOf: o.asOf,
  });
  const rows = await ctx.store.scores.currentBands();
  const moved = new Map<string, number>();
  for (const c of run.changes)
    if (c.previous && c.previous.band !== c.current.band)
      moved.set(c.current.band, (moved.get(c.current.band) ?? 0) + 1);
  const bands = BANDS.map((band) => {
    const inBand = rows.filter((x) => x.band === band);
    const avgScore = inBand.length ? inBand.reduce((a, x) => a + Number(x.score), 0) / inBand.length : null;
    return { band, accounts: inBand.length, avgScore, movedIn: moved.get(band) ?? 0 };
  });
  return { backfill, run, bands };
}
