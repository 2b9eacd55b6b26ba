import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { playbookSchema } from '../../core/playbooks/playbook-schema.ts';
import { makeScoreResult } from '../../core/playbooks/playbook-test-fixtures.ts';
import type { Store } from '../../store/database.ts';
import { openTestStore, TEST_STORE_KINDS } from '../../store/test-stores.ts';
import { type Clock, contextForStore, type EngineContext } from '../context.ts';
import { evaluatePlayOutcomes } from './evaluate-play-outcomes.ts';
import { runPlaybooks } from './run-playbooks.ts';
import { seedPlaybookFixtures } from './seed-playbook-fixtures.ts';

const play = playbookSchema.parse({
  id: 'crit',
  name: 'Critical',
  trigger: { type: 'band_entered', band: 'critical' },
  actions: [{ type: 'create_task', title: 'Save', dueInDays: 2 }],
  holdoutPercent: 50,
});

describe.each(TEST_STORE_KINDS)('evaluatePlayOutcomes on %s', (kind) => {
  let store: Store;
  let ctx: EngineContext;
  let now = '2025-03-01T10:00:00.000Z';
  const clock: Clock = { now: () => new Date(now) };
  beforeEach(async () => {
    now = '2025-03-01T10:00:00.000Z';
    store = await openTestStore(kind);
    ctx = contextForStore(store, { clock });
  });
  afterEach(async () => {
    await store.close();
  });

  it('compares touched accounts with the holdout: recovery, renewal and churn within the window', async () => {
    const ids = await seedPlaybookFixtures(store, { accounts: 40, owners: 40 });
    const r = await runPlaybooks(
      ctx,
      ids.map((id) => ({
        accountId: id,
        owner: null,
        previous: null,
        current: makeScoreResult(id, 30, 'critical'),
      })),
      { playbooks: [play], settings: { dailyBudgetPerOwner: null } },
    );
    expect(r.fired).toBeGreaterThan(5);
    expect(r.heldOut).toBeGreaterThan(5);
    const decisions = await store.db
      .selectFrom('playbook_decisions')
      .select(['account_id', 'outcome'])
      .execute();
    const touched = new Set(decisions.filter((d) => d.outcome === 'fired').map((d) => d.account_id));
    // what happened next: every touched account with an even index recovers to at-risk on day 20,
    // every held-out account with index % 4 == 0 recovers on day 90 (too late for a 60-day window);
    // account 1 churns on day 30; account 2 renews on day 40
    for (const [i, id] of ids.entries()) {
      const day =
        touched.has(id) && i % 2 === 0 ? '2025-03-21' : !touched.has(id) && i % 4 === 0 ? '2025-05-30' : null;
      const rows = [
        { as_of: '2025-03-10', band: 'critical', score: 31 },
        ...(day ? [{ as_of: day, band: 'at-risk', score: 60 }] : []),
      ];
      for (const s of rows)
        await store.db
          .insertInto('scores')
          .values({
            account_id: id,
            as_of: s.as_of,
            model_version: 1,
            score: s.score,
            band: s.band,
            coverage: 1,
            detail: '{}',
            computed_at: now,
          })
          .execute();
    }
    await store.db
      .updateTable('contracts')
      .set({ status: 'churned', churned_at: '2025-03-31' })
      .where('account_id', '=', ids[1]!)
      .execute();
    await store.db
      .insertInto('contracts')
      .values({
        id: 'renewal',
        account_id: ids[2]!,
        start_date: '2025-04-10',
        end_date: '2026-04-09',
        arr: 1,
        currency: 'USD',
        seats: 1,
        plan: null,
        products: '[]',
        status: 'active',
        churned_at: null,
        churn_reason: null,
      })
      .execute();

    now = '2025-04-01T00:00:00.000Z';
    const early = await evaluatePlayOutcomes(ctx, { windowDays: 60 });
    expect(early.plays[0]?.touched.matured).toBe(0);
    expect(early.plays[0]?.touched.recoveryRate).toBeNull();

    now = '2025-06-01T00:00:00.000Z';
    const report = await evaluatePlayOutcomes(ctx, { windowDays: 60 });
    const p = report.plays.find((x) => x.playbookId === 'crit')!;
    const evenTouched = ids.filter((id, i) => touched.has(id) && i % 2 === 0).length;
    expect(p.touched).toMatchObject({
      decisions: touched.size,
      matured: touched.size,
      recovered: evenTouched,
    });
    expect(p.holdout).toMatchObject({ decisions: ids.length - touched.size, recovered: 0 });
    const group = (id: string) => (touched.has(id) ? p.touched : p.holdout);
    expect(group(ids[1]!).churned).toBe(1);
    expect(group(ids[2]!).renewed).toBe(1);
    expect(p.recoveryLift).toBeCloseTo(evenTouched / touched.size, 2);
  });
});
