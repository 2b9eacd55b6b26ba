import type { Command } from 'commander';
import { z } from 'zod';
import { type AccountSort, listAccounts } from '../../engine/accounts/list-accounts.ts';
import { formatMoney, printTable } from '../print-table.ts';
import { printJson, withContext } from '../with-context.ts';

const listSchema = z.object({
  owner: z.string().optional(),
  segment: z.string().optional(),
  band: z.enum(['healthy', 'at-risk', 'critical']).optional(),
  limit: z.coerce.number().int().positive().optional(),
  asOf: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD')
    .optional(),
  sort: z.enum(['risk', 'score', 'arr', 'renewal']).default('risk'),
  json: z.boolean().default(false),
});

const SORT: Record<'risk' | 'score' | 'arr' | 'renewal', AccountSort> = {
  risk: 'score',
  score: '-score',
  arr: '-arr',
  renewal: 'renewal',
};

export function register(program: Command) {
  const accounts = program.command('accounts').description('accounts and their health');
  accounts
    .command('list', { isDefault: true })
    .description('list accounts, riskiest first')
    .option('--owner <user>', 'only this CSM')
    .option('--segment <segment>', 'only this segment')
    .option('--band <band>', 'healthy | at-risk | critical')
    .option('--limit <n>', 'at most n accounts')
    .option('--as-of <date>', 'ARR and renewal as of this date (default today)')
    .option('--sort <key>', 'risk (lowest score first, default) | score (highest first) | arr | renewal')
    .option('--json', 'print JSON')
    .action(async (raw: unknown, cmd: Command) => {
      const opts = listSchema.parse(raw);
      await withContext(cmd, async (ctx) => {
        // the same query as the API's portfolio list; the command line sees every account
        const { items: rows } = await listAccounts(
          ctx,
          { userId: 'cli', role: 'admin' },
          {
            asOf: opts.asOf,
            owner: opts.owner,
            segment: opts.segment,
            band: opts.band,
            sort: SORT[opts.sort],
            limit: opts.limit ?? 1_000_000,
            offset: 0,
          },
        );
        if (opts.json) return printJson(rows);
        printTable(rows, [
          { header: 'ID', value: (r) => r.id },
          { header: 'NAME', value: (r) => r.name.slice(0, 40) },
          { header: 'SEGMENT', value: (r) => r.segment },
          { header: 'OWNER', value: (r) => r.ownerName ?? r.owner },
          { header: 'ARR', value: (r) => formatMoney(r.arr), align: 'right' },
          { header: 'RENEWAL', value: (r) => r.renewalDate },
          { header: 'SCORE', value: (r) => (r.score === null ? null : Math.round(r.score)), align: 'right' },
          { header: 'BAND', value: (r) => r.band ?? 'unscored' },
        ]);
        process.stdout.write(`${rows.length} account(s)\n`);
      });
    });
}
