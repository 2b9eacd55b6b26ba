import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScoreResult } from '../../core/scoring/score-result.ts';
import type { Store } from '../../store/database.ts';
import { markDirty } from '../../store/queries/mark-dirty.ts';
import type { ChangeClaim } from '../../store/queries/worker/claim-changes.ts';
import { openTestStore, TEST_STORE_KINDS } from '../../store/test-stores.ts';
import { contextForStore, type EngineContext, fixedClock } from '../context.ts';
import { generateDemo } from '../demo/generate-demo.ts';
import { importFiles } from '../import/import-files.ts';
import { verifyStore } from '../maintenance/verify-store.ts';
import { backfillScores } from './backfill-scores.ts';
import { getActiveModel } from './get-active-model.ts';
import { recomputeScores } from './recompute-scores.ts';

const demo = mkdtempSync(join(tmpdir(), 'vigil-score-'));
await generateDemo({ outDir: demo, accounts: 25, months: 14, seed: 7, endDate: '2026-06-30' });

describe.each(TEST_STORE_KINDS)('recomputeScores on %s', (kind) => {
  let store: Store;
  let ctx: EngineContext;
  beforeAll(async () => {
    store = await openTestStore(kind);
    ctx = contextForStore(store, { clock: fixedClock('2026-06-30T12:00:00Z') });
    await importFiles(ctx, { paths: [demo] });
  });
  afterAll(async () => {
    await store?.close();
  });

  it('seeds the default model as version 1', async () => {
    const m = await getActiveModel(store);
    expect(m.version).toBe(1);
    // a real creation date: when this database's first migration ran (within this test run), not 1970
    const row = await store.db
      .selectFrom('models')
      .select('created_at')
      .where('version', '=', 1)
      .executeTakeFirstOrThrow();
    expect(Date.now() - Date.parse(row.created_at)).toBeLessThan(10 * 60_000);
    expect(Date.parse(row.created_at)).toBeLessThanOrEqual(Date.now());
    expect(Object.keys(m.model.signals).length).toBeGreaterThanOrEqual(38);
  });

  it('scores the dirty accounts the import marked, publishes changes and clears the queue', async () => {
    const dirtyBefore = await store.db.selectFrom('dirty_accounts').select('account_id').execute();
    expect(dirtyBefore.length).toBe(25);
    const seen: string[] = [];
    ctx.bus.on('score-changed', (e) => seen.push(e.accountId));
    const r = await recomputeScores(ctx);
    expect(r.scored).toBe(25);
    // churned accounts (ground truth: churned on or before the as-of date) publish no change
    const truth = JSON.parse(readFileSync(join(demo, 'ground-truth.json'), 'utf8')) as {
      accountsTruth: { accountId: string; churned: boolean; churnDate: string | null }[];
    };
    const churned = truth.accountsTruth.filter(
      (a) => a.churned && a.churnDate && a.churnDate <= '2026-06-30',
    );
    expect(r.changes).toHaveLength(25 - churned.length);
    const kept = await store.db
      .selectFrom('current_scores')
      .select(['account_id', 'detail'])
      .where('account_id', 'in', churned.length ? churned.map((a) => a.accountId) : ['-'])
      .execute();
    for (const k of kept) {
      const life = (JSON.parse(k.detail) as ScoreResult).lifecycle!;
      expect(life.stage).toBe('churned');
      expect(life.label).toMatch(/^Churned on \d{4}-\d{2}-\d{2}/);
    }
    expect(seen.sort()).toEqual(r.changes.map((c) => c.accountId).sort());
    expect(await store.db.selectFrom('dirty_accounts').select('account_id').execute()).toHaveLength(0);
    const current = await store.db.selectFrom('current_scores').selectAll().execute();
    expect(current).toHaveLength(25);
    for (const c of current) {
      expect(Number(c.score)).toBeGreaterThanOrEqual(0);
      expect(Number(c.score)).toBeLessThanOrEqual(100);
      expect(['healthy', 'at-risk', 'critical']).toContain(c.band);
    }
    // nothing new → nothing to do
    expect((await recomputeScores(ctx)).scored).toBe(0);
    expect((await verifyStore(ctx)).ok).toBe(true);
  });

  it('rescoring the same date with the same data is a no-op change-wise (deterministic)', async () => {
    const before = await store.db
      .selectFrom('current_scores')
      .select(['account_id', 'score'])
      .orderBy('account_id')
      .execute();
    const r = await recomputeScores(ctx, { all: true });
    expect(r.changes).toHaveLength(0);
    const after = await store.db
      .selectFrom('current_scores')
      .select(['account_id', 'score'])
      .orderBy('account_id')
      .execute();
    expect(after).toEqual(before);
  });

  it('keeps a mark made while an account is being scored (no lost change)', async () => {
    const id = 'acc-00001';
    await markDirty(store, [id], '2026-06-30T12:00:00Z');
    // a claim is taken, then the account is marked again before release
    // the one claim mechanism (store.claims), used as recomputeScores uses it
    const claimDirty = (s: Store, o: { workerId: string; limit: number; now: string }) =>
      s.claims.claim({ ...o, leaseSeconds: 60, baseline: false });
    const releaseDirty = (s: Store, claims: ChangeClaim[], workerId: string) =>
      s.claims.release(claims, { workerId, now: '2026-06-30T12:10:01.000Z' });
    const claims = await claimDirty(store, { workerId: 'w1', limit: 10, now: '2026-06-30T12:00:00.000Z' });
    expect(claims.map((c) => c.accountId)).toEqual([id]);
    // another worker cannot take it while leased
    expect(await claimDirty(store, { workerId: 'w2', limit: 10, now: '2026-06-30T12:00:01.000Z' })).toEqual(
      [],
    );
    await markDirty(store, [id], '2026-06-30T12:00:02Z');
    await releaseDirty(store, claims, 'w1');
    const left = await store.db.selectFrom('dirty_accounts').selectAll().execute();
    expect(left.map((d) => d.account_id)).toEqual([id]);
    expect(left[0]!.locked_by).toBeNull();
    // an expired lease is taken over
    await claimDirty(store, { workerId: 'w3', limit: 10, now: '2026-06-30T12:00:03.000Z' });
    const retaken = await claimDirty(store, { workerId: 'w4', limit: 10, now: '2026-06-30T12:10:00.000Z' });
    expect(retaken.map((c) => c.accountId)).toEqual([id]);
    await releaseDirty(store, retaken, 'w4');
  });

  it('backfills history deterministically, only for dates the account was a customer', async () => {
    const r1 = await backfillScores(ctx, { from: '2026-01-01', to: '2026-06-01', stepDays: 30 });
    expect(r1.dates).toHaveLength(6);
    const count = async () => (await store.db.selectFrom('scores').select('account_id').execute()).length;
    const n = await count();
    const r2 = await backfillScores(ctx, { from: '2026-01-01', to: '2026-06-01', stepDays: 30 });
    expect(r2.rows).toBe(r1.rows);
    expect(await count()).toBe(n);
    const starts = new Map<string, string>();
    for (const c of await store.db.selectFrom('contracts').select(['account_id', 'start_date']).execute()) {
      const prev = starts.get(c.account_id);
      if (!prev || c.start_date < prev) starts.set(c.account_id, c.start_date);
    }
    const scored = await store.db.selectFrom('scores').select(['account_id', 'as_of']).execute();
    const early = scored.filter((s) => s.as_of < (starts.get(s.account_id) ?? ''));
    expect(early).toEqual([]);
  });

  it('a backfilled score equals scoring that date on its own (history sees the data it would have seen)', async () => {
    const { computeScore } = await import('../../core/scoring/compute-score.ts');
    const { loadAccountData } = await import('../../store/queries/load-account-data.ts');
    const model = await getActiveModel(store);
    const rows = await store.db
      .selectFrom('scores')
      .select(['account_id', 'as_of', 'score'])
      .where('as_of', 'in', ['2026-02-01', '2026-04-02'])
      .orderBy('account_id')
      .limit(8)
      .execute();
    expect(rows.length).toBeGreaterThan(3);
    for (const r of rows) {
      const data = await loadAccountData(store, r.account_id, r.as_of, model.model.lookbackDays);
      expect(computeScore(data, model.model, r.as_of).score).toBe(Number(r.score));
    }
  });
});
