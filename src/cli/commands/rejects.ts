import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { z } from 'zod';
import { listRejects } from '../../engine/accounts/imports-view.ts';
import { printTable } from '../print-table.ts';
import { printJson, withContext } from '../with-context.ts';

const listSchema = z.object({
  import: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().positive().default(200),
  json: z.boolean().default(false),
  out: z.string().optional(),
});

export function register(program: Command) {
  const rejects = program
    .command('rejects')
    .description('rows that an import or the API rejected, kept for review');
  rejects
    .command('list', { isDefault: true })
    .description('list rejected rows (file:line field: reason)')
    .option('--import <id>', 'only this import')
    .option('--limit <n>', 'at most this many (default 200)')
    .option('--out <file>', 'also write the rejected rows (raw) as NDJSON, to fix and re-import')
    .option('--json', 'print JSON')
    .action(async (raw: unknown, cmd: Command) => {
      const opts = listSchema.parse(raw);
      await withContext(cmd, async (ctx) => {
        const rows = await listRejects(ctx, {
          importId: opts.import,
          limit: opts.out ? 10_000_000 : opts.limit,
        });
        if (opts.out) writeFileSync(opts.out, rows.map((r) => `${r.raw}\n`).join(''));
        if (opts.json) return printJson(rows);
        printTable(rows.slice(0, opts.limit), [
          { header: 'IMPORT', value: (r) => (r.importId === null ? null : `#${r.importId}`) },
          { header: 'WHERE', value: (r) => `${r.source}:${r.line ?? '?'}` },
          { header: 'FIELD', value: (r) => r.field ?? '(row)' },
          { header: 'REASON', value: (r) => r.reason },
        ]);
        process.stdout.write(`${rows.length} rejected row(s)${opts.out ? `, written to ${opts.out}` : ''}\n`);
      });
    });
}
