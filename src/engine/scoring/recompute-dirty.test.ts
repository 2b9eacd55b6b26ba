import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../store/database.ts';
import { markDirty } from '../../store/queries/mark-dirty.ts';
import { openTestStore, TEST_STORE_KINDS } from '../../store/test-stores.ts';
import { contextForStore, type EngineContext, fixedClock } from '../context.ts';
import { recomputeScores } from './recompute-scores.ts';

const IDS = ['a1', 'a2', 'a3'];

describe.each(TEST_STORE_KINDS)('incremental rescoring on %s', (kind) => {
  let store: Store;
  let ctx: EngineContext;
  beforeAll(async () => {
    store = await openTestStore(kind);
    ctx = contextForStore(store, { clock: fixedClock('2026-06-30T12:00:00Z') });
    await store.db
      .insertInto('accounts')
      .values(
        IDS.map((id) => ({
          id,
          name: id,
          segment: 'smb',
          industry: null,
          owner: `owner-${id}`,
          parent_id: null,
          lifecycle_stage: null,
          created_at: '2025-01-01',
          traits: '{}',
          tags: '[]',
          updated_at: '2025-01-01T00:00:00Z',
        })),
      )
      .execute();
    await store.db
      .insertInto('contracts')
      .values(
        IDS.map((id) => ({
          id: `c-${id}`,
          account_id: id,
          start_date: '2025-01-01',
          end_date: '2026-12-31',
          arr: 10_000,
          currency: 'USD',
          seats: 5,
          plan: null,
          products: '[]',
          status: 'active',
          churned_at: null,
          churn_reason: null,
        })),
      )
      .execute();
  });
  afterAll(async () => {
    await store?.close();
  });

  it('rescores only the dirty accounts, and publishes what changed with the owner', async () => {
    await recomputeScores(ctx, { all: true });
    await markDirty(store, ['a2'], '2026-06-30T12:00:00Z');
    await store.db
      .insertInto('events')
      .values({
        id: 'n1',
        account_id: 'a2',
        contact_id: null,
        type: 'csm_sentiment',
        time: '2026-06-30T09:00:00.000Z',
        properties: JSON.stringify({ sentiment: 'red', note: 'sponsor is leaving, budget frozen' }),
        ingested_at: '2026-06-30T12:00:00Z',
      })
      .execute();
    const published: string[] = [];
    const listener = (e: { accountId: string; owner: string | null }) =>
      published.push(`${e.accountId}:${e.owner}`);
    ctx.bus.on('score-changed', listener);
    const r = await recomputeScores(ctx);
    ctx.bus.off('score-changed', listener);
    expect(r.scored).toBe(1);
    expect(r.changes.map((c) => c.accountId)).toEqual(['a2']);
    expect(r.changes[0]!.current.score).toBeLessThan(r.changes[0]!.previous!.score);
    expect(published).toEqual(['a2:owner-a2']);
  });

  it('keeps an account dirty when it is marked again while being scored, and scores it again', async () => {
    await markDirty(store, ['a1', 'a3'], '2026-06-30T12:00:00Z');
    let remark: Promise<number> | null = null;
    const claimed: string[][] = [];
    const r = await recomputeScores(ctx, {
      onClaim: (claims) => {
        claimed.push(claims.map((c) => c.accountId).sort());
        // new data for a1 arrives after the claim, before the release
        if (claimed.length === 1) remark = markDirty(store, ['a1'], '2026-06-30T12:00:01Z');
      },
    });
    await remark;
    // first round a1 and a3; the re-mark survives the release, so a second round takes a1 again
    expect(claimed).toEqual([['a1', 'a3'], ['a1']]);
    expect(r.scored).toBe(3);
    expect(await store.db.selectFrom('dirty_accounts').selectAll().execute()).toEqual([]);
  });
});
