import type { Command } from 'commander';
import { z } from 'zod';
import { listConnections, loadConnectionsFile } from '../../engine/integrations/connections.ts';
import { listSyncLogView } from '../../engine/integrations/sync-status.ts';
import { printTable } from '../print-table.ts';
import { printJson, withContext } from '../with-context.ts';

const jsonOnly = z.object({ json: z.boolean().default(false) });
const logSchema = z.object({
  limit: z.coerce.number().int().positive().default(20),
  json: z.boolean().default(false),
});
const loadSchema = z.object({ by: z.string().default('cli'), json: z.boolean().default(false) });

export function register(program: Command) {
  const cmd = program.command('connections').description('connections to CRMs, Slack, Segment and Stripe');
  cmd
    .command('status', { isDefault: true })
    .description('each connection, its secrets (set / missing, never shown), budget and last sync')
    .option('--json', 'print JSON')
    .action(async (raw: unknown, c: Command) => {
      const o = jsonOnly.parse(raw);
      await withContext(c, async (ctx) => {
        const items = await listConnections(ctx);
        if (o.json) return printJson({ items });
        if (items.length === 0)
          process.stdout.write('no connections (vigil connections load connections.yaml)\n');
        else
          printTable(items, [
            { header: 'ID', value: (x) => x.id },
            { header: 'KIND', value: (x) => x.kind + (x.enabled ? '' : ' (disabled)') },
            {
              header: 'SECRETS',
              value: (x) =>
                Object.entries(x.secrets)
                  .map(([k, v]) => `${k} ${v}`)
                  .join(', ') || null,
            },
            {
              header: 'BUDGET TODAY',
              value: (x) =>
                x.budget.limit === null
                  ? null
                  : `${x.budget.day === null ? 0 : x.budget.used}/${x.budget.limit}`,
              align: 'right',
            },
            {
              header: 'LAST SYNC',
              value: (x) =>
                x.lastSync
                  ? `${x.lastSync.operation} ${x.lastSync.finishedAt.slice(0, 19)}: ${x.lastSync.status} — ${x.lastSync.message}`
                  : 'never synced',
            },
          ]);
      });
    });
  cmd
    .command('load <file>')
    .description(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the file's placeholder syntax, shown as such
      'create or update connections from a YAML file (secrets as ${ENV_NAME}); a bad file changes nothing',
    )
    .option('--by <user>', 'who (audit log; default cli)')
    .option('--json', 'print JSON')
    .action(async (file: string, raw: unknown, c: Command) => {
      const o = loadSchema.parse(raw);
      await withContext(c, async (ctx) => {
        const r = await loadConnectionsFile(ctx, file, { actor: o.by });
        if (o.json) return printJson(r);
        process.stdout.write(`${r.saved.length} connection(s) saved from ${r.path}: ${r.saved.join(', ')}\n`);
      });
    });
  cmd
    .command('log <id>')
    .description('the sync log of a connection, newest first')
    .option('--limit <n>', 'entries (default 20)')
    .option('--json', 'print JSON')
    .action(async (id: string, raw: unknown, c: Command) => {
      const o = logSchema.parse(raw);
      await withContext(c, async (ctx) => {
        const items = await listSyncLogView(ctx, { connectionId: id, limit: o.limit });
        if (o.json) return printJson({ items });
        printTable(items, [
          { header: 'FINISHED', value: (s) => s.finishedAt.slice(0, 19) },
          { header: 'OPERATION', value: (s) => s.operation },
          { header: 'STATUS', value: (s) => s.status },
          { header: 'OK', value: (s) => `${s.succeeded}/${s.records}`, align: 'right' },
          { header: 'FAILED', value: (s) => s.failed, align: 'right' },
          { header: 'UNMATCHED', value: (s) => s.unmatched, align: 'right' },
          { header: 'CALLS', value: (s) => s.calls, align: 'right' },
          { header: 'MESSAGE', value: (s) => s.message },
        ]);
      });
    });
}
