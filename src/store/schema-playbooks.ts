import type { Generated } from 'kysely';

/** Tables of the playbooks area (migration 004-playbooks). */
export type PlaybookTables = {
  playbooks: PlaybooksTable;
  tasks: TasksTable;
  playbook_runs: PlaybookRunsTable;
  playbook_decisions: PlaybookDecisionsTable;
  playbook_cooldowns: PlaybookCooldownsTable;
  outbox: OutboxTable;
  deliveries: DeliveriesTable;
};

/** A stored playbook: the validated document (JSON) with a version bumped on every change. */
export type PlaybooksTable = {
  id: string;
  name: string;
  document: string; // JSON Playbook
  version: number;
  enabled: number; // 0/1
  /** 'default' when it came with Vigil, 'user' when imported or edited. */
  source: string;
  updated_at: string;
};

export type TasksTable = {
  id: string;
  account_id: string;
  playbook_id: string | null;
  /** Unique among open/snoozed tasks (partial unique index): one open task per condition per account. */
  dedupe_key: string | null;
  title: string;
  checklist: string; // JSON [{ text, done }]
  priority: string; // low | medium | high | urgent
  owner: string | null;
  manager: string | null;
  status: string; // open | done | snoozed | dismissed
  reason: string | null;
  because: string | null;
  due: string | null; // YYYY-MM-DD
  snoozed_until: string | null;
  /** JSON { score, band, asOf, modelVersion, drivers } at creation: why this task exists. */
  snapshot: string;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
};

export type PlaybookRunsTable = {
  id: Generated<number>;
  started_at: string;
  finished_at: string | null;
  /** rescore | on-demand | dry-run */
  kind: string;
  subjects: number;
  fired: number;
  held_out: number;
  suppressed: number;
  /** JSON { [reason]: count } */
  suppressed_by_reason: string;
  /** JSON { [playbookId]: { fired, heldOut, suppressed: { [reason]: n } } } */
  by_playbook: string;
  tasks_created: number;
  notifications_queued: number;
};

/** Every decision of every run (fired, held out, suppressed), for stats and play outcomes. */
export type PlaybookDecisionsTable = {
  id: Generated<number>;
  run_id: number;
  at: string;
  playbook_id: string;
  account_id: string;
  owner: string | null;
  outcome: string; // fired | held-out | suppressed
  reason: string | null;
  score: number;
  band: string;
  because: string;
  task_id: string | null;
  /** 1 when the decision spent an alert (a task or a notification): the per-owner budget counts these. */
  alert: number;
};

export type PlaybookCooldownsTable = {
  playbook_id: string;
  account_id: string;
  last_fired_at: string;
  until: string;
};

/** Durable notifications: written in the same transaction as the task, delivered by a worker. */
export type OutboxTable = {
  id: Generated<number>;
  kind: string; // webhook | slack | email
  target: string;
  payload: string; // JSON
  status: string; // pending | delivered | dead
  attempts: number;
  next_attempt_at: string;
  locked_by: string | null;
  locked_until: string | null;
  delivered_at: string | null;
  last_error: string | null;
  created_at: string;
  task_id: string | null;
};

export type DeliveriesTable = {
  id: Generated<number>;
  outbox_id: number;
  attempt: number;
  at: string;
  worker_id: string;
  ok: number; // 0/1
  status_code: number | null;
  error: string | null;
  duration_ms: number;
};
