import { randomUUID } from 'node:crypto';
import { type Insertable, sql } from 'kysely';
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
import type { AuditLogTable } from '../../store/schema.ts';
import type {
  OutboxTable,
  PlaybookCooldownsTable,
  PlaybookDecisionsTable,
  TasksTable,
} from '../../store/schema-playbooks.ts';
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
    const run = await ctx.store.db
      .insertInto('playbook_runs')
      .values({
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
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    report.runId = Number(run.id);
  }
  const byPlaybook: Record<string, { fired: number; heldOut: number; suppressed: Record<string, number> }> =
    {};
  for (let i = 0; i < changes.length; i += 1000) {
    const chunk = changes.slice(i, i + 1000);
    const subjects = await loadPlaybookSubjects(ctx.store, chunk, playbooks, now);
    report.subjects += subjects.length;
    const state = await loadState(ctx, subjects, now);
    const result = evaluatePlaybooks(playbooks, subjects, state, {
      asOf: now,
      mode: opts.mode ?? 'change',
      dailyBudgetPerOwner: settings.dailyBudgetPerOwner,
      holdoutPercent: settings.holdoutPercent,
      holdoutSalt: settings.holdoutSalt,
    });
    if (!dryRun && report.runId !== null)
      await apply(ctx, report.runId, result, subjects, settings, now, report);
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
    await ctx.store.db
      .updateTable('playbook_runs')
      .set({
        finished_at: ctx.clock.now().toISOString(),
        subjects: report.subjects,
        fired: report.fired,
        held_out: report.heldOut,
        suppressed: report.suppressedTotal,
        suppressed_by_reason: JSON.stringify(report.suppressed),
        by_playbook: JSON.stringify(byPlaybook),
        tasks_created: report.tasksCreated,
        notifications_queued: report.notificationsQueued,
      })
      .where('id', '=', report.runId)
      .execute();
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
  const rows = await ctx.store.db
    .selectFrom('current_scores')
    .innerJoin('accounts', 'accounts.id', 'current_scores.account_id')
    .select([
      'current_scores.account_id',
      'current_scores.detail',
      'current_scores.previous_score',
      'current_scores.previous_band',
      'accounts.owner',
    ])
    .orderBy('current_scores.account_id')
    .execute();
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

async function loadState(ctx: EngineContext, subjects: PlaybookSubject[], now: string) {
  const ids = [...new Set(subjects.map((s) => s.account.id))];
  const openDedupeKeys = new Set<string>();
  const cooldownUntil = new Map<string, string>();
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    const [open, cool] = await Promise.all([
      ctx.store.db
        .selectFrom('tasks')
        .select('dedupe_key')
        .where('account_id', 'in', chunk)
        .where('status', 'in', ['open', 'snoozed'])
        .where('dedupe_key', 'is not', null)
        .execute(),
      ctx.store.db
        .selectFrom('playbook_cooldowns')
        .select(['playbook_id', 'account_id', 'until'])
        .where('account_id', 'in', chunk)
        .where('until', '>', now)
        .execute(),
    ]);
    for (const t of open) if (t.dedupe_key) openDedupeKeys.add(t.dedupe_key);
    for (const c of cool) cooldownUntil.set(`${c.playbook_id}:${c.account_id}`, c.until);
  }
  const dayStart = `${now.slice(0, 10)}T00:00:00.000Z`;
  const spent = await ctx.store.db
    .selectFrom('playbook_decisions')
    .select(['owner', (eb) => eb.fn.countAll<number>().as('n')])
    .where('outcome', '=', 'fired')
    .where('alert', '=', 1)
    .where('at', '>=', dayStart)
    .groupBy('owner')
    .execute();
  const budgetUsed = new Map(spent.map((r) => [r.owner ?? '(unassigned)', Number(r.n)]));
  return { openDedupeKeys, cooldownUntil, budgetUsed };
}

async function apply(
  ctx: EngineContext,
  runId: number,
  result: EvaluatePlaybooksResult,
  subjects: PlaybookSubject[],
  settings: PlaybookSettings,
  now: string,
  report: RunPlaybooksReport,
) {
  const accounts = new Map(subjects.map((s) => [s.account.id, s]));
  const emails = new Map<string, string>();
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
      const a = accounts.get(d.accountId)?.account;
      if (a?.owner) people.add(a.owner);
      if (a?.manager) people.add(a.manager);
    }
  if (people.size > 0)
    for (const u of await ctx.store.db
      .selectFrom('users')
      .select(['id', 'email'])
      .where('id', 'in', [...people])
      .execute())
      if (u.email) emails.set(u.id, u.email);

  const created: { id: string; accountId: string; owner: string | null; title: string }[] = [];
  await ctx.store.db.transaction().execute(async (trx) => {
    // 1. tasks, in multi-row batches; a row the partial unique index refuses (a concurrent run
    //    made it first) is simply not returned, and its decision becomes a suppressed duplicate
    const taskIds = new Map<PlaybookDecision, string>();
    const taskRows: Insertable<TasksTable>[] = [];
    const rowDecision = new Map<string, PlaybookDecision>();
    for (const d of result.decisions) {
      const subject = accounts.get(d.accountId);
      if (d.outcome !== 'fired' || !d.task || !subject) continue;
      const id = `tsk_${randomUUID()}`;
      const current = subject.change.current;
      rowDecision.set(id, d);
      taskRows.push({
        id,
        account_id: d.accountId,
        playbook_id: d.playbookId,
        dedupe_key: d.dedupeKey,
        title: d.task.title,
        checklist: JSON.stringify(d.task.checklist.map((text) => ({ text, done: false }))),
        priority: d.task.priority,
        owner: d.task.owner,
        manager: d.task.manager,
        status: 'open',
        reason: null,
        because: d.because,
        due: d.task.dueDate,
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
      });
    }
    for (let i = 0; i < taskRows.length; i += 200) {
      const inserted = await trx
        .insertInto('tasks')
        .values(taskRows.slice(i, i + 200))
        .onConflict((oc) =>
          oc
            .column('dedupe_key')
            .where(sql<boolean>`status in ('open', 'snoozed') and dedupe_key is not null`)
            .doNothing(),
        )
        .returning('id')
        .execute();
      for (const r of inserted) {
        const d = rowDecision.get(r.id);
        if (d) taskIds.set(d, r.id);
      }
    }
    const audit: Insertable<AuditLogTable>[] = [];
    for (const [id, d] of rowDecision) {
      if (taskIds.has(d)) {
        created.push({
          id,
          accountId: d.accountId,
          owner: d.task?.owner ?? null,
          title: d.task?.title ?? '',
        });
        audit.push({
          at: now,
          actor: `playbook:${d.playbookId}`,
          action: 'task.create',
          target: `task:${id}`,
          details: JSON.stringify({
            accountId: d.accountId,
            title: d.task?.title,
            owner: d.task?.owner,
            due: d.task?.dueDate,
            because: d.because,
            routedToManager: d.task?.routedToManager ?? false,
          }),
        });
      } else {
        d.outcome = 'suppressed';
        d.reason = 'open-task';
      }
    }

    // 2. tags, notifications, cooldowns and the record of every decision
    const tagsToAdd = new Map<string, Set<string>>();
    const outbox: Insertable<OutboxTable>[] = [];
    const cooldowns = new Map<string, Insertable<PlaybookCooldownsTable>>();
    const decisionRows: Insertable<PlaybookDecisionsTable>[] = [];
    for (const d of result.decisions) {
      const subject = accounts.get(d.accountId);
      const taskId = taskIds.get(d) ?? null;
      if (d.outcome === 'fired' && subject) {
        for (const t of d.addTags) {
          const set = tagsToAdd.get(d.accountId) ?? new Set<string>();
          set.add(t);
          tagsToAdd.set(d.accountId, set);
        }
        for (const n of d.notifications) {
          const target = resolveTarget(n.channel, n.target, subject.account, emails, settings);
          if (!target.ok) {
            report.notificationsSkipped.push({
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
            payload: JSON.stringify(
              n.channel === 'email' ? buildEmailPayload(target.value, payload) : payload,
            ),
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
      }
      if ((d.outcome === 'fired' || d.outcome === 'held-out') && d.cooldownUntil)
        cooldowns.set(d.dedupeKey, {
          playbook_id: d.playbookId,
          account_id: d.accountId,
          last_fired_at: now,
          until: d.cooldownUntil,
        });
      decisionRows.push({
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
      });
    }
    for (let i = 0; i < outbox.length; i += 200)
      await trx
        .insertInto('outbox')
        .values(outbox.slice(i, i + 200))
        .execute();
    report.notificationsQueued += outbox.length;
    const coolRows = [...cooldowns.values()];
    for (let i = 0; i < coolRows.length; i += 500)
      await trx
        .insertInto('playbook_cooldowns')
        .values(coolRows.slice(i, i + 500))
        .onConflict((oc) =>
          oc.columns(['playbook_id', 'account_id']).doUpdateSet((eb) => ({
            last_fired_at: eb.ref('excluded.last_fired_at'),
            until: eb.ref('excluded.until'),
          })),
        )
        .execute();
    for (let i = 0; i < decisionRows.length; i += 500)
      await trx
        .insertInto('playbook_decisions')
        .values(decisionRows.slice(i, i + 500))
        .execute();
    const tagIds = [...tagsToAdd.keys()];
    for (let i = 0; i < tagIds.length; i += 500) {
      const rows = await trx
        .selectFrom('accounts')
        .select(['id', 'tags'])
        .where('id', 'in', tagIds.slice(i, i + 500))
        .execute();
      for (const row of rows) {
        const before = JSON.parse(row.tags || '[]') as string[];
        const added = [...(tagsToAdd.get(row.id) ?? [])].filter((t) => !before.includes(t));
        if (added.length === 0) continue;
        await trx
          .updateTable('accounts')
          .set({ tags: JSON.stringify([...before, ...added]) })
          .where('id', '=', row.id)
          .execute();
        audit.push({
          at: now,
          actor: 'playbooks',
          action: 'account.tag',
          target: `account:${row.id}`,
          details: JSON.stringify({ added }),
        });
      }
    }
    for (let i = 0; i < audit.length; i += 500)
      await trx
        .insertInto('audit_log')
        .values(audit.slice(i, i + 500))
        .execute();
  });
  report.tasksCreated += created.length;
  report.taskIds.push(...created.map((c) => c.id));
  for (const c of created)
    ctx.bus.emit('task-changed', {
      taskId: c.id,
      accountId: c.accountId,
      owner: c.owner,
      status: 'open',
      title: c.title,
      created: true,
    });
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
