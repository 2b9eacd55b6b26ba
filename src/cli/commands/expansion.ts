import type { Command } from 'commander';
import { z } from 'zod';
import { listExpansionOpportunities } from '../../engine/playbooks/list-expansion-opportunities.ts';
import { formatMoney, printTable } from '../print-table.ts';
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
        printTable(r.items, [
          { header: 'ACCOUNT', value: (e) => e.name.slice(0, 36) },
          { header: 'ID', value: (e) => e.accountId },
          { header: 'SCORE', value: (e) => Math.round(e.score), align: 'right' },
          { header: 'POTENTIAL ARR', value: (e) => `+${formatMoney(e.potentialArr)}`, align: 'right' },
          { header: 'EVIDENCE', value: (e) => e.evidence },
        ]);
        process.stdout.write(
          `${r.items.length} opportunity(ies); top quartile starts at score ${r.topQuartileScore}\n`,
        );
      });
    });
}
