import type { Command } from 'commander';
import { z } from 'zod';
import { listTasks } from '../../engine/playbooks/list-tasks.ts';
import { TASK_STATUSES, type TaskStatus } from '../../engine/playbooks/task-view.ts';
import { updateTask } from '../../engine/playbooks/update-task.ts';
import { printJson, withContext } from '../with-context.ts';

const listSchema = z.object({
  owner: z.string().optional(),
  manager: z.string().optional(),
  status: z.enum(TASK_STATUSES).optional(),
  account: z.string().optional(),
  limit: z.coerce.number().int().positive().default(100),
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
    .description('tasks, most urgent first (default: open ones)')
    .option('--owner <user>', 'only this owner')
    .option('--manager <user>', "this manager's team")
    .option('--status <status>', `one of ${TASK_STATUSES.join(', ')} (default open)`)
    .option('--account <id>', 'only this account')
    .option('--limit <n>', 'at most this many (default 100)')
    .option('--json', 'print JSON')
    .action(async (raw: unknown, cmd: Command) => {
      const o = listSchema.parse(raw);
      await withContext(cmd, async (ctx) => {
        const r = await listTasks(ctx, {
          owner: o.owner,
          manager: o.manager,
          status: o.status ?? 'open',
          accountId: o.account,
          limit: o.limit,
        });
        if (o.json) return printJson(r);
        for (const t of r.items)
          process.stdout.write(
            `${t.id}  ${t.priority.padEnd(6)} due ${t.due ?? '-'}  ${(t.owner ?? '-').padEnd(10)} ${t.title}\n`,
          );
        process.stdout.write(`${r.items.length} of ${r.total} task(s)\n`);
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
