import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeScoreResult } from '../../core/playbooks/playbook-test-fixtures.ts';
import type { Store } from '../../store/database.ts';
import { openTestStore, TEST_STORE_KINDS } from '../../store/test-stores.ts';
import { contextForStore, type EngineContext, fixedClock } from '../context.ts';
import { listExpansionOpportunities } from './list-expansion-opportunities.ts';
import { runPlaybooks } from './run-playbooks.ts';
import { seedPlaybookFixtures } from './seed-playbook-fixtures.ts';

describe.each(TEST_STORE_KINDS)('expansion opportunities on %s', (kind) => {
  let store: Store;
  let ctx: EngineContext;
  let ids: string[];
  beforeEach(async () => {
    store = await openTestStore(kind);
    ctx = contextForStore(store, { clock: fixedClock('2025-06-01T10:00:00.000Z') });
    ids = await seedPlaybookFixtures(store, { accounts: 8 });
    await store.db
      .insertInto('catalog_features')
      .values(
        ['reports', 'dashboards', 'alerts', 'exports'].map((key) => ({
          key,
          name: key.toUpperCase(),
          core: 1,
          add_on: 0,
          list_price: null,
        })),
      )
      .execute();
    // scores 50..92: the top quartile (≥ 86) is acc 6 and 7
    for (const [i, id] of ids.entries()) {
      const score = 50 + i * 6;
      await store.db
        .insertInto('current_scores')
        .values({
          account_id: id,
          as_of: '2025-06-01',
          model_version: 1,
          score,
          band: score >= 80 ? 'healthy' : 'at-risk',
          coverage: 1,
          detail: JSON.stringify(makeScoreResult(id, score, score >= 80 ? 'healthy' : 'at-risk')),
          computed_at: '2025-06-01',
          previous_score: null,
          previous_band: null,
          override_score: null,
        })
        .execute();
      // 46 of 50 seats active on the top accounts; 2 of 4 core features used
      const users = i >= 6 ? 46 : 10;
      for (let u = 0; u < users; u++)
        await store.db
          .insertInto('user_monthly')
          .values({ account_id: id, contact_id: `u${u}`, month: '2025-05', days: 1 << 19, events: 3 })
          .execute();
      for (const f of ['reports', 'dashboards'])
        await store.db
          .insertInto('feature_monthly')
          .values({ account_id: id, feature: f, month: '2025-05', days: 1 << 19, count: 5 })
          .execute();
      await store.db
        .insertInto('usage_daily')
        .values({ account_id: id, day: '2025-05-20', logins: 5, events: 10, integration_events: 0 })
        .execute();
    }
  });
  afterEach(async () => {
    await store.close();
  });

  it('lists top-quartile accounts with evidence in words, ranked by potential ARR', async () => {
    const r = await listExpansionOpportunities(ctx);
    expect(r.topQuartileScore).toBe(86);
    expect(r.items.map((i) => i.accountId)).toEqual([ids[7], ids[6]]);
    expect(r.items[0]?.evidence).toBe(
      'uses 2 of 4 core features: not ALERTS, EXPORTS; 92% of seats active (46 of 50)',
    );
    // acc 7 pays 100k for 50 seats, acc 6 pays 90k: 8 more seats each
    expect(r.items.map((i) => i.potentialArr)).toEqual([16_000, 14_400]);
  });

  it('the expansion_ready default play creates a task carrying the evidence', async () => {
    const detail = await store.db
      .selectFrom('current_scores')
      .select('detail')
      .where('account_id', '=', ids[7]!)
      .executeTakeFirstOrThrow();
    const rep = await runPlaybooks(
      ctx,
      [
        {
          accountId: ids[7]!,
          owner: 'csm-2',
          previous: { score: 92, band: 'healthy' },
          current: JSON.parse(detail.detail),
        },
      ],
      {
        settings: { dailyBudgetPerOwner: null },
      },
    );
    const d = rep.decisions.find((x) => x.playbookId === 'healthy-expansion-conversation');
    expect(d?.outcome).toBe('fired');
    expect(d?.task?.checklist[0]).toContain('uses 2 of 4 core features: not ALERTS, EXPORTS');
  });
});
