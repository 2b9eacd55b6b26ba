import type { Command } from 'commander';
import { z } from 'zod';
import { AppError } from '../../core/errors.ts';
import { listConnections } from '../../engine/integrations/connections.ts';
import { pushCrm } from '../../engine/integrations/push-crm.ts';
import { printJson, withContext } from '../with-context.ts';

const schema = z.object({
  connection: z.string().optional(),
  dryRun: z.boolean().default(false),
  all: z.boolean().default(false),
  json: z.boolean().default(false),
});

export function register(program: Command) {
  const sync = program.command('sync').description('sync with connected systems');
  sync
    .command('crm')
    .description('push changed scores to the CRM connections (HubSpot, Salesforce) now')
    .option('--connection <id>', 'only this connection')
    .option('--dry-run', 'print what would change; write nothing')
    .option('--all', 'push every matched account, not only changed ones')
    .option('--json', 'print JSON')
    .action(async (raw: unknown, cmd: Command) => {
      const o = schema.parse(raw);
      await withContext(cmd, async (ctx) => {
        const crm = (await listConnections(ctx)).filter(
          (c) =>
            (c.kind === 'hubspot' || c.kind === 'salesforce') && (!o.connection || c.id === o.connection),
        );
        if (crm.length === 0)
          throw new AppError(
            'NOT_FOUND',
            o.connection ? `no CRM connection ${o.connection}` : 'no CRM connection configured',
          );
        const reports = [];
        for (const c of crm) reports.push(await pushCrm(ctx, c.id, { dryRun: o.dryRun, all: o.all }));
        if (o.json) return printJson({ reports });
        for (const r of reports) {
          process.stdout.write(`${r.connectionId} (${r.kind}): ${r.status} — ${r.message}\n`);
          for (const f of r.createdFields)
            process.stdout.write(`  ${r.dryRun ? 'would create' : 'created'} field ${f}\n`);
          for (const p of r.planned)
            process.stdout.write(
              `  ${p.accountId} → ${p.crmId} (by ${p.by}): ${JSON.stringify(p.properties)}\n`,
            );
          for (const f of r.failed)
            process.stdout.write(`  FAILED ${f.accountId} (${f.crmId}): ${f.error}\n`);
          for (const u of r.unmatched) process.stdout.write(`  unmatched ${u.accountId}: ${u.reason}\n`);
        }
        if (reports.some((r) => r.status === 'failed')) process.exitCode = 1;
      });
    });
}
