import type { Command } from 'commander';
import { z } from 'zod';
import { AppError } from '../../core/errors.ts';
import { sendSlackDigests } from '../../engine/integrations/send-slack-digests.ts';
import { printJson, withContext } from '../with-context.ts';

const digestSchema = z.object({
  dryRun: z.boolean().default(false),
  date: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, '--date must be YYYY-MM-DD')
    .optional(),
  json: z.boolean().default(false),
});

export function register(program: Command) {
  const slack = program.command('slack').description('the Slack app (alerts, digest)');
  slack
    .command('digest')
    .description(
      "send each CSM's daily digest (accounts that moved, tasks due) now; once per CSM per date, so a second run sends nothing twice",
    )
    .option('--dry-run', 'print the digests; send nothing')
    .option('--date <YYYY-MM-DD>', "the digest's date (default: today in the workspace time zone)")
    .option('--json', 'print JSON')
    .action(async (raw: unknown, cmd: Command) => {
      const parsed = digestSchema.safeParse(raw);
      if (!parsed.success)
        throw new AppError('BAD_INPUT', parsed.error.issues.map((i) => i.message).join('; '));
      const o = parsed.data;
      await withContext(cmd, async (ctx) => {
        const r = await sendSlackDigests(ctx, {
          dryRun: o.dryRun,
          ...(o.date ? { date: o.date } : {}),
        });
        if (o.json) return printJson(r);
        if (r.status === 'no-slack') throw new AppError('NOT_FOUND', r.message);
        process.stdout.write(`${r.message}\n`);
        for (const x of r.outcomes) {
          process.stdout.write(
            `  ${x.userId} <${x.email}>: ${x.status} (${x.moved} moved, ${x.due} due)${x.error ? ` — ${x.error}` : ''}\n`,
          );
          if (x.text) process.stdout.write(`    ${x.text}\n`);
        }
        if (r.outcomes.some((x) => x.status === 'failed')) process.exitCode = 1;
      });
    });
}
