import type { Command } from 'commander';
import { z } from 'zod';
import { AppError } from '../../core/errors.ts';
import { listConnections } from '../../engine/integrations/connections.ts';
import { pushCrm } from '../../engine/integrations/push-crm.ts';
import { type ReadCrmReport, readCrm } from '../../engine/integrations/read-crm.ts';
import { printJson, withContext } from '../with-context.ts';

const schema = z.object({
  connection: z.string().optional(),
  dryRun: z.boolean().default(false),
  all: z.boolean().default(false),
  read: z.boolean().default(false),
  full: z.boolean().default(false),
  json: z.boolean().default(false),
});

export function register(program: Command) {
  const sync = program.command('sync').description('sync with connected systems');
  sync
    .command('crm')
    .description(
      'push changed scores to the CRM connections (HubSpot, Salesforce) now; with --read, read owners, contacts and deals from them',
    )
    .option('--connection <id>', 'only this connection')
    .option('--dry-run', 'print what would change; write nothing')
    .option('--all', 'push every matched account, not only changed ones')
    .option('--read', 'read owners, contacts and deals / opportunities from the CRM (incremental)')
    .option('--full', 'with --read: ignore the stored cursors and read everything again')
    .option('--json', 'print JSON')
    .action(async (raw: unknown, cmd: Command) => {
      const o = schema.parse(raw);
      if (o.full && !o.read) throw new AppError('BAD_INPUT', '--full only goes with --read');
      if (o.all && o.read) throw new AppError('BAD_INPUT', '--all is for pushes; use --full with --read');
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
        if (o.read) {
          const reads: ReadCrmReport[] = [];
          for (const c of crm) reads.push(await readCrm(ctx, c.id, { dryRun: o.dryRun, full: o.full }));
          if (o.json) return printJson({ reports: reads });
          for (const r of reads) printRead(r);
          if (reads.some((r) => r.status === 'failed')) process.exitCode = 1;
          return;
        }
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

function printRead(r: ReadCrmReport) {
  process.stdout.write(`${r.connectionId} (${r.kind}) read: ${r.status} — ${r.message}\n`);
  for (const p of r.planned.owners)
    process.stdout.write(`  would set owner of ${p.accountId} to ${p.owner}\n`);
  for (const k of r.planned.contracts)
    process.stdout.write(
      `  would write contract ${k.id} of ${k.accountId}: ${k.start} → ${k.end ?? 'open'}, ARR ${k.arr} ${k.currency}\n`,
    );
  for (const u of r.unknownOwners)
    process.stdout.write(
      `  unknown owner ${u.ownerId} (${u.email ?? 'no e-mail'}): no Vigil user with that e-mail; ${u.records.length} record(s) keep their owner\n`,
    );
  for (const u of r.unmatched) process.stdout.write(`  unmatched ${u.object} ${u.crmId}: ${u.reason}\n`);
}
