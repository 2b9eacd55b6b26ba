import type { Command } from 'commander';
import { z } from 'zod';
import { verifyStore } from '../../engine/maintenance/verify-store.ts';
import { printJson, withContext } from '../with-context.ts';

export function register(program: Command) {
  program
    .command('verify')
    .description('cross-check rollups, references, scores and database integrity')
    .option('--json', 'print JSON')
    .action(async (raw: unknown, cmd: Command) => {
      const opts = z.object({ json: z.boolean().default(false) }).parse(raw);
      const report = await withContext(cmd, (ctx) => verifyStore(ctx));
      if (opts.json) printJson(report);
      else {
        for (const c of report.checks) {
          process.stdout.write(`${c.ok ? 'ok  ' : 'FAIL'} ${c.name}${c.ok ? '' : ` (${c.problems})`}\n`);
          for (const e of c.examples) process.stdout.write(`       ${e}\n`);
        }
        process.stdout.write(report.ok ? 'all checks passed\n' : 'problems found\n');
      }
      if (!report.ok) process.exitCode = 1;
    });
}
