import type { Command } from 'commander';
import { z } from 'zod';
import { listTaskQueue, TASK_PRIORITIES } from '../../engine/playbooks/list-task-queue.ts';
import { TASK_STATUSES, type TaskStatus } from '../../engine/playbooks/task-view.ts';
import { updateTask } from '../../engine/playbooks/update-task.ts';
import { formatTable } from '../print-table.ts';
import { printJson, withContext } from '../with-context.ts';

const money = (n: number) =>
  n >= 1_000_000
    ? `$${(n / 1_000_000).toFixed(1)}M`
    : n >= 1000
      ? `$${Math.round(n / 1000)}k`
      : `$${Math.round(n)}`;

const listSchema = z.object({
  owner: z.string().optional(),
  manager: z.string().optional(),
  status: z.enum(TASK_STATUSES).optional(),
  account: z.string().optional(),
  playbook: z.string().optional(),
  priority: z.enum(TASK_PRIORITIES).optional(),
  limit: z.coerce.number().int().positive().default(25),
  json: z.boolean().default(false),
});
const changeSchema = z.object({
  reason: z.string().optional(),
  until: z.string().optional(),
  by: z.string().default('cli'),
  json: z.boolean().default(false),
});

export function register(program: Command) {
  const tasks = program.command('tasks').description('tasks created by playbooks (per CSM, per manager)');
  tasks
    .command('list', { isDefault: true })
    .description(
      'the work queue: accounts ranked by expected ARR at risk × urgency, each with its tasks (default: open)',
    )
    .option('--owner <user>', 'only tasks of this owner')
    .option('--manager <user>', "this manager's team (and tasks routed to them)")
    .option('--status <status>', `one of ${TASK_STATUSES.join(', ')} (default open)`)
    .option('--account <id>', 'only this account')
    .option('--playbook <id>', 'only tasks of this playbook')
    .option('--priority <p>', `one of ${TASK_PRIORITIES.join(', ')}`)
    .option('--limit <n>', 'at most this many accounts (default 25)')
    .option('--json', 'print JSON')
    .action(async (raw: unknown, cmd: Command) => {
      const o = listSchema.parse(raw);
      await withContext(cmd, async (ctx) => {
        const viewer = o.manager
          ? { userId: o.manager, role: 'manager' as const }
          : { userId: 'cli', role: 'admin' as const };
        const r = await listTaskQueue(ctx, {
          viewer,
          owner: o.owner,
          status: o.status ?? 'open',
          playbookId: o.playbook,
          priority: o.priority,
          limit: o.account ? 500 : o.limit,
        });
        const groups = o.account ? r.groups.filter((g) => g.accountId === o.account) : r.groups;
        if (o.json) return printJson({ ...r, groups });
        const rows = groups.flatMap((g) =>
          g.tasks.map((t, i) => ({
            rank: i === 0 ? `#${g.rank}` : '',
            account:
              i === 0
                ? `${g.account.name} (${g.account.band ?? 'unscored'} ${g.account.score ?? ''})`.trim()
                : '',
            atRisk: i === 0 ? money(g.expectedArrAtRisk) : '',
            renewal: i === 0 ? (g.daysToRenewal === null ? '–' : `${g.daysToRenewal} d`) : '',
            t,
          })),
        );
        process.stdout.write(
          formatTable(rows, [
            { header: 'rank', value: (x) => x.rank },
            { header: 'account', value: (x) => x.account },
            { header: 'ARR at risk', value: (x) => x.atRisk, align: 'right' },
            { header: 'renews in', value: (x) => x.renewal, align: 'right' },
            { header: 'task', value: (x) => x.t.id },
            { header: 'priority', value: (x) => x.t.priority },
            { header: 'due', value: (x) => x.t.due },
            { header: 'owner', value: (x) => x.t.owner },
            { header: 'title', value: (x) => x.t.title },
          ]),
        );
        process.stdout.write(
          `${groups.length} of ${r.totalAccounts} account(s), ${r.totalTasks} task(s); ranked by ARR × ${r.riskSource === 'calibrated' ? 'churn probability' : 'risk index ((100 − score)/100)²'} × urgency\n`,
        );
      });
    });
  const change = (verb: string, status: TaskStatus, help: string) =>
    tasks
      .command(`${verb} <id>`)
      .description(help)
      .option('--reason <text>', status === 'dismissed' ? 'why (required)' : 'note')
      .option('--until <date>', 'snooze until (default 7 days)')
      .option('--by <user>', 'who (audit log; default cli)')
      .option('--json', 'print JSON')
      .action(async (id: string, raw: unknown, cmd: Command) => {
        const o = changeSchema.parse(raw);
        await withContext(cmd, async (ctx) => {
          const t = await updateTask(ctx, id, {
            status,
            reason: o.reason,
            snoozedUntil: o.until,
            actor: o.by,
          });
          if (o.json) return printJson(t);
          process.stdout.write(`${t.id} is ${t.status}${t.snoozedUntil ? ` until ${t.snoozedUntil}` : ''}\n`);
        });
      });
  change('done', 'done', 'mark a task done');
  change('snooze', 'snoozed', 'snooze a task (it reopens by itself)');
  change('dismiss', 'dismissed', 'dismiss a task, with a reason');
  change('reopen', 'open', 'reopen a closed task');
}
