import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeScore } from '../core/scoring/compute-score.ts';
import type { ScoreResult } from '../core/scoring/score-result.ts';
import { contextForStore, type EngineContext, fixedClock } from '../engine/context.ts';
import { generateDemo } from '../engine/demo/generate-demo.ts';
import { importFiles } from '../engine/import/import-files.ts';
import { backfillScores } from '../engine/scoring/backfill-scores.ts';
import { getActiveModel } from '../engine/scoring/get-active-model.ts';
import { recomputeScores } from '../engine/scoring/recompute-scores.ts';
import type { Store } from './database.ts';
import { loadAccountData } from './queries/load-account-data.ts';
import { type HistoryDetail, historySignalIds, readSubScores } from './score-history-detail.ts';
import { openTestStore, TEST_STORE_KINDS } from './test-stores.ts';

/**
 * Score history rows keep a compact summary (≤ 1 KB); the current score keeps the whole
 * explanation; a past date's explanation is recomputed and agrees with what history stored.
 */
const END = '2026-11-15';
const dir = mkdtempSync(join(tmpdir(), 'vigil-history-'));
beforeAll(async () => {
  await generateDemo({ outDir: dir, accounts: 30, months: 14, seed: 9, endDate: END });
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each(TEST_STORE_KINDS)('compact score history (%s)', (kind) => {
  let store: Store;
  let ctx: EngineContext;
  beforeAll(async () => {
    store = await openTestStore(kind);
    ctx = contextForStore(store, { clock: fixedClock(`${END}T12:00:00Z`) });
    await importFiles(ctx, { paths: [dir] });
    await recomputeScores(ctx, { all: true });
    await backfillScores(ctx, { from: '2026-06-01', to: '2026-09-01', stepDays: 46 });
  }, 120_000);
  afterAll(async () => {
    await store?.close();
  });

  it('stores at most 1 KB per account per rescore in history, the full explanation as the current score', async () => {
    const history = await store.db.selectFrom('scores').select(['account_id', 'as_of', 'detail']).execute();
    expect(history.length).toBeGreaterThan(30);
    const sizes = history.map((h) => Buffer.byteLength(h.detail));
    expect(Math.max(...sizes)).toBeLessThanOrEqual(1024);
    const ids = historySignalIds((await getActiveModel(store)).model);
    const current = await store.db.selectFrom('current_scores').select(['account_id', 'detail']).execute();
    for (const c of current) {
      const full = JSON.parse(c.detail) as ScoreResult;
      // a churned account keeps its last score from before the churn (core/lifecycle): compare on that date
      const compact = JSON.parse(
        history.find((h) => h.account_id === c.account_id && h.as_of.slice(0, 10) === full.asOf.slice(0, 10))
          ?.detail ?? 'null',
      ) as HistoryDetail;
      expect(full.signals.length).toBeGreaterThan(3);
      expect(compact).toMatchObject({ compact: 1, score: full.score, band: full.band });
      const subScores = readSubScores(compact, ids);
      for (const s of full.signals)
        expect(subScores[s.signalId]).toBe(
          s.subScore === null ? undefined : Math.round(s.subScore * 10) / 10,
        );
      expect(compact.down.map((d) => d[0])).toEqual(full.drivers.down.slice(0, 3).map((d) => d.signalId));
    }
  });

  it('recomputes a past date’s full explanation on demand, agreeing with the stored history', async () => {
    const active = await getActiveModel(store);
    const past = await store.db
      .selectFrom('scores')
      .select(['account_id', 'as_of', 'score', 'band', 'detail'])
      .where('as_of', '<', END)
      .orderBy('account_id')
      .limit(10)
      .execute();
    expect(past.length).toBe(10);
    for (const h of past) {
      const data = await loadAccountData(store, h.account_id, h.as_of, active.model.lookbackDays);
      const r = computeScore(data, active.model, h.as_of, { modelVersion: active.version });
      const subScores = readSubScores(JSON.parse(h.detail) as HistoryDetail, historySignalIds(active.model));
      expect(r.band).toBe(h.band);
      expect(Math.abs(r.score - Number(h.score))).toBeLessThan(0.05);
      for (const s of r.signals)
        expect(subScores[s.signalId]).toBe(
          s.subScore === null ? undefined : Math.round(s.subScore * 10) / 10,
        );
    }
  });
});
