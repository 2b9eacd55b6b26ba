import type { Command } from 'commander';
import { z } from 'zod';
import { scorePortfolio } from '../../engine/accounts/score-portfolio.ts';
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
        const {
          backfill,
          run: r,
          bands,
        } = await scorePortfolio(ctx, {
          accountIds: o.account,
          asOf: o.asOf,
          dirty: o.dirty,
          backfillFrom: o.backfillFrom,
          stepDays: o.step,
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
        process.stdout.write(
          `\n${'band'.padEnd(10)} ${'accounts'.padStart(8)} ${'avg score'.padStart(10)} ${'moved in'.padStart(9)}\n`,
        );
        for (const b of bands)
          process.stdout.write(
            `${b.band.padEnd(10)} ${String(b.accounts).padStart(8)} ${(b.avgScore === null ? '-' : b.avgScore.toFixed(1)).padStart(10)} ${String(b.movedIn).padStart(9)}\n`,
          );
      });
    });
}
