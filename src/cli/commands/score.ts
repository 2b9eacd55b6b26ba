import type { Command } from 'commander';
import { z } from 'zod';
import { backfillScores } from '../../engine/scoring/backfill-scores.ts';
import { recomputeScores } from '../../engine/scoring/recompute-scores.ts';
import { printJson, withContext } from '../with-context.ts';

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');
const optionsSchema = z.object({
  account: z.array(z.string()).optional(),
  asOf: date.optional(),
  dirty: z.boolean().default(false),
  backfillFrom: date.optional(),
  step: z.coerce.number().int().positive().default(7),
  json: z.boolean().default(false),
});

export function register(program: Command) {
  program
    .command('score')
    .description('rescore accounts under the active model (all accounts, or --account, or only --dirty ones)')
    .option('--account <id...>', 'only these accounts')
    .option('--as-of <date>', 'score as of this date (default today)')
    .option('--dirty', 'only accounts with new data since their last score')
    .option('--backfill-from <date>', 'also keep history: score every --step days from this date to --as-of')
    .option('--step <days>', 'days between backfilled scores (default 7)')
    .option('--json', 'print JSON')
    .action(async (raw: unknown, cmd: Command) => {
      const o = optionsSchema.parse(raw);
      await withContext(cmd, async (ctx) => {
        const backfill = o.backfillFrom
          ? await backfillScores(ctx, {
              from: o.backfillFrom,
              to: o.asOf ?? ctx.clock.now().toISOString().slice(0, 10),
              stepDays: o.step,
            })
          : null;
        const r = await recomputeScores(ctx, {
          accountIds: o.account,
          all: !o.dirty && !o.account,
          asOf: o.asOf,
        });
        if (o.json) return printJson({ ...r, changes: r.changes.length, backfill });
        if (backfill)
          process.stdout.write(
            `history: ${backfill.rows.toLocaleString('en-US')} scores at ${backfill.dates.length} dates in ${(backfill.ms / 1000).toFixed(1)} s\n`,
          );
        process.stdout.write(
          `scored ${r.scored} account(s) as of ${r.asOf} with model v${r.modelVersion} in ${(r.ms / 1000).toFixed(1)} s (${Math.round(r.scored / Math.max(0.001, r.ms / 1000))} accounts/s); ${r.changes.length} changed\n`,
        );
        // the portfolio after this run, by band, and what moved
        const rows = await ctx.store.db.selectFrom('current_scores').select(['band', 'score']).execute();
        const moved = { healthy: 0, 'at-risk': 0, critical: 0 } as Record<string, number>;
        for (const c of r.changes)
          if (c.previous && c.previous.band !== c.current.band)
            moved[c.current.band] = (moved[c.current.band] ?? 0) + 1;
        process.stdout.write(
          `\n${'band'.padEnd(10)} ${'accounts'.padStart(8)} ${'avg score'.padStart(10)} ${'moved in'.padStart(9)}\n`,
        );
        for (const band of ['healthy', 'at-risk', 'critical']) {
          const inBand = rows.filter((x) => x.band === band);
          const avg = inBand.length ? inBand.reduce((a, x) => a + Number(x.score), 0) / inBand.length : null;
          process.stdout.write(
            `${band.padEnd(10)} ${String(inBand.length).padStart(8)} ${(avg === null ? '-' : avg.toFixed(1)).padStart(10)} ${String(moved[band] ?? 0).padStart(9)}\n`,
          );
        }
      });
    });
}
