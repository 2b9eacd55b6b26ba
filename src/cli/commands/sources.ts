import type { Command } from 'commander';
import { z } from 'zod';
import { listSources, type SourcesReport } from '../../engine/scoring/list-sources.ts';
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
  const rows = r.sources.map((s) => [
    s.label,
    s.status + (s.declared === null ? '' : ' (declared)'),
    s.firstEvent ?? '-',
    s.lastEvent ?? '-',
    String(s.accountsCovered),
    s.rowsPerDay === null ? '-' : String(s.rowsPerDay),
    s.daysSinceLast === null ? '-' : `${s.daysSinceLast} d`,
    s.signals.map((x) => x.id).join(', ') || '-',
  ]);
  const head = ['source', 'status', 'first', 'last', 'accounts', 'rows/day', 'last seen', 'signals fed'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  process.stdout.write(`Data sources as of ${r.asOf} (model ${r.modelVersion}, ${r.accounts} accounts)\n`);
  process.stdout.write(`${line(head)}\n`);
  for (const row of rows) process.stdout.write(`${line(row)}\n`);
  if (r.warnings.length > 0) {
    process.stdout.write('\nData health:\n');
    for (const w of r.warnings) process.stdout.write(`  ! ${w}\n`);
  }
}
