import type { Command } from 'commander';
import { z } from 'zod';
import type { ScoreDriver, ScoreResult } from '../../core/scoring/score-result.ts';
import { explainAccount } from '../../engine/accounts/explain-account.ts';
import { formatNumber, formatTable } from '../print-table.ts';
import { printJson, withContext } from '../with-context.ts';

export function register(program: Command) {
  program
    .command('explain')
    .description(
      "explain an account's score: every signal, weight, contribution, drivers and what would lift it",
    )
    .argument('<account>', 'account id')
    .option('--as-of <date>', 'as of this date (default today)')
    .option('--json', 'print JSON')
    .action(async (accountId: string, raw: unknown, cmd: Command) => {
      const o = z
        .object({
          asOf: z
            .string()
            .regex(/^\d{4}-\d{2}-\d{2}$/)
            .optional(),
          json: z.boolean().default(false),
        })
        .parse(raw);
      await withContext(cmd, async (ctx) => {
        // the same use-case as GET /v1/accounts/:id/explain (an override in force today is shown)
        const { accountName, result } = await explainAccount(ctx, { accountId, asOf: o.asOf });
        if (o.json) return printJson(result);
        printExplanation(accountName, result);
      });
    });
}

export function printExplanation(name: string, r: ScoreResult) {
  process.stdout.write(formatExplanation(name, r));
}

const pct = (x: number, digits = 0) => `${(x * 100).toFixed(digits)}%`;
const signed = (x: number) => `${x > 0 ? '+' : x < 0 ? '−' : ''}${Math.abs(x).toFixed(1)}`;

/**
 * An account's score for people: the headline, the categories and every signal as tables (sub-score
 * whole, weight and points to one decimal), the warning signs, what pulls it down and the levers to
 * the next band. `--json` prints the ScoreResult itself.
 */
export function formatExplanation(name: string, r: ScoreResult): string {
  const lines: string[] = [];
  const out = (s = '') => lines.push(s);
  out(`${name} (${r.accountId}) as of ${r.asOf}, model v${r.modelVersion}`);
  out(
    `score ${formatNumber(r.score, 1)} — ${r.band}; coverage ${pct(r.coverage)} of the model's weight backed by data`,
  );
  if (r.override)
    out(
      `overridden to ${r.override.score} — ${r.override.band} by ${r.override.by} until ${r.override.expiresAt}: ${r.override.reason}`,
    );
  if (r.churnProbability)
    out(
      `churn probability within ${r.churnProbability.horizonDays} days: ${pct(r.churnProbability.probability, 1)}`,
    );
  out();
  const table = (text: string) => out(text.trimEnd());
  table(
    formatTable(r.categories, [
      { header: 'CATEGORY', value: (c) => c.category },
      { header: 'SCORE', value: (c) => (c.score === null ? 'n/a' : c.score.toFixed(0)), align: 'right' },
      { header: 'WEIGHT', value: (c) => pct(c.weight), align: 'right' },
      { header: 'COVERAGE', value: (c) => pct(c.coverage), align: 'right' },
    ]),
  );
  out();
  const order = new Map(r.categories.map((c, i) => [c.category, i]));
  const signals = [...r.signals].sort(
    (a, b) => (order.get(a.category) ?? 99) - (order.get(b.category) ?? 99),
  );
  table(
    formatTable(signals, [
      { header: 'CATEGORY', value: (s) => s.category },
      { header: 'SIGNAL', value: (s) => s.label },
      {
        header: 'SUB-SCORE',
        value: (s) => (s.subScore === null ? 'n/a' : s.subScore.toFixed(0)),
        align: 'right',
      },
      { header: 'WEIGHT', value: (s) => pct(s.weight, 1), align: 'right' },
      { header: 'POINTS', value: (s) => s.points.toFixed(1), align: 'right' },
      {
        header: 'DETAIL',
        value: (s) =>
          `${s.freshness < 1 && s.freshness > 0 ? `(fading, ${pct(s.freshness)} weight) ` : ''}${s.detail}`,
      },
    ]),
  );
  const drivers = (rows: readonly ScoreDriver[]) =>
    formatTable(rows, [
      { header: 'POINTS', value: (d) => signed(d.points), align: 'right' },
      { header: 'SIGNAL', value: (d) => d.label },
      { header: 'DETAIL', value: (d) => d.detail },
    ]);
  if (r.drivers.warnings?.length) {
    out();
    out('Warning signs (sub-score in the critical range):');
    table(
      formatTable(r.drivers.warnings, [
        { header: 'SIGNAL', value: (d) => d.label },
        { header: 'DETAIL', value: (d) => d.detail },
      ]),
    );
  }
  if (r.drivers.down.length) {
    out();
    out('Pulling it down:');
    table(drivers(r.drivers.down.map((d) => ({ ...d, points: -Math.abs(d.points) }))));
  }
  const lift = r.drivers.lift;
  if (lift) {
    out();
    const levers = lift.suggestions;
    out(
      `To reach ${lift.targetBand} it needs ${lift.pointsNeeded.toFixed(1)} points${levers.length ? '; biggest levers:' : '; no lever in the data would add points.'}`,
    );
    if (levers.length) table(drivers(levers.map((d) => ({ ...d, points: Math.abs(d.points) }))));
  }
  return `${lines.join('\n')}\n`;
}
