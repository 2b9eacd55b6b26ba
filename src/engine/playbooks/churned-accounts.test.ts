import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../store/database.ts';
import { listAccountSummaries } from '../../store/queries/api/list-account-summaries.ts';
import { getPortfolioSummary } from '../../store/queries/api/portfolio-summary.ts';
import { openTestStore } from '../../store/test-stores.ts';
import { contextForStore, type EngineContext, fixedClock } from '../context.ts';
import { loadDemo } from '../demo/load-demo.ts';
import { evaluateAllPlaybooks } from './run-playbooks.ts';

const TODAY = '2026-06-30';

describe('churned accounts leave the book (fresh demo)', () => {
  let store: Store;
  let ctx: EngineContext;
  let churned: string[];
  beforeAll(async () => {
    store = await openTestStore('sqlite');
    ctx = contextForStore(store, { clock: fixedClock(`${TODAY}T12:00:00Z`) });
    await loadDemo(ctx, { accounts: 80 });
    // the oracle, from the contracts alone: accounts whose last term ended in churn on or before today
    const rows = await store.db
      .selectFrom('contracts')
      .select(['account_id', 'start_date', 'status', 'churned_at', 'end_date'])
      .orderBy('account_id')
      .orderBy('start_date')
      .execute();
    const last = new Map<string, (typeof rows)[number]>();
    for (const r of rows) last.set(r.account_id, r);
    churned = [...last.values()]
      .filter((r) => r.status === 'churned' && (r.churned_at ?? r.end_date ?? '9999-12-31') <= TODAY)
      .map((r) => r.account_id);
  }, 120_000);
  afterAll(async () => {
    await store?.close();
  });

  it('no open task belongs to a churned account, and a second sweep creates none', async () => {
    expect(churned.length).toBeGreaterThan(3);
    const open = await store.db
      .selectFrom('tasks')
      .select('account_id')
      .where('status', 'in', ['open', 'snoozed'])
      .execute();
    expect(open.length).toBeGreaterThan(0);
    expect(open.filter((t) => churned.includes(t.account_id))).toEqual([]);
    const again = await evaluateAllPlaybooks(ctx);
    expect(again.decisions.filter((d) => churned.includes(d.accountId))).toEqual([]);
  });

  it('keeps their last score, labelled with the churn, and leaves them out of the default list', async () => {
    const scores = await store.db
      .selectFrom('current_scores')
      .select(['account_id', 'lifecycle_stage', 'churned_on', 'top_driver', 'as_of'])
      .where('account_id', 'in', churned)
      .execute();
    expect(scores).toHaveLength(churned.length);
    for (const s of scores) {
      expect(s.lifecycle_stage).toBe('churned');
      expect(s.top_driver).toMatch(new RegExp(`^Churned on ${s.churned_on}`));
      // the kept score is the one of the day before the churn
      expect(s.as_of < s.churned_on!).toBe(true);
    }
    const admin = { userId: 'root', role: 'admin' as const };
    const list = { asOf: TODAY, sort: 'score' as const, limit: 10_000, offset: 0 };
    const book = await listAccountSummaries(store, admin, list);
    expect(book.items.filter((a) => churned.includes(a.id))).toEqual([]);
    const gone = await listAccountSummaries(store, admin, { ...list, lifecycle: 'churned' });
    expect(gone.items.map((a) => a.id).sort()).toEqual([...churned].sort());
    const summary = await getPortfolioSummary(store, admin, TODAY);
    expect(summary.accounts).toBe(book.total);
  });

  it('closes tasks opened before the churn with the churn as the reason', async () => {
    const id = churned[0]!;
    await store.db
      .insertInto('tasks')
      .values({
        id: 'tsk-old',
        account_id: id,
        playbook_id: 'manual',
        dedupe_key: null,
        title: 'Call them',
        checklist: '[]',
        priority: 'high',
        owner: null,
        manager: null,
        status: 'open',
        reason: null,
        because: 'test',
        due: null,
        snoozed_until: null,
        snapshot: '{}',
        created_at: `${TODAY}T00:00:00Z`,
        updated_at: `${TODAY}T00:00:00Z`,
        closed_at: null,
      })
      .execute();
    const { recomputeScores } = await import('../scoring/recompute-scores.ts');
    const r = await recomputeScores(ctx, { accountIds: [id] });
    expect(r.tasksClosed).toBe(1);
    expect(r.changes).toEqual([]);
    const t = await store.db
      .selectFrom('tasks')
      .selectAll()
      .where('id', '=', 'tsk-old')
      .executeTakeFirstOrThrow();
    expect(t.status).toBe('dismissed');
    expect(t.reason).toMatch(/^Churned on \d{4}-\d{2}-\d{2}/);
  });
});
