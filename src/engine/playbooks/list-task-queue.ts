import { accountTermsOn } from '../../core/contracts/contract-terms.ts';
import { AppError } from '../../core/errors.ts';
import { type RankedAccount, rankTaskQueue } from '../../core/playbooks/rank-task-queue.ts';
import { listTaskQueueRows } from '../../store/queries/api/list-task-queue-rows.ts';
import type { Viewer } from '../../store/queries/visible-accounts.ts';
import { type EngineContext, today } from '../context.ts';
import { getActiveModel } from '../scoring/get-active-model.ts';
import { TASK_STATUSES, type Task, type TaskStatus, toTask } from './task-view.ts';

export const TASK_PRIORITIES = ['urgent', 'high', 'medium', 'low'] as const;

export type ListTaskQueueOptions = {
  viewer: Viewer;
  status?: TaskStatus;
  owner?: string | undefined;
  playbookId?: string | undefined;
  priority?: (typeof TASK_PRIORITIES)[number] | undefined;
  /** Page of accounts (not of tasks): an account's tasks are never split across pages. */
  limit?: number;
  offset?: number;
};

export type TaskQueueGroup = Omit<RankedAccount, 'taskIds'> & {
  rank: number;
  account: {
    id: string;
    name: string;
    segment: string | null;
    owner: string | null;
    ownerName: string | null;
    managerName: string | null;
    score: number | null;
    band: string | null;
    arr: number;
    renewalDate: string | null;
  };
  tasks: Task[];
};

export type TaskQueueResult = {
  asOf: string;
  /** How churn risk was read: the active model's calibration, or the risk index ((100 − score)/100)². */
  riskSource: 'calibrated' | 'risk-index';
  modelVersion: number;
  groups: TaskQueueGroup[];
  totalAccounts: number;
  totalTasks: number;
  /** Open tasks per priority across the whole filtered queue (not just this page). */
  byPriority: Record<string, number>;
};

/**
 * The weekly work queue: tasks grouped by account, accounts ranked by expected ARR at risk ×
 * urgency (see `rankTaskQueue`), paginated by account.
 */
export async function listTaskQueue(ctx: EngineContext, o: ListTaskQueueOptions): Promise<TaskQueueResult> {
  const status = o.status ?? 'open';
  if (!TASK_STATUSES.includes(status))
    throw new AppError('BAD_INPUT', `status must be one of ${TASK_STATUSES.join(', ')}`);
  const asOf = today(ctx);
  const [rows, model] = await Promise.all([
    listTaskQueueRows(ctx.store, o.viewer, {
      asOf,
      status,
      owner: o.owner,
      playbookId: o.playbookId,
      priority: o.priority,
    }),
    getActiveModel(ctx.store),
  ]);
  // ARR and renewal date by the one contract rule (src/core/contracts), as on the account list
  const terms = new Map(rows.accounts.map((a) => [a.id, accountTermsOn(a.contracts, asOf)]));
  const facts = new Map(
    rows.accounts.map((a) => {
      const t = terms.get(a.id)!;
      return [a.id, { accountId: a.id, score: a.score, arr: t.arr, renewalDate: t.renewalDate }];
    }),
  );
  const calibration = model.model.churnCalibration ?? null;
  const ranked = rankTaskQueue(
    rows.tasks.map((t) => ({ taskId: t.id, accountId: t.account_id, priority: t.priority, due: t.due })),
    facts,
    { asOf, calibration },
  );
  const byId = new Map(rows.tasks.map((t) => [t.id, t]));
  const accounts = new Map(rows.accounts.map((a) => [a.id, a]));
  const offset = o.offset ?? 0;
  const limit = Math.min(o.limit ?? 25, 500);
  const byPriority: Record<string, number> = Object.fromEntries(TASK_PRIORITIES.map((p) => [p, 0]));
  for (const t of rows.tasks) byPriority[t.priority] = (byPriority[t.priority] ?? 0) + 1;
  return {
    asOf,
    riskSource: calibration ? 'calibrated' : 'risk-index',
    modelVersion: model.version,
    totalAccounts: ranked.length,
    totalTasks: rows.tasks.length,
    byPriority,
    groups: ranked.slice(offset, offset + limit).map(({ taskIds, ...r }, i) => {
      const a = accounts.get(r.accountId);
      return {
        ...r,
        rank: offset + i + 1,
        account: {
          id: r.accountId,
          name: a?.name ?? r.accountId,
          segment: a?.segment ?? null,
          owner: a?.owner ?? null,
          ownerName: a?.ownerName ?? null,
          managerName: a?.managerName ?? null,
          score: a?.score ?? null,
          band: a?.band ?? null,
          arr: terms.get(r.accountId)?.arr ?? 0,
          renewalDate: terms.get(r.accountId)?.renewalDate ?? null,
        },
        tasks: taskIds.map((id) => toTask(byId.get(id)!)),
      };
    }),
  };
}
