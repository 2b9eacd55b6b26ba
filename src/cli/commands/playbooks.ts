import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { z } from 'zod';
import { AppError } from '../../core/errors.ts';
import { formatPlaybookErrors, parsePlaybooks } from '../../core/playbooks/parse-playbooks.ts';
import { deliverOutbox } from '../../engine/playbooks/deliver-outbox.ts';
import { evaluatePlayOutcomes } from '../../engine/playbooks/evaluate-play-outcomes.ts';
import { getPlaybookStats } from '../../engine/playbooks/get-playbook-stats.ts';
import { importPlaybooks } from '../../engine/playbooks/import-playbooks.ts';
import { loadPlaybooks } from '../../engine/playbooks/load-playbooks.ts';
import { evaluateAllPlaybooks, type RunPlaybooksReport } from '../../engine/playbooks/run-playbooks.ts';
import { formatPercent, printTable } from '../print-table.ts';
import { printJson, withContext } from '../with-context.ts';

const readDocument = (file: string) => {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new AppError('BAD_INPUT', `cannot read ${file}: ${(e as Error).message}`);
  }
};

function printRun(r: RunPlaybooksReport) {
  const sup = Object.entries(r.suppressed)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  process.stdout.write(
    `${r.dryRun ? '[dry run] ' : ''}${r.subjects} account(s): ${r.fired} play(s) fired, ${r.heldOut} held out, ${r.suppressedTotal} suppressed${sup ? ` (${sup})` : ''}; ${r.tasksCreated} task(s) created, ${r.notificationsQueued} notification(s) queued in ${(r.ms / 1000).toFixed(2)} s\n`,
  );
  for (const s of r.notificationsSkipped.slice(0, 5))
    process.stdout.write(`  skipped ${s.channel} for ${s.playbookId}/${s.accountId}: ${s.reason}\n`);
  if (r.notificationsSkipped.length > 5)
    process.stdout.write(`  ... ${r.notificationsSkipped.length - 5} more skipped\n`);
}

export function register(program: Command) {
  const pb = program.command('playbooks').description('playbooks: what to do when an account changes');

  pb.command('list', { isDefault: true })
    .description('the stored playbooks (the defaults on first use) with their recent activity')
    .option('--json', 'print JSON')
    .action(async (raw: unknown, cmd: Command) => {
      const o = z.object({ json: z.boolean().default(false) }).parse(raw);
      await withContext(cmd, async (ctx) => {
        const [playbooks, stats] = await Promise.all([loadPlaybooks(ctx), getPlaybookStats(ctx)]);
        if (o.json) return printJson({ items: playbooks, stats });
        const byId = new Map(stats.map((s) => [s.playbookId, s]));
        const trigger = (t: Record<string, unknown>) =>
          [
            t.type,
            ...Object.entries(t)
              .filter(([k]) => k !== 'type')
              .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('|') : v}`),
          ].join(' ');
        printTable(playbooks, [
          { header: 'ON', value: (p) => (p.enabled ? 'yes' : 'no') },
          { header: 'PLAYBOOK', value: (p) => p.playbook.id },
          { header: 'VERSION', value: (p) => `v${p.version}` },
          { header: 'TRIGGER', value: (p) => trigger(p.playbook.trigger as Record<string, unknown>) },
          { header: 'FIRED 30D', value: (p) => byId.get(p.playbook.id)?.fired ?? 0, align: 'right' },
          {
            header: 'SUPPRESSED 30D',
            value: (p) => Object.values(byId.get(p.playbook.id)?.suppressed ?? {}).reduce((a, b) => a + b, 0),
            align: 'right',
          },
          { header: 'OPEN TASKS', value: (p) => byId.get(p.playbook.id)?.openTasks ?? 0, align: 'right' },
        ]);
      });
    });

  pb.command('validate <file>')
    .description('check a YAML/JSON playbook document; errors give the line and the field')
    .option('--json', 'print JSON')
    .action(async (file: string, raw: unknown) => {
      const o = z.object({ json: z.boolean().default(false) }).parse(raw);
      const result = parsePlaybooks(readDocument(file));
      if (o.json) printJson(result);
      else if (result.ok) process.stdout.write(`${file}: ${result.playbooks.length} valid playbook(s)\n`);
      if (!result.ok)
        throw new AppError('BAD_INPUT', `${file} is invalid:\n${formatPlaybookErrors(result.errors, file)}`);
    });

  pb.command('import <file>')
    .description('validate and store playbooks (new ones are created, changed ones get a new version)')
    .option('--json', 'print JSON')
    .action(async (file: string, raw: unknown, cmd: Command) => {
      const o = z.object({ json: z.boolean().default(false) }).parse(raw);
      await withContext(cmd, async (ctx) => {
        const r = await importPlaybooks(ctx, readDocument(file), { actor: 'cli', source: file });
        if (o.json) return printJson(r);
        process.stdout.write(
          `created ${r.created.length}, updated ${r.updated.length}, unchanged ${r.unchanged.length}\n`,
        );
      });
    });

  pb.command('run')
    .description('run the playbooks over every scored account now, then deliver queued notifications')
    .option('--dry-run', 'show what would happen, change nothing')
    .option('--no-deliver', 'leave notifications in the outbox')
    .option('--json', 'print JSON')
    .action(async (raw: unknown, cmd: Command) => {
      const o = z
        .object({
          dryRun: z.boolean().default(false),
          deliver: z.boolean().default(true),
          json: z.boolean().default(false),
        })
        .parse(raw);
      await withContext(cmd, async (ctx) => {
        const r = await evaluateAllPlaybooks(ctx, { dryRun: o.dryRun });
        let delivery = null;
        if (!o.dryRun && o.deliver && r.notificationsQueued > 0)
          delivery = await deliverOutbox(ctx, { workerId: `cli-${process.pid}`, limit: 500 });
        if (o.json)
          return printJson({ ...r, decisions: o.dryRun ? r.decisions : r.decisions.length, delivery });
        printRun(r);
        if (o.dryRun)
          for (const d of r.decisions.filter((x) => x.outcome === 'fired').slice(0, 30))
            process.stdout.write(
              `  ${d.playbookId} → ${d.accountId}: ${d.task?.title ?? '(no task)'} [${d.because}]\n`,
            );
        if (delivery)
          process.stdout.write(
            `delivered ${delivery.delivered}, retrying ${delivery.retried}, dead ${delivery.dead}\n`,
          );
      });
    });

  pb.command('deliver')
    .description('deliver due notifications from the outbox (webhooks, Slack, e-mail)')
    .option('--limit <n>', 'at most this many (default 200)')
    .option('--json', 'print JSON')
    .action(async (raw: unknown, cmd: Command) => {
      const o = z
        .object({ limit: z.coerce.number().int().positive().default(200), json: z.boolean().default(false) })
        .parse(raw);
      await withContext(cmd, async (ctx) => {
        const r = await deliverOutbox(ctx, { workerId: `cli-${process.pid}`, limit: o.limit });
        if (o.json) return printJson(r);
        process.stdout.write(
          `claimed ${r.claimed}: delivered ${r.delivered}, retrying ${r.retried}, dead ${r.dead}\n`,
        );
      });
    });

  pb.command('outcomes')
    .description('did the plays work? touched accounts vs the holdout: recovery, renewal, churn')
    .option('--window <days>', 'observation window (default 60)')
    .option('--json', 'print JSON')
    .action(async (raw: unknown, cmd: Command) => {
      const o = z
        .object({ window: z.coerce.number().int().positive().default(60), json: z.boolean().default(false) })
        .parse(raw);
      await withContext(cmd, async (ctx) => {
        const r = await evaluatePlayOutcomes(ctx, { windowDays: o.window });
        if (o.json) return printJson(r);
        printTable(r.plays, [
          { header: 'PLAYBOOK', value: (p) => p.playbookId },
          { header: 'TOUCHED', value: (p) => p.touched.matured, align: 'right' },
          { header: 'RECOVERED', value: (p) => formatPercent(p.touched.recoveryRate), align: 'right' },
          { header: 'RENEWED', value: (p) => formatPercent(p.touched.renewalRate), align: 'right' },
          { header: 'CHURNED', value: (p) => formatPercent(p.touched.churnRate), align: 'right' },
          { header: 'HOLDOUT', value: (p) => p.holdout.matured, align: 'right' },
          { header: 'RECOVERED', value: (p) => formatPercent(p.holdout.recoveryRate), align: 'right' },
          { header: 'RENEWED', value: (p) => formatPercent(p.holdout.renewalRate), align: 'right' },
          { header: 'CHURNED', value: (p) => formatPercent(p.holdout.churnRate), align: 'right' },
          {
            header: 'LIFT',
            value: (p) => (p.recoveryLift === null ? null : `${(p.recoveryLift * 100).toFixed(1)} pts`),
            align: 'right',
          },
        ]);
        if (r.plays.every((p) => p.holdout.decisions === 0))
          process.stdout.write(
            'no holdout recorded yet: set VIGIL_PLAYBOOK_HOLDOUT_PERCENT (e.g. 10) to measure plays\n',
          );
      });
    });
}
