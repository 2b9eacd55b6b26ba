import { randomUUID } from 'node:crypto';
import { buildEmailPayload, buildNotificationPayload } from '../../core/playbooks/build-notification.ts';
import {
  type EvaluatePlaybooksResult,
  evaluatePlaybooks,
  type PlaybookDecision,
  type PlaybookSubject,
  SUPPRESS_REASONS,
  type SuppressReason,
} from '../../core/playbooks/evaluate-playbooks.ts';
import type { Playbook } from '../../core/playbooks/playbook-schema.ts';
import type { ScoreChange } from '../../core/playbooks/score-change.ts';
import type { Band, ScoreResult } from '../../core/scoring/score-result.ts';
import type { AppliedDecisions, PlannedDecision } from '../../store/resources/playbooks.ts';
import type { EngineContext } from '../context.ts';
import { loadPlaybookSubjects } from './load-playbook-subjects.ts';
import { loadPlaybooks } from './load-playbooks.ts';
import { loadPlaybookSettings, type PlaybookSettings } from './playbook-settings.ts';
import { reopenSnoozedTasks } from './reopen-snoozed-tasks.ts';

export type RunPlaybooksOptions = {
  /** Evaluate and report, write nothing. */
  dryRun?: boolean;
  /** Use these playbooks instead of the stored ones. */
  playbooks?: readonly Playbook[];
  settings?: Partial<PlaybookSettings>;
  /** Internal: on-demand sweeps judge band triggers by level, not transition. */
  mode?: 'change' | 'level';
  kind?: 'rescore' | 'on-demand';
};

export type SkippedNotification = {
  playbookId: string;
  accountId: string;
  channel: string;
  target: string;
  reason: string;
};

export type RunPlaybooksReport = {
  runId: number | null;
  dryRun: boolean;
  subjects: number;
  fired: number;
  heldOut: number;
  suppressed: Record<SuppressReason, number>;
  suppressedTotal: number;
  tasksCreated: number;
  taskIds: string[];
  notificationsQueued: number;
  notificationsSkipped: SkippedNotification[];
  decisions: PlaybookDecision[];
  ms: number;
};

const emptySuppressed = () =>
  Object.fromEntries(SUPPRESS_REASONS.map((r) => [r, 0])) as Record<SuppressReason, number>;

/**
 * Runs the playbooks on rescored accounts (called after every rescore, so a
 * band change gets its task within seconds). Idempotent: a condition with an
 * open task never creates a second one (checked in memory and enforced by a
 * partial unique index), fired plays cool down, and each owner's daily alert
 * budget caps floods. Tasks, tags, outbox rows, cooldowns and the record of
 * every decision commit in one transaction, so a crash leaves either all or
 * none; notifications are then delivered by `deliverOutbox`.
 */
export async function runPlaybooks(
  ctx: EngineContext,
  allChanges: readonly ScoreChange[],
  opts: RunPlaybooksOptions = {},
): Promise<RunPlaybooksReport> {
  const t0 = performance.now();
  // playbooks never fire on churned accounts (core/lifecycle)
  const changes = allChanges.filter((c) => c.current.lifecycle?.stage !== 'churned');
  const settings = loadPlaybookSettings(opts.settings);
  const playbooks = opts.playbooks ?? (await loadPlaybooks(ctx)).map((p) => p.playbook);
  const dryRun = opts.dryRun ?? false;
  const now = ctx.clock.now().toISOString();
  const report: RunPlaybooksReport = {
    runId: null,
    dryRun,
    subjects: 0,
    fired: 0,
    heldOut: 0,
    suppressed: emptySuppressed(),
    suppressedTotal: 0,
    tasksCreated: 0,
    taskIds: [],
    notificationsQueued: 0,
    notificationsSkipped: [],
    decisions: [],
    ms: 0,
  };
  if (!dryRun) await reopenSnoozedTasks(ctx);
  if (changes.length === 0 || !playbooks.some((p) => p.enabled)) {
    report.ms = performance.now() - t0;
    return report;
  }
  if (!dryRun) {
    report.runId = await ctx.store.playbooks.startRun({
      started_at: now,
      finished_at: null,
      kind: opts.kind ?? 'rescore',
      subjects: 0,
      fired: 0,
      held_out: 0,
      suppressed: 0,
      suppressed_by_reason: '{}',
      by_playbook: '{}',
      tasks_created: 0,
      notifications_queued: 0,
    });
  }
  const byPlaybook: Record<string, { fired: number; heldOut: number; suppressed: Record<string, number> }> =
    {};
  for (let i = 0; i < changes.length; i += 1000) {
    const chunk = changes.slice(i, i + 1000);
    const subjects = await loadPlaybookSubjects(ctx.store, chunk, playbooks, now);
    report.subjects += subjects.length;
    const state = await ctx.store.playbooks.runState([...new Set(subjects.map((s) => s.account.id))], now);
    const result = evaluatePlaybooks(playbooks, subjects, state, {
      asOf: now,
      mode: opts.mode ?? 'change',
      dailyBudgetPerOwner: settings.dailyBudgetPerOwner,
      holdoutPercent: settings.holdoutPercent,
      holdoutSalt: settings.holdoutSalt,
    });
    if (!dryRun && report.runId !== null)
      await applyDecisions(ctx, { runId: report.runId, result, subjects, settings, now }, report);
    for (const d of result.decisions) {
      const b = byPlaybook[d.playbookId] ?? { fired: 0, heldOut: 0, suppressed: {} };
      byPlaybook[d.playbookId] = b;
      if (d.outcome === 'fired') b.fired++;
      else if (d.outcome === 'held-out') b.heldOut++;
      else if (d.reason) b.suppressed[d.reason] = (b.suppressed[d.reason] ?? 0) + 1;
    }
    report.decisions.push(...result.decisions);
  }
  // counts after apply: a task lost to a concurrent run is re-labelled open-task there
  for (const d of report.decisions) {
    if (d.outcome === 'fired') report.fired++;
    else if (d.outcome === 'held-out') report.heldOut++;
    else if (d.reason && d.reason !== 'holdout') report.suppressed[d.reason]++;
  }
  report.suppressedTotal = Object.values(report.suppressed).reduce((s, n) => s + n, 0);
  if (!dryRun && report.runId !== null)
    await ctx.store.playbooks.finishRun(report.runId, {
      finished_at: ctx.clock.now().toISOString(),
      subjects: report.subjects,
      fired: report.fired,
      held_out: report.heldOut,
      suppressed: report.suppressedTotal,
      suppressed_by_reason: JSON.stringify(report.suppressed),
      by_playbook: JSON.stringify(byPlaybook),
      tasks_created: report.tasksCreated,
      notifications_queued: report.notificationsQueued,
    });
  report.ms = performance.now() - t0;
  return report;
}

/**
 * Runs the playbooks over every scored account as it stands (on demand, e.g.
 * `vigil playbooks run`): band triggers match accounts that are in the band,
 * not only those that just entered it; dedupe and cooldowns keep a second
 * sweep from repeating the first.
 */
export async function evaluateAllPlaybooks(
  ctx: EngineContext,
  opts: Omit<RunPlaybooksOptions, 'mode' | 'kind'> = {},
): Promise<RunPlaybooksReport> {
  const rows = await ctx.store.playbooks.currentScores();
  const changes: ScoreChange[] = rows.map((r) => ({
    accountId: r.account_id,
    owner: r.owner,
    previous:
      r.previous_score === null || r.previous_band === null
        ? null
        : { score: Number(r.previous_score), band: r.previous_band as Band },
    current: JSON.parse(r.detail) as ScoreResult,
  }));
  return runPlaybooks(ctx, changes, { ...opts, mode: 'level', kind: 'on-demand' });
}

/** One chunk of a run: its decisions and what they were judged on. */
type DecisionsToApply = {
  runId: number;
  result: EvaluatePlaybooksResult;
  subjects: PlaybookSubject[];
  settings: PlaybookSettings;
  now: string;
};

/** A decision with the rows it writes and the notifications that could not be addressed. */
type DecisionPlan = {
  decision: PlaybookDecision;
  rows: PlannedDecision;
  skipped: SkippedNotification[];
};

/**
 * Writes one chunk's decisions in named steps: whose e-mail the notifications need
 * (`findRecipientEmails`), the rows each decision writes (`planDecisionWrites`, no I/O), every row
 * in one store transaction (`store.playbooks.applyDecisions`), then the report and the live
 * events (`recordAppliedDecisions`).
 */
async function applyDecisions(ctx: EngineContext, input: DecisionsToApply, report: RunPlaybooksReport) {
  const emails = await findRecipientEmails(ctx, input.result, input.subjects);
  const plans = planDecisionWrites(input, emails);
  const applied = await ctx.store.playbooks.applyDecisions(
    plans.map((p) => p.rows),
    input.now,
  );
  recordAppliedDecisions(ctx, plans, applied, report);
}

/** E-mail addresses of the owners and managers that fired e-mail or Slack notifications address. */
async function findRecipientEmails(
  ctx: EngineContext,
  result: EvaluatePlaybooksResult,
  subjects: PlaybookSubject[],
): Promise<Map<string, string>> {
  const accounts = new Map(subjects.map((s) => [s.account.id, s.account]));
  const people = new Set<string>();
  for (const d of result.decisions)
    if (
      d.outcome === 'fired' &&
      d.notifications.some(
        (n) =>
          n.channel === 'email' ||
          (n.channel === 'slack' && (n.target === 'owner' || n.target === 'manager')),
      )
    ) {
      const a = accounts.get(d.accountId);
      if (a?.owner) people.add(a.owner);
      if (a?.manager) people.add(a.manager);
    }
  return ctx.store.playbooks.emailsOf([...people]);
}

/**
 * The rows each decision writes: a fired decision its task (with the audit line), tags and
 * notifications; fired and held-out ones their cooldown; every decision its record.
 */
function planDecisionWrites(input: DecisionsToApply, emails: Map<string, string>): DecisionPlan[] {
  const { runId, result, settings, now } = input;
  const subjects = new Map(input.subjects.map((s) => [s.account.id, s]));
  return result.decisions.map((d) => {
    const subject = subjects.get(d.accountId);
    const fired = d.outcome === 'fired' && subject !== undefined;
    const task = fired && d.task ? planTask(d, subject, now) : null;
    const taskId = task?.row.id ?? null;
    const outbox: PlannedDecision['outbox'] = [];
    const skipped: SkippedNotification[] = [];
    if (fired)
      for (const n of d.notifications) {
        const target = resolveTarget(n.channel, n.target, subject.account, emails, settings);
        if (!target.ok) {
          skipped.push({
            playbookId: d.playbookId,
            accountId: d.accountId,
            channel: n.channel,
            target: n.target,
            reason: target.reason,
          });
          continue;
        }
        const payload = buildNotificationPayload(d, subject.account, taskId, {
          publicUrl: settings.publicUrl,
          createdAt: now,
        });
        outbox.push({
          kind: n.channel,
          target: target.value,
          payload: JSON.stringify(n.channel === 'email' ? buildEmailPayload(target.value, payload) : payload),
          status: 'pending',
          attempts: 0,
          next_attempt_at: now,
          locked_by: null,
          locked_until: null,
          delivered_at: null,
          last_error: null,
          created_at: now,
          task_id: taskId,
        });
      }
    const cooldown =
      (d.outcome === 'fired' || d.outcome === 'held-out') && d.cooldownUntil
        ? {
            dedupeKey: d.dedupeKey,
            playbook_id: d.playbookId,
            account_id: d.accountId,
            last_fired_at: now,
            until: d.cooldownUntil,
          }
        : null;
    const rows: PlannedDecision = {
      decision: {
        run_id: runId,
        at: now,
        playbook_id: d.playbookId,
        account_id: d.accountId,
        owner: d.alertOwner,
        outcome: d.outcome,
        reason: d.reason,
        score: d.score,
        band: d.band,
        because: d.because,
        task_id: taskId,
        alert: d.outcome === 'fired' && (d.task !== null || d.notifications.length > 0) ? 1 : 0,
      },
      task,
      outbox,
      cooldown,
      tags: fired ? d.addTags : [],
    };
    return { decision: d, rows, skipped };
  });
}

/** The task a fired decision creates, with a snapshot of the score that caused it, and its audit line. */
function planTask(d: PlaybookDecision, subject: PlaybookSubject, now: string): PlannedDecision['task'] {
  const task = d.task;
  if (!task) return null;
  const id = `tsk_${randomUUID()}`;
  const current = subject.change.current;
  return {
    row: {
      id,
      account_id: d.accountId,
      playbook_id: d.playbookId,
      dedupe_key: d.dedupeKey,
      title: task.title,
      checklist: JSON.stringify(task.checklist.map((text) => ({ text, done: false }))),
      priority: task.priority,
      owner: task.owner,
      manager: task.manager,
      status: 'open',
      reason: null,
      because: d.because,
      due: task.dueDate,
      snoozed_until: null,
      snapshot: JSON.stringify({
        score: current.score,
        band: current.band,
        asOf: current.asOf,
        modelVersion: current.modelVersion,
        drivers: { down: current.drivers.down.slice(0, 5), moved: current.drivers.moved.slice(0, 5) },
        previous: subject.change.previous,
      }),
      created_at: now,
      updated_at: now,
      closed_at: null,
    },
    audit: {
      at: now,
      actor: `playbook:${d.playbookId}`,
      action: 'task.create',
      target: `task:${id}`,
      details: {
        accountId: d.accountId,
        title: task.title,
        owner: task.owner,
        due: task.dueDate,
        because: d.because,
        routedToManager: task.routedToManager ?? false,
      },
    },
  };
}

/**
 * What the store did, in the report: a decision whose task a concurrent run made first becomes a
 * suppressed duplicate (`open-task`); created tasks are announced on the bus.
 */
function recordAppliedDecisions(
  ctx: EngineContext,
  plans: DecisionPlan[],
  applied: AppliedDecisions,
  report: RunPlaybooksReport,
) {
  for (const p of plans) {
    if (p.rows.task && applied.refused.has(p.rows.task.row.id)) {
      p.decision.outcome = 'suppressed';
      p.decision.reason = 'open-task';
      continue;
    }
    report.notificationsSkipped.push(...p.skipped);
  }
  report.notificationsQueued += applied.notificationsQueued;
  const created = new Set(applied.created);
  for (const p of plans) {
    const task = p.rows.task?.row;
    if (!task || !created.has(task.id)) continue;
    report.tasksCreated++;
    report.taskIds.push(task.id);
    ctx.bus.emit('task-changed', {
      taskId: task.id,
      accountId: task.account_id,
      owner: task.owner,
      status: 'open',
      title: task.title,
      created: true,
    });
  }
}

function resolveTarget(
  channel: string,
  target: string,
  account: { owner: string | null; manager: string | null },
  emails: Map<string, string>,
  settings: PlaybookSettings,
): { ok: true; value: string } | { ok: false; reason: string } {
  if (channel === 'email') {
    // queueing mail that cannot be sent would only retry until dead
    if (!settings.smtpUrl) return { ok: false, reason: 'no SMTP server configured (VIGIL_SMTP_URL)' };
    if (target === 'owner' || target === 'manager') {
      const who = target === 'owner' ? account.owner : account.manager;
      const email = who ? emails.get(who) : undefined;
      return email
        ? { ok: true, value: email }
        : { ok: false, reason: `the account's ${target} has no e-mail address` };
    }
    return target.includes('@')
      ? { ok: true, value: target }
      : { ok: false, reason: `"${target}" is not an e-mail address` };
  }
  if (channel === 'slack' && (target === 'owner' || target === 'manager')) {
    // a direct message through the Slack app to the person with this e-mail (see send-slack-alert.ts)
    const who = target === 'owner' ? account.owner : account.manager;
    const email = who ? emails.get(who) : undefined;
    return email
      ? { ok: true, value: `slack-user:${email}` }
      : { ok: false, reason: `the account's ${target} has no e-mail address to find in Slack` };
  }
  if (target === 'default') {
    const url = channel === 'slack' ? settings.defaultSlackUrl : settings.defaultWebhookUrl;
    return url
      ? { ok: true, value: url }
      : {
          ok: false,
          reason: `no default ${channel} URL configured (VIGIL_${channel === 'slack' ? 'SLACK_' : ''}WEBHOOK_URL)`,
        };
  }
  return /^https?:\/\//.test(target)
    ? { ok: true, value: target }
    : { ok: false, reason: `"${target}" is not a URL` };
}
