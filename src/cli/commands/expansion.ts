import type { Command } from 'commander';
import { z } from 'zod';
import { listExpansionOpportunities } from '../../engine/playbooks/list-expansion-opportunities.ts';
import { printJson, withContext } from '../with-context.ts';

export function register(program: Command) {
  program
    .command('expansion')
    .description(
      'expansion opportunities: top-quartile health with unused core features, seat headroom or expansion talk',
    )
    .option('--limit <n>', 'at most this many (default 50)')
    .option('--json', 'print JSON')
    .action(async (raw: unknown, cmd: Command) => {
      const o = z
        .object({ limit: z.coerce.number().int().positive().default(50), json: z.boolean().default(false) })
        .parse(raw);
      await withContext(cmd, async (ctx) => {
        const r = await listExpansionOpportunities(ctx, { limit: o.limit });
        if (o.json) return printJson(r);
        if (r.topQuartileScore === null) {
          process.stdout.write('no scores yet: run `vigil score` first\n');
          return;
        }
        for (const e of r.items)
          process.stdout.write(
            `${e.name} (${e.accountId}) score ${e.score}, potential +${Math.round(e.potentialArr).toLocaleString('en-US')} ARR\n    ${e.evidence}\n`,
          );
        process.stdout.write(
          `${r.items.length} opportunity(ies); top quartile starts at score ${r.topQuartileScore}\n`,
        );
      });
    });
}
