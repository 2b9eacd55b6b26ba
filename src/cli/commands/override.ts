import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { z } from 'zod';
import { AppError } from '../../core/errors.ts';
import { createOverride, getOverride, revokeOverride } from '../../engine/scoring/overrides.ts';
import { recomputeScores } from '../../engine/scoring/recompute-scores.ts';
import { printJson, withContext } from '../with-context.ts';

const optionsSchema = z.object({
  score: z.coerce.number().min(0).max(100).optional(),
  reason: z.string().optional(),
  expires: z.string().optional(),
  by: z.string().optional(),
  revoke: z.boolean().default(false),
  json: z.boolean().default(false),
});

export function register(program: Command) {
  program
    .command('override')
    .description(
      'set a manual score for an account until a date, with a reason (audited); without --score, show the override in force',
    )
    .argument('<account>', 'account id')
    .option('--score <n>', 'the manual score, 0-100')
    .option('--reason <text>', 'why (required with --score or --revoke)')
    .option('--expires <date>', 'when the override ends (YYYY-MM-DD or ISO time; at most a year ahead)')
    .option('--by <name>', 'who (default: the OS user)')
    .option('--revoke', 'end the override in force now')
    .option('--json', 'print JSON')
    .action(async (accountId: string, raw: unknown, cmd: Command) => {
      const o = optionsSchema.parse(raw);
      const by = o.by ?? `cli:${userInfo().username}`;
      await withContext(cmd, async (ctx) => {
        if (o.revoke) {
          const revoked = await revokeOverride(ctx, { accountId, by, reason: o.reason });
          if (revoked) await recomputeScores(ctx, { accountIds: [accountId] });
          if (o.json) return printJson({ accountId, revoked });
          process.stdout.write(
            revoked ? `override on ${accountId} revoked\n` : `no override in force on ${accountId}\n`,
          );
          return;
        }
        if (o.score === undefined) {
          const active = await getOverride(ctx, accountId);
          if (o.json) return printJson(active);
          process.stdout.write(
            active
              ? `${accountId}: overridden to ${active.score} (${active.band}) by ${active.by} until ${active.expiresAt}: ${active.reason}\n`
              : `${accountId}: no override in force\n`,
          );
          return;
        }
        if (!o.reason) throw new AppError('BAD_INPUT', '--reason is required with --score');
        if (!o.expires) throw new AppError('BAD_INPUT', '--expires is required with --score');
        const created = await createOverride(ctx, {
          accountId,
          score: o.score,
          reason: o.reason,
          expiresAt: o.expires,
          by,
        });
        // carry the override into the stored current score right away
        await recomputeScores(ctx, { accountIds: [accountId] });
        if (o.json) return printJson(created);
        process.stdout.write(
          `${accountId}: overridden to ${created.score} (${created.band}) until ${created.expiresAt}, by ${created.by}\n`,
        );
      });
    });
}
