import type { Command } from 'commander';
import { z } from 'zod';
import { type ScorePortfolioResult, scorePortfolio } from '../../engine/accounts/score-portfolio.ts';
import { formatTable } from '../print-table.ts';
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
        process.stdout.write(formatScoreReport({ backfill, run: r, bands }));
      });
    });
}

/** What a score run did, then the portfolio by band as a table (average score to one decimal). */
export function formatScoreReport({ backfill, run: r, bands }: ScorePortfolioResult): string {
  const n = (x: number) => Math.round(x).toLocaleString('en-US');
  const lines: string[] = [];
  if (backfill)
    lines.push(
      `history: ${n(backfill.rows)} scores at ${n(backfill.dates.length)} dates in ${(backfill.ms / 1000).toFixed(1)} s`,
    );
  lines.push(
    `scored ${n(r.scored)} account(s) as of ${r.asOf} with model v${r.modelVersion} in ${(r.ms / 1000).toFixed(1)} s (${n(r.scored / Math.max(0.001, r.ms / 1000))} accounts/s); ${n(r.changes.length)} changed`,
  );
  lines.push('');
  lines.push(
    formatTable(bands, [
      { header: 'BAND', value: (b) => b.band },
      { header: 'ACCOUNTS', value: (b) => b.accounts, align: 'right' },
      {
        header: 'AVG SCORE',
        value: (b) => (b.avgScore === null ? null : b.avgScore.toFixed(1)),
        align: 'right',
      },
      { header: 'MOVED IN', value: (b) => b.movedIn, align: 'right' },
    ]).trimEnd(),
  );
  return `${lines.join('\n')}\n`;
}
