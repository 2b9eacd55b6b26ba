import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Playbook, playbookSchema } from '../../core/playbooks/playbook-schema.ts';
import { makeScoreResult } from '../../core/playbooks/playbook-test-fixtures.ts';
import type { ScoreChange } from '../../core/playbooks/score-change.ts';
import type { Band } from '../../core/scoring/score-result.ts';
import type { Store } from '../../store/database.ts';
import { openTestStore, TEST_STORE_KINDS } from '../../store/test-stores.ts';
import { type Clock, contextForStore, type EngineContext } from '../context.ts';
import { listTasks } from './list-tasks.ts';
import { evaluateAllPlaybooks, runPlaybooks } from './run-playbooks.ts';
import { seedPlaybookFixtures } from './seed-playbook-fixtures.ts';
import { updateTask } from './update-task.ts';

const change = (
  id: string,
  score: number,
  band: Band,
  prev: { score: number; band: Band } | null,
  owner = 'csm-1',
): ScoreChange => ({
  accountId: id,
  owner,
  previous: prev,
  current: makeScoreResult(id, score, band),
});
const critical = (p: Partial<Playbook> = {}): Playbook =>
  playbookSchema.parse({
    id: 'crit',
    name: 'Critical',
    trigger: { type: 'band_entered', band: 'critical' },
    actions: [
      { type: 'create_task', title: 'Save {{account.name}}', dueInDays: 2, checklist: ['call'] },
      { type: 'add_tag', tag: 'save-plan' },
    ],
    cooldownDays: 7,
    ...p,
  });

describe.each(TEST_STORE_KINDS)('runPlaybooks on %s', (kind) => {
  let store: Store;
  let ctx: EngineContext;
  let now = '2025-06-01T10:00:00.000Z';
  const clock: Clock = { now: () => new Date(now) };
  let ids: string[];
  beforeEach(async () => {
    now = '2025-06-01T10:00:00.000Z';
    store = await openTestStore(kind);
    ctx = contextForStore(store, { clock });
    ids = await seedPlaybookFixtures(store, { accounts: 6 });
  });
  afterEach(async () => {
    await store.close();
  });
  const settings = { dailyBudgetPerOwner: null, holdoutPercent: 0 };

  it('creates one task per condition with owner, manager, due date, snapshot, tag and audit; a second run creates none', async () => {
    const changes = [change(ids[0]!, 30, 'critical', { score: 60, band: 'at-risk' })];
    const first = await runPlaybooks(ctx, changes, { playbooks: [critical()], settings });
    expect(first).toMatchObject({ fired: 1, tasksCreated: 1 });
    const second = await runPlaybooks(ctx, changes, { playbooks: [critical()], settings });
    expect(second).toMatchObject({ fired: 0, tasksCreated: 0 });
    expect(second.suppressed['open-task']).toBe(1);
    const { items, total } = await listTasks(ctx, { owner: 'csm-1' });
    expect(total).toBe(1);
    expect(items[0]).toMatchObject({
      accountId: ids[0],
      title: `Save Account ${ids[0]}`,
      owner: 'csm-1',
      manager: 'mgr-1',
      status: 'open',
      due: '2025-06-03',
      checklist: [{ text: 'call', done: false }],
      snapshot: { score: 30, band: 'critical', previous: { score: 60, band: 'at-risk' } },
    });
    expect((await listTasks(ctx, { manager: 'mgr-1' })).total).toBe(1);
    const acc = await store.db
      .selectFrom('accounts')
      .select('tags')
      .where('id', '=', ids[0]!)
      .executeTakeFirstOrThrow();
    expect(JSON.parse(acc.tags)).toEqual(['save-plan']);
    const audit = await store.db.selectFrom('audit_log').select(['action', 'target']).orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['task.create', 'account.tag']);
    const runs = await store.db.selectFrom('playbook_runs').selectAll().orderBy('id').execute();
    expect(runs.map((r) => [r.fired, r.suppressed, JSON.parse(r.suppressed_by_reason)['open-task']])).toEqual(
      [
        [1, 0, 0],
        [0, 1, 1],
      ],
    );
  });

  it('the database refuses a second open task for the same dedupe key even if the check is bypassed', async () => {
    const changes = [change(ids[0]!, 30, 'critical', null)];
    // two runs racing: both evaluate before either writes
    const [a, b] = await Promise.all([
      runPlaybooks(ctx, changes, { playbooks: [critical()], settings }),
      runPlaybooks(ctx, changes, { playbooks: [critical()], settings }),
    ]);
    expect(a.tasksCreated + b.tasksCreated).toBe(1);
    expect((await listTasks(ctx, {})).total).toBe(1);
  });

  it('after the task is done, the cooldown holds the play back, then it fires again', async () => {
    const changes = [change(ids[0]!, 30, 'critical', { score: 60, band: 'at-risk' })];
    const r1 = await runPlaybooks(ctx, changes, { playbooks: [critical()], settings });
    await updateTask(ctx, r1.taskIds[0]!, { status: 'done', actor: 'csm-1' });
    now = '2025-06-04T10:00:00.000Z';
    const r2 = await runPlaybooks(ctx, changes, { playbooks: [critical()], settings });
    expect(r2.suppressed.cooldown).toBe(1);
    now = '2025-06-09T10:00:00.000Z';
    const r3 = await runPlaybooks(ctx, changes, { playbooks: [critical()], settings });
    expect(r3.tasksCreated).toBe(1);
    expect((await listTasks(ctx, { status: 'done' })).total).toBe(1);
    expect((await listTasks(ctx, { status: 'open' })).total).toBe(1);
  });

  it('the daily budget per owner suppresses and counts the excess, and resets the next day', async () => {
    // 6 accounts over 3 owners = 2 each; budget 1 → 3 fired, 3 suppressed
    const changes = ids.map((id, i) => change(id, 30, 'critical', null, `csm-${(i % 3) + 1}`));
    const r = await runPlaybooks(ctx, changes, {
      playbooks: [critical()],
      settings: { ...settings, dailyBudgetPerOwner: 1 },
    });
    expect(r.fired).toBe(3);
    expect(r.suppressed.budget).toBe(3);
    const again = await runPlaybooks(ctx, changes, {
      playbooks: [critical()],
      settings: { ...settings, dailyBudgetPerOwner: 1 },
    });
    expect(again.fired).toBe(0);
    expect(again.suppressed).toMatchObject({ budget: 3, 'open-task': 3 });
    now = '2025-06-02T10:00:00.000Z';
    const tomorrow = await runPlaybooks(ctx, changes, {
      playbooks: [critical()],
      settings: { ...settings, dailyBudgetPerOwner: 1 },
    });
    expect(tomorrow.fired).toBe(3);
    const stats = await store.db
      .selectFrom('playbook_decisions')
      .select(['reason', (eb) => eb.fn.countAll<number>().as('n')])
      .where('outcome', '=', 'suppressed')
      .groupBy('reason')
      .orderBy('reason')
      .execute();
    expect(stats.map((s) => [s.reason, Number(s.n)])).toEqual([
      ['budget', 6],
      ['open-task', 6],
    ]);
  });

  it('held-out triggers are recorded and cooled down, not actioned', async () => {
    const changes = ids.map((id) => change(id, 30, 'critical', null));
    const r = await runPlaybooks(ctx, changes, { playbooks: [critical({ holdoutPercent: 50 })], settings });
    expect(r.heldOut).toBeGreaterThan(0);
    expect(r.heldOut + r.fired).toBe(6);
    expect(r.tasksCreated).toBe(r.fired);
    const held = await store.db
      .selectFrom('playbook_decisions')
      .select('account_id')
      .where('outcome', '=', 'held-out')
      .execute();
    expect(held).toHaveLength(r.heldOut);
    // the next day's draw differs, but a held-out account stays untouched while it cools down
    now = '2025-06-02T10:00:00.000Z';
    const r2 = await runPlaybooks(ctx, changes, { playbooks: [critical({ holdoutPercent: 50 })], settings });
    expect(r2.tasksCreated).toBe(0);
  });

  it('dry run writes nothing', async () => {
    const r = await runPlaybooks(ctx, [change(ids[0]!, 30, 'critical', null)], {
      playbooks: [critical()],
      settings,
      dryRun: true,
    });
    expect(r.fired).toBe(1);
    expect(r.runId).toBeNull();
    expect((await listTasks(ctx)).total).toBe(0);
  });

  it('routes to the manager, enrolls, queues notifications and reports targets it cannot resolve', async () => {
    const plays = [
      critical({
        actions: [
          { type: 'create_task', title: 'Escalate', dueInDays: 1, checklist: [], priority: 'urgent' },
          { type: 'route_to_manager' },
          { type: 'notify', channel: 'webhook', target: 'default' },
          { type: 'notify', channel: 'slack', target: 'default' },
          { type: 'notify', channel: 'email', target: 'manager' },
          { type: 'enroll', playbookId: 'child' },
        ],
      }),
      playbookSchema.parse({
        id: 'child',
        name: 'Child',
        trigger: { type: 'enrolled' },
        actions: [{ type: 'create_task', title: 'Save plan', dueInDays: 3 }],
      }),
    ];
    const r = await runPlaybooks(ctx, [change(ids[0]!, 30, 'critical', null)], {
      playbooks: plays,
      settings: { ...settings, defaultWebhookUrl: 'http://127.0.0.1:9/hook', smtpUrl: 'smtp://127.0.0.1:9' },
    });
    expect(r.tasksCreated).toBe(2);
    expect(r.notificationsQueued).toBe(2);
    expect(r.notificationsSkipped).toEqual([
      expect.objectContaining({ channel: 'slack', reason: expect.stringContaining('no default slack URL') }),
    ]);
    const tasks = (await listTasks(ctx)).items;
    expect(tasks.map((t) => [t.title, t.owner, t.priority])).toEqual([
      ['Escalate', 'mgr-1', 'urgent'],
      ['Save plan', 'csm-1', 'medium'],
    ]);
    const outbox = await store.db.selectFrom('outbox').selectAll().orderBy('id').execute();
    expect(outbox.map((o) => [o.kind, o.target, o.status])).toEqual([
      ['webhook', 'http://127.0.0.1:9/hook', 'pending'],
      ['email', 'mgr@example.test', 'pending'],
    ]);
    const payload = JSON.parse(outbox[0]!.payload);
    expect(payload.text).toContain('Critical: Account acc-00000 is critical (30)');
    expect(payload.vigil.task).toMatchObject({ title: 'Escalate', owner: 'mgr-1' });
    expect(JSON.parse(outbox[1]!.payload).subject).toContain('[Vigil] Critical');
  });

  it('task lifecycle: snooze (reopens when due), dismiss needs a reason, every change audited', async () => {
    const r = await runPlaybooks(ctx, [change(ids[0]!, 30, 'critical', null)], {
      playbooks: [critical()],
      settings,
    });
    const id = r.taskIds[0]!;
    await expect(updateTask(ctx, id, { status: 'dismissed', actor: 'csm-1' })).rejects.toMatchObject({
      code: 'BAD_INPUT',
    });
    await expect(updateTask(ctx, 'nope', { status: 'done', actor: 'csm-1' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    const snoozed = await updateTask(ctx, id, {
      status: 'snoozed',
      snoozedUntil: '2025-06-03',
      actor: 'csm-1',
    });
    expect(snoozed.snoozedUntil).toBe('2025-06-03T00:00:00.000Z');
    // still blocks a duplicate while snoozed
    expect(
      (
        await runPlaybooks(ctx, [change(ids[0]!, 30, 'critical', null)], {
          playbooks: [critical()],
          settings,
        })
      ).suppressed['open-task'],
    ).toBe(1);
    now = '2025-06-03T01:00:00.000Z';
    await runPlaybooks(ctx, [], { playbooks: [critical()], settings });
    expect((await listTasks(ctx, { status: 'open' })).total).toBe(1);
    const dismissed = await updateTask(ctx, id, {
      status: 'dismissed',
      reason: 'customer already renewed',
      actor: 'csm-1',
    });
    expect(dismissed).toMatchObject({ status: 'dismissed', reason: 'customer already renewed' });
    expect(dismissed.closedAt).toBe(now);
    const audit = await store.db
      .selectFrom('audit_log')
      .select(['action', 'actor', 'details'])
      .where('target', '=', `task:${id}`)
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.action)).toEqual([
      'task.create',
      'task.snoozed',
      'task.reopen',
      'task.dismissed',
    ]);
    expect(JSON.parse(audit[3]!.details)).toMatchObject({
      from: 'open',
      to: 'dismissed',
      reason: 'customer already renewed',
    });
  });

  it('evaluateAllPlaybooks sweeps current scores with the stored (default) playbooks, idempotently', async () => {
    const bands: [number, Band][] = [
      [30, 'critical'],
      [40, 'critical'],
      [60, 'at-risk'],
      [70, 'at-risk'],
      [90, 'healthy'],
      [95, 'healthy'],
    ];
    for (const [i, id] of ids.entries()) {
      const [score, band] = bands[i]!;
      const detail = JSON.stringify(makeScoreResult(id, score, band));
      await store.db
        .insertInto('current_scores')
        .values({
          account_id: id,
          as_of: '2025-06-01',
          model_version: 1,
          score,
          band,
          coverage: 1,
          detail,
          computed_at: now,
          previous_score: null,
          previous_band: null,
          override_score: null,
        })
        .execute();
    }
    const first = await evaluateAllPlaybooks(ctx, {
      settings: { ...settings, defaultWebhookUrl: 'http://127.0.0.1:9/h' },
    });
    const tasks = (await listTasks(ctx)).items;
    const byAccount = (id: string) =>
      tasks
        .filter((t) => t.accountId === id)
        .map((t) => t.playbookId)
        .sort();
    // acc 0 and 2 renew on 2025-08-15 (75 days): inside the 90-day play, outside the 45-day one
    expect(byAccount(ids[0]!)).toEqual([
      'critical-escalation',
      'critical-save-plan',
      'renewal-90-days-at-risk',
    ]);
    expect(byAccount(ids[1]!)).toEqual(['critical-escalation', 'critical-save-plan']);
    expect(byAccount(ids[2]!)).toEqual([
      'at-risk-executive-touch',
      'at-risk-recovery',
      'renewal-90-days-at-risk',
    ]);
    expect(byAccount(ids[3]!)).toEqual(['at-risk-executive-touch', 'at-risk-recovery']);
    expect(tasks.find((t) => t.playbookId === 'critical-escalation')?.owner).toBe('mgr-1');
    expect(byAccount(ids[4]!)).toContain('healthy-advocacy-ask');
    expect(first.tasksCreated).toBe(tasks.length);
    const second = await evaluateAllPlaybooks(ctx, { settings });
    expect(second.tasksCreated).toBe(0);
    expect((await listTasks(ctx)).total).toBe(tasks.length);
    const stored = await store.db.selectFrom('playbooks').select(['id', 'source']).execute();
    expect(stored.length).toBeGreaterThan(10);
  });
});
