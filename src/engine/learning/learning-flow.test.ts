import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../core/learning/iso-days.ts';
import type { Store } from '../../store/database.ts';
import { openTestStore, TEST_STORE_KINDS } from '../../store/test-stores.ts';
import { contextForStore, type EngineContext, fixedClock } from '../context.ts';
import { generateDemo } from '../demo/generate-demo.ts';
import { importFiles } from '../import/import-files.ts';
import { approveModel } from './approve-model.ts';
import { backtestModel } from './backtest-model.ts';
import { buildTrainingSet } from './build-training-set.ts';
import { diffModels } from './diff-models.ts';
import { getModel } from './get-model.ts';
import { resolveModel } from './resolve-model.ts';
import { trainModel } from './train-model.ts';

/**
 * The whole learning loop on a small synthetic portfolio, on every store: build as-of snapshots,
 * backtest the built-in model, train a proposal, compare, approve.
 */
const END = '2026-11-15';
const dir = mkdtempSync(join(tmpdir(), 'vigil-learning-flow-'));
let files: string[] = [];

beforeAll(async () => {
  await generateDemo({ outDir: dir, accounts: 80, months: 24, seed: 7, endDate: END });
  files = readdirSync(dir)
    .filter((f) => /\.(csv|ndjson)$/.test(f))
    .map((f) => join(dir, f));
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each(TEST_STORE_KINDS)('learning flow (%s)', (kind) => {
  let store: Store;
  let ctx: EngineContext;
  beforeAll(async () => {
    store = await openTestStore(kind);
    ctx = contextForStore(store, { clock: fixedClock(`${END}T12:00:00Z`) });
    await importFiles(ctx, { paths: files });
  }, 120_000);
  afterAll(async () => {
    await store.close();
  });

  it('builds labelled as-of snapshots and says why account-months were left out', async () => {
    const model = await resolveModel(ctx);
    const set = await buildTrainingSet(ctx, { model: { version: model.version, document: model.document } });
    expect(set.from >= '2025-01-01').toBe(true); // after the activity warm-up, not at the first contract
    expect(set.snapshots.length).toBeGreaterThan(300);
    expect(set.excluded['outcome-not-observed']).toBeGreaterThan(0);
    // No labelled snapshot's horizon runs past the end of history.
    for (const s of set.snapshots) expect(s.asOf <= '2026-05-19').toBe(true);
    const churned = set.snapshots.filter((s) => s.label === 1);
    expect(churned.length).toBeGreaterThan(10);
    for (const s of churned) expect(s.churnDate !== null && s.churnDate > s.asOf).toBe(true);
    expect(Object.keys(set.snapshots[0]?.subScores ?? {}).length).toBeGreaterThan(3);
    // Usage signals have data on the earliest dates too, not only in the last months before `to`
    // (usage is loaded with its own, shorter look-back that must widen with the span of dates).
    const first = set.snapshots.filter((s) => s.asOf === set.from);
    const withUsage = first.filter((s) => typeof s.subScores['login-frequency'] === 'number');
    expect(withUsage.length).toBeGreaterThan(0.8 * first.length);
  }, 120_000);

  it('backtests the current model with ranking, bands, calibration and lead time', async () => {
    const r = await backtestModel(ctx, { bootstrapIterations: 50 });
    expect(r.model.status).toBe('active');
    expect(r.metrics.auc as number).toBeGreaterThan(0.6);
    expect(r.metrics.aucCi.lower as number).toBeLessThanOrEqual(r.metrics.auc as number);
    // The default model carries no calibration: probabilities are fitted on earlier snapshots only.
    expect(r.calibrationSource).toBe('fitted-on-earlier-half');
    expect(r.metrics.calibration?.bins.length).toBe(10);
    expect(r.metrics.leadTime.churnedAccounts).toBeGreaterThan(0);
    const rate = (b: string) => r.metrics.bandChurnRates.find((x) => x.band === b)?.rate ?? 0;
    expect(rate('critical')).toBeGreaterThan(rate('healthy'));
    expect(r.runId).not.toBeNull();
  }, 120_000);

  it('reads stored (backfilled) scores of the model instead of recomputing when they cover the dates', async () => {
    const computed = await backtestModel(ctx, { bootstrapIterations: 20, record: false, scores: 'compute' });
    expect(computed.scoreSource).toBe('computed');
    const model = await resolveModel(ctx);
    const set = await buildTrainingSet(ctx, { model: { version: model.version, document: model.document } });
    // Stored as scoring's weekly backfill would: a few days before each snapshot date.
    const rows = [...set.snapshots, ...set.leadTimeSnapshots].map((s) => ({
      account_id: s.accountId,
      as_of: addDays(s.asOf, -3),
      model_version: model.version,
      score: s.score,
      band: s.band,
      coverage: 1,
      detail: '{}',
      computed_at: END,
    }));
    for (let i = 0; i < rows.length; i += 500)
      await store.db
        .insertInto('scores')
        .values(rows.slice(i, i + 500))
        .execute();
    const fromStore = await backtestModel(ctx, { bootstrapIterations: 20, record: false });
    expect(fromStore.scoreSource).toBe('stored');
    expect(fromStore.missingScores).toBe(0);
    expect(fromStore.metrics.auc).toBe(computed.metrics.auc);
    expect(fromStore.metrics.leadTime.atRisk).toEqual(computed.metrics.leadTime.atRisk);
    await store.db.deleteFrom('scores').execute();
  }, 120_000);

  it('trains and backtests on next-renewal labels, fitting only on terms that ended before the held-out period', async () => {
    const r = await trainModel(ctx, { label: 'renewal', bootstrapIterations: 20, testMonths: 9 });
    expect(r.label).toBe('renewal');
    expect(r.renewalTiming).toBe(false); // timing says nothing about how the running term ends
    expect(r.fit.churned).toBeGreaterThanOrEqual(10);
    expect(r.heldOut.snapshots).toBeGreaterThan(0);
    const model = await resolveModel(ctx);
    const set = await buildTrainingSet(ctx, {
      model: { version: model.version, document: model.document },
      mode: 'next-renewal',
    });
    // Fitted snapshots are those whose term ended by the cutoff, not asOf + horizon.
    const fitted = set.snapshots.filter((s) => s.outcomeBy <= r.heldOut.from);
    expect(fitted.length).toBe(r.fit.snapshots);
    expect(set.snapshots.some((s) => s.outcomeBy !== addDays(s.asOf, 180))).toBe(true);
    const bt = await backtestModel(ctx, { label: 'renewal', bootstrapIterations: 20, record: false });
    expect(bt.label).toBe('renewal');
    expect(bt.metrics.snapshots).toBe(set.snapshots.length);
    const healthOnly = await trainModel(ctx, {
      renewalTiming: false,
      bootstrapIterations: 20,
      testMonths: 9,
    });
    expect(healthOnly.renewalTiming).toBe(false);
    expect(healthOnly.weights.find((w) => w.signalId === 'days-to-renewal')?.proposed ?? 0).toBe(0);
  }, 240_000);

  it('trains a proposal on early history, evaluates on the held-out year, and approval activates it', async () => {
    // A small portfolio: hold out 9 months so the fit period has enough churn to learn from.
    const r = await trainModel(ctx, { bootstrapIterations: 50, by: 'test', testMonths: 9 });
    expect(r.label).toBe('horizon');
    expect(r.renewalTiming).toBe(true);
    expect(r.fit.to !== null && r.fit.to < r.heldOut.from).toBe(true);
    expect(r.heldOut.from).toBe('2026-03-01');
    expect(r.fit.churned).toBeGreaterThanOrEqual(10);
    await expect(trainModel(ctx, { testMonths: 9, minChurned: 100_000 })).rejects.toThrow(
      /at least 100000 churned/,
    );
    expect(Object.values(r.weights).some((w) => w.proposed > 0)).toBe(true);
    expect(r.weights.reduce((s, w) => s + w.proposed, 0)).toBeCloseTo(1, 3);
    expect(r.proposed.auc as number).toBeGreaterThan(0.6);
    expect(r.calibration.slope).toBeLessThan(0); // healthier score, lower churn probability
    for (const d of r.dropped)
      expect(r.weights.find((w) => w.signalId === d.signalId)?.proposed ?? 0).toBe(0);
    expect(r.bands.proposed.healthy).toBeGreaterThan(r.bands.proposed.atRisk);
    // bands chosen for separation on the fit period, checked on the held-out one
    expect(r.bands.method).toBe('separation');
    expect(r.bands.fit.bands.map((b) => b.band)).toEqual(['critical', 'at-risk', 'healthy']);
    expect(r.bands.fit.bands.find((b) => b.band === 'at-risk')!.share).toBeLessThan(0.5);
    if (r.bands.separatesOnFit) {
      const ratio = (band: string) => r.bands.fit.bands.find((b) => b.band === band)!.ratio!;
      expect(ratio('critical')).toBeGreaterThanOrEqual(4);
      expect(ratio('at-risk')).toBeGreaterThanOrEqual(2);
      expect(ratio('healthy')).toBeLessThanOrEqual(0.5);
    } else expect(r.bands.fit.warnings.length).toBeGreaterThan(0);
    expect(r.bands.heldOut?.bands).toHaveLength(3);
    const diffWithCurrent = await diffModels(ctx, r.currentVersion, r.proposedVersion);
    expect(
      diffWithCurrent.changes.some((c) => c.path.startsWith('signals.') && c.path.endsWith('.weight')),
    ).toBe(true);

    const stored = await getModel(ctx, r.proposedVersion);
    expect(stored.status).toBe('proposed');
    expect(stored.calibrations[0]?.horizonDays).toBe(180);
    const bt = await backtestModel(ctx, {
      version: r.proposedVersion,
      bootstrapIterations: 20,
      record: false,
    });
    expect(bt.calibrationSource).toBe('stored');

    const before = await resolveModel(ctx);
    const approved = await approveModel(ctx, r.proposedVersion, 'lead');
    expect(approved.previous).toBe(before.version);
    expect((await resolveModel(ctx)).version).toBe(r.proposedVersion);

    const diff = await diffModels(ctx, before.version, r.proposedVersion);
    expect(diff.a.status).toBe('retired');
    expect(diff.b.status).toBe('active');
    expect(diff.changes.find((c) => c.path === 'churnCalibration.horizonDays')?.b).toBe(180);
  }, 240_000);

  it("starts each account's snapshots where its own activity begins, counting the left-out months", async () => {
    const model = await resolveModel(ctx);
    const opts = { model: { version: model.version, document: model.document } };
    const before = await buildTrainingSet(ctx, opts);
    const accountId = before.snapshots.find((s) => s.asOf === before.from)?.accountId as string;
    // As if this account's usage and timeline were only loaded from four months later on.
    const start = addDays(before.from, 120);
    await store.db
      .deleteFrom('usage_daily')
      .where('account_id', '=', accountId)
      .where('day', '<', start)
      .execute();
    await store.db
      .deleteFrom('events')
      .where('account_id', '=', accountId)
      .where('time', '<', start)
      .execute();
    const after = await buildTrainingSet(ctx, opts);
    const mine = after.snapshots.filter((s) => s.accountId === accountId);
    expect(mine.length).toBeGreaterThan(0);
    for (const s of mine) expect(s.asOf >= addDays(start, 30)).toBe(true);
    expect(after.excluded['no-activity-yet']).toBeGreaterThanOrEqual(4);
    expect(after.excluded['no-activity-yet'] - before.excluded['no-activity-yet']).toBe(
      before.snapshots.length - after.snapshots.length,
    );
  }, 120_000);
});
