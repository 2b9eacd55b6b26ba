import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PLAYBOOKS } from '../../core/playbooks/default-playbooks.ts';
import type { Store } from '../../store/database.ts';
import { listAccountSummaries } from '../../store/queries/api/list-account-summaries.ts';
import { openTestStore } from '../../store/test-stores.ts';
import { contextForStore, type EngineContext, fixedClock } from '../context.ts';
import { generateDemo } from '../demo/generate-demo.ts';
import { importFiles } from '../import/import-files.ts';
import { recomputeScores } from '../scoring/recompute-scores.ts';
import { listTaskQueue } from './list-task-queue.ts';
import { evaluateAllPlaybooks } from './run-playbooks.ts';
import { tickChecklistItem } from './update-task.ts';

// A realism check of the work queue on a generated portfolio, as a CSM sees it after the
// first playbook sweep: priorities that mean something, no play crowded out, a ranking by
// what is at stake.
describe('work queue on the demo portfolio', () => {
  let store: Store;
  let ctx: EngineContext;
  const admin = { userId: 'admin', role: 'admin' as const };
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-queue-'));
    try {
      await generateDemo({ outDir: dir, accounts: 220, months: 14, seed: 11, endDate: '2026-11-15' });
      store = await openTestStore('sqlite');
      ctx = contextForStore(store, { clock: fixedClock('2026-11-15T12:00:00Z') });
      await importFiles(ctx, { paths: [dir] });
      await recomputeScores(ctx, { all: true });
      await evaluateAllPlaybooks(ctx);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
  afterAll(async () => {
    await store?.close();
  });

  it('keeps urgent + high under a third of open tasks', async () => {
    const q = await listTaskQueue(ctx, { viewer: admin, limit: 500 });
    const { urgent = 0, high = 0 } = q.byPriority;
    expect(q.totalTasks).toBeGreaterThan(50);
    expect((urgent + high) / q.totalTasks).toBeLessThan(1 / 3);
    expect(urgent).toBeGreaterThan(0);
  });

  it('gives every default playbook that had candidates at least one task', async () => {
    const decisions = await store.db
      .selectFrom('playbook_decisions')
      .select(['playbook_id', 'outcome', 'reason'])
      .execute();
    const candidates = new Set(
      decisions
        .filter((d) => d.outcome === 'fired' || (d.outcome === 'suppressed' && d.reason === 'budget'))
        .map((d) => d.playbook_id),
    );
    const withTasks = new Set(
      (await store.db.selectFrom('tasks').select('playbook_id').distinct().execute()).map(
        (r) => r.playbook_id,
      ),
    );
    const taskPlays = DEFAULT_PLAYBOOKS.filter((p) => p.actions.some((a) => a.type === 'create_task'));
    expect(candidates.size).toBeGreaterThan(5);
    for (const p of taskPlays) if (candidates.has(p.id)) expect(withTasks, p.id).toContain(p.id);
  });

  it('groups every open task under its account and ranks accounts by value, pages never split an account', async () => {
    const all = await listTaskQueue(ctx, { viewer: admin, limit: 500 });
    const open = await store.db
      .selectFrom('tasks')
      .select(['id', 'account_id'])
      .where('status', '=', 'open')
      .execute();
    const listed = all.groups.flatMap((g) => g.tasks.map((t) => [t.id, g.accountId]));
    expect(new Map(listed as [string, string][])).toEqual(new Map(open.map((t) => [t.id, t.account_id])));
    const withValue = all.groups.filter((g) => g.value > 0);
    for (let i = 1; i < withValue.length; i++)
      expect(withValue[i - 1]!.value).toBeGreaterThanOrEqual(withValue[i]!.value);
    // expected ARR at risk is ARR × risk index ((100 − score)/100)² (the default model is not calibrated)
    for (const g of all.groups.slice(0, 20)) {
      expect(all.riskSource).toBe('risk-index');
      expect(g.expectedArrAtRisk).toBeCloseTo(
        g.account.arr * ((100 - (g.account.score ?? 50)) / 100) ** 2,
        -1,
      );
    }
    const page1 = await listTaskQueue(ctx, { viewer: admin, limit: 10, offset: 0 });
    const page2 = await listTaskQueue(ctx, { viewer: admin, limit: 10, offset: 10 });
    expect(page1.groups.map((g) => g.accountId)).toEqual(all.groups.slice(0, 10).map((g) => g.accountId));
    expect(page2.groups.map((g) => g.accountId)).toEqual(all.groups.slice(10, 20).map((g) => g.accountId));
    expect(page2.groups[0]?.rank).toBe(11);
  });

  it('shows the same ARR and renewal date as the account list (one contract rule)', async () => {
    const q = await listTaskQueue(ctx, { viewer: admin, limit: 500 });
    const list = await listAccountSummaries(store, admin, {
      asOf: q.asOf,
      sort: 'name',
      limit: 100_000,
      offset: 0,
      includeFormer: true,
    });
    const byId = new Map(list.items.map((a) => [a.id, a]));
    expect(q.groups.length).toBeGreaterThan(10);
    for (const g of q.groups) {
      expect(g.account.arr, g.accountId).toBe(byId.get(g.accountId)?.arr);
      expect(g.account.renewalDate, g.accountId).toBe(byId.get(g.accountId)?.renewalDate);
    }
  });

  it('filters by playbook and priority, and a CSM sees only their accounts', async () => {
    const byPlay = await listTaskQueue(ctx, {
      viewer: admin,
      playbookId: 'competitor-mentioned',
      limit: 500,
    });
    expect(byPlay.groups.flatMap((g) => g.tasks).every((t) => t.playbookId === 'competitor-mentioned')).toBe(
      true,
    );
    const urgent = await listTaskQueue(ctx, { viewer: admin, priority: 'urgent', limit: 500 });
    expect(urgent.groups.flatMap((g) => g.tasks).every((t) => t.priority === 'urgent')).toBe(true);
    const someOwner = (
      await store.db
        .selectFrom('accounts')
        .select('owner')
        .where('owner', 'is not', null)
        .executeTakeFirstOrThrow()
    ).owner as string;
    const mine = await listTaskQueue(ctx, { viewer: { userId: someOwner, role: 'csm' }, limit: 500 });
    const owned = new Set(
      (await store.db.selectFrom('accounts').select('id').where('owner', '=', someOwner).execute()).map(
        (r) => r.id,
      ),
    );
    expect(mine.groups.every((g) => owned.has(g.accountId))).toBe(true);
  });

  it('ticks a checklist item, audited, and refuses an item that does not exist', async () => {
    const task = (await listTaskQueue(ctx, { viewer: admin, limit: 1 })).groups[0]!.tasks[0]!;
    const ticked = await tickChecklistItem(ctx, task.id, { index: 0, done: true, actor: 'csm-test' });
    expect(ticked.checklist[0]?.done).toBe(true);
    const audit = await store.db
      .selectFrom('audit_log')
      .selectAll()
      .where('target', '=', `task:${task.id}`)
      .where('action', '=', 'task.checklist.tick')
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]?.actor).toBe('csm-test');
    await expect(tickChecklistItem(ctx, task.id, { index: 99, done: true, actor: 'x' })).rejects.toThrow(
      /does not exist/,
    );
  });
});
