import type { ScoreDriver } from '../../core/scoring/score-result.ts';
import type { TasksTable } from '../../store/schema-playbooks.ts';

export const TASK_STATUSES = ['open', 'done', 'snoozed', 'dismissed'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** The score that caused a task, kept with it (written by runPlaybooks). */
export type TaskSnapshot = {
  score: number;
  band: string;
  asOf: string;
  modelVersion: number;
  drivers: { down: ScoreDriver[]; moved: ScoreDriver[] };
  previous: { score: number; band: string } | null;
};

/** A task as the API and CLI show it. */
export type Task = {
  id: string;
  accountId: string;
  accountName: string | null;
  playbookId: string | null;
  title: string;
  checklist: { text: string; done: boolean }[];
  priority: string;
  owner: string | null;
  manager: string | null;
  status: TaskStatus;
  reason: string | null;
  because: string | null;
  due: string | null;
  snoozedUntil: string | null;
  /** The score and drivers that caused the task. */
  snapshot: TaskSnapshot;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
};

export const toTask = (r: TasksTable & { account_name?: string | null }): Task => ({
  id: r.id,
  accountId: r.account_id,
  accountName: r.account_name ?? null,
  playbookId: r.playbook_id,
  title: r.title,
  checklist: JSON.parse(r.checklist) as Task['checklist'],
  priority: r.priority,
  owner: r.owner,
  manager: r.manager,
  status: r.status as TaskStatus,
  reason: r.reason,
  because: r.because,
  due: r.due,
  snoozedUntil: r.snoozed_until,
  snapshot: JSON.parse(r.snapshot) as TaskSnapshot,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  closedAt: r.closed_at,
});
