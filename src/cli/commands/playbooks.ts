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
import { formatPercent, formatTable, printTable } from '../print-table.ts';
import { printJson, withContext } from '../with-context.ts';

const readDocument = (file: string) => {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new AppError('BAD_INPUT', `cannot read ${file}: ${(e as Error).message}`);
  }
};

/**
 * A playbook run for people: the totals, then one row per playbook (fired, held out, suppressed,
 * tasks), on a dry run the fired plays (first 30), and notifications that were skipped.
 */
export function formatRun(r: RunPlaybooksReport): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const sup = Object.entries(r.suppressed)
    .filter(([, k]) => k > 0)
    .map(([k, c]) => `${k} ${n(c)}`)
    .join(', ');
  const lines = [
    `${r.dryRun ? '[dry run] ' : ''}${n(r.subjects)} account(s): ${n(r.fired)} play(s) fired, ${n(r.heldOut)} held out, ${n(r.suppressedTotal)} suppressed${sup ? ` (${sup})` : ''}; ${r.dryRun ? `up to ${n(r.decisions.filter((d) => d.outcome === 'fired' && d.task).length)} task(s) would be created` : `${n(r.tasksCreated)} task(s) created`}, ${n(r.notificationsQueued)} notification(s) queued in ${r.ms < 1000 ? `${Math.round(r.ms)} ms` : `${(r.ms / 1000).toFixed(1)} s`}`,
  ];
  type Row = { name: string; fired: number; heldOut: number; suppressed: number; tasks: number };
  const by = new Map<string, Row>();
  for (const d of r.decisions) {
    const row = by.get(d.playbookId) ?? {
      name: d.playbookName,
      fired: 0,
      heldOut: 0,
      suppressed: 0,
      tasks: 0,
    };
    if (d.outcome === 'fired') {
      row.fired++;
      if (d.task) row.tasks++;
    } else if (d.outcome === 'held-out') row.heldOut++;
    else row.suppressed++;
    by.set(d.playbookId, row);
  }
  const rows = [...by.values()].sort((a, b) => b.fired - a.fired || a.name.localeCompare(b.name));
  if (rows.length > 0) {
    lines.push('');
    lines.push(
      formatTable(rows, [
        { header: 'PLAYBOOK', value: (x) => x.name },
        { header: 'FIRED', value: (x) => x.fired, align: 'right' },
        { header: 'HELD OUT', value: (x) => x.heldOut, align: 'right' },
        { header: 'SUPPRESSED', value: (x) => x.suppressed, align: 'right' },
        { header: 'WITH TASK', value: (x) => x.tasks, align: 'right' },
      ]).trimEnd(),
    );
  }
  const fired = r.decisions.filter((d) => d.outcome === 'fired');
  if (r.dryRun && fired.length > 0) {
    lines.push('');
    lines.push(`Would fire${fired.length > 30 ? ` (first 30 of ${n(fired.length)})` : ''}:`);
    lines.push(
      formatTable(fired.slice(0, 30), [
        { header: 'PLAYBOOK', value: (d) => d.playbookId },
        { header: 'ACCOUNT', value: (d) => d.accountId },
        { header: 'TASK', value: (d) => d.task?.title ?? '(no task)' },
        { header: 'BECAUSE', value: (d) => d.because },
      ]).trimEnd(),
    );
  }
  if (r.notificationsSkipped.length > 0) {
    lines.push('');
    lines.push(
      `Skipped notifications${r.notificationsSkipped.length > 5 ? ` (first 5 of ${n(r.notificationsSkipped.length)})` : ''}:`,
    );
    lines.push(
      formatTable(r.notificationsSkipped.slice(0, 5), [
        { header: 'CHANNEL', value: (x) => x.channel },
        { header: 'PLAYBOOK', value: (x) => x.playbookId },
        { header: 'ACCOUNT', value: (x) => x.accountId },
        { header: 'REASON', value: (x) => x.reason },
      ]).trimEnd(),
    );
  }
  return `${lines.join('\n')}\n`;
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
        process.stdout.write(formatRun(r));
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
