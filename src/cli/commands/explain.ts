import type { Command } from 'commander';
import { z } from 'zod';
import type { ScoreResult } from '../../core/scoring/score-result.ts';
import { explainAccount } from '../../engine/accounts/explain-account.ts';
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
  const out = (s: string) => process.stdout.write(`${s}\n`);
  out(`${name} (${r.accountId}) as of ${r.asOf}, model v${r.modelVersion}`);
  out(
    `score ${r.score} — ${r.band}; coverage ${Math.round(r.coverage * 100)}% of the model's weight backed by data`,
  );
  if (r.override)
    out(
      `overridden to ${r.override.score} — ${r.override.band} by ${r.override.by} until ${r.override.expiresAt}: ${r.override.reason}`,
    );
  if (r.churnProbability)
    out(
      `churn probability within ${r.churnProbability.horizonDays} days: ${Math.round(r.churnProbability.probability * 100)}%`,
    );
  out('');
  for (const c of r.categories) {
    out(
      `${c.category.padEnd(13)} ${c.score === null ? '  n/a' : c.score.toFixed(0).padStart(5)}  weight ${(c.weight * 100).toFixed(0).padStart(3)}%  coverage ${Math.round(c.coverage * 100)}%`,
    );
    for (const s of r.signals.filter((x) => x.category === c.category)) {
      const sub = s.subScore === null ? '  n/a' : s.subScore.toFixed(0).padStart(5);
      out(
        `    ${s.label.padEnd(36)} ${sub}  ${(s.weight * 100).toFixed(1).padStart(5)}%  ${s.points.toFixed(1).padStart(5)} pts${s.freshness < 1 && s.freshness > 0 ? ` (fading ${Math.round(s.freshness * 100)}%)` : ''}  ${s.detail}`,
      );
    }
  }
  out('');
  if (r.drivers.warnings?.length) {
    out('warning signs (sub-score in the critical range):');
    for (const d of r.drivers.warnings) out(`  ${d.label}: ${d.detail}`);
    out('');
  }
  out('pulling it down:');
  for (const d of r.drivers.down) out(`  ${d.points.toFixed(1).padStart(6)}  ${d.label}: ${d.detail}`);
  if (r.drivers.lift) {
    out(
      `to reach ${r.drivers.lift.targetBand} it needs ${r.drivers.lift.pointsNeeded} points; biggest levers:`,
    );
    for (const d of r.drivers.lift.suggestions)
      out(`  +${d.points.toFixed(1).padStart(5)}  ${d.label}: ${d.detail}`);
  }
}
