import type { Command } from 'commander';
import { z } from 'zod';
import { listSources, type SourcesReport } from '../../engine/scoring/list-sources.ts';
import { printTable } from '../print-table.ts';
import { printJson, withContext } from '../with-context.ts';

const optionsSchema = z.object({
  asOf: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD')
    .optional(),
  json: z.boolean().default(false),
});

export function register(program: Command) {
  program
    .command('sources')
    .description(
      'which data sources the workspace sends: first/last event, accounts, rows/day, freshness, signals fed',
    )
    .option('--as-of <date>', 'judge freshness as of this date (default today)')
    .option('--json', 'print JSON')
    .action(async (raw: unknown, cmd: Command) => {
      const opts = optionsSchema.parse(raw);
      await withContext(cmd, async (ctx) => {
        const r = await listSources(ctx, { asOf: opts.asOf });
        if (opts.json) return printJson(r);
        printSources(r);
      });
    });
}

function printSources(r: SourcesReport) {
  process.stdout.write(`Data sources as of ${r.asOf} (model ${r.modelVersion}, ${r.accounts} accounts)\n`);
  printTable(r.sources, [
    { header: 'source', value: (s) => s.label },
    { header: 'status', value: (s) => s.status + (s.declared === null ? '' : ' (declared)') },
    { header: 'first', value: (s) => s.firstEvent },
    { header: 'last', value: (s) => s.lastEvent },
    { header: 'accounts', value: (s) => s.accountsCovered, align: 'right' },
    { header: 'rows/day', value: (s) => s.rowsPerDay, align: 'right' },
    {
      header: 'last seen',
      value: (s) => (s.daysSinceLast === null ? null : `${s.daysSinceLast} d`),
      align: 'right',
    },
    { header: 'signals fed', value: (s) => s.signals.map((x) => x.id).join(', ') || null },
  ]);
  if (r.warnings.length > 0) {
    process.stdout.write('\nData health:\n');
    for (const w of r.warnings) process.stdout.write(`  ! ${w}\n`);
  }
}
