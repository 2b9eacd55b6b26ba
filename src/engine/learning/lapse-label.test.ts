import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CUSTOMER_ACTIVITY_EVENT_TYPES } from '../../core/learning/label-lapse.ts';
import type { Store } from '../../store/database.ts';
import { openTestStore, TEST_STORE_KINDS } from '../../store/test-stores.ts';
import { contextForStore, type EngineContext, fixedClock } from '../context.ts';
import { generateDemo } from '../demo/generate-demo.ts';
import { importFiles } from '../import/import-files.ts';
import { buildTrainingSet } from './build-training-set.ts';
import { resolveModel } from './resolve-model.ts';
import { trainModel } from './train-model.ts';

/** ROC AUC by counting pairs (the Mann–Whitney definition), independent of Vigil's implementation. */
function pairAuc(risk: number[], labels: number[]): number {
  let wins = 0;
  let pairs = 0;
  for (let i = 0; i < risk.length; i++)
    if (labels[i] === 1)
      for (let j = 0; j < risk.length; j++)
        if (labels[j] === 0) {
          pairs++;
          wins += (risk[i] as number) > (risk[j] as number) ? 1 : risk[i] === risk[j] ? 0.5 : 0;
        }
  return wins / pairs;
}

/**
 * The lapse label on a business without contracts (the demo's non-contractual mode), checked
 * against a brute-force oracle that reads the generated files, not the database.
 */
const END = '2026-11-15';
const LAPSE = 45;
const HORIZON = 60;
const dir = mkdtempSync(join(tmpdir(), 'vigil-lapse-'));
let files: string[] = [];
const DAY = 86_400_000;
const dayOf = (iso: string) => Math.round(Date.parse(`${iso.slice(0, 10)}T00:00:00Z`) / DAY);
/** account → set of activity day numbers, from the raw files */
const activity = new Map<string, Set<number>>();

beforeAll(async () => {
  await generateDemo({
    outDir: dir,
    accounts: 300,
    months: 24,
    seed: 3,
    endDate: END,
    mode: 'noncontractual',
  });
  files = readdirSync(dir)
    .filter((f) => /\.(csv|ndjson)$/.test(f))
    .map((f) => join(dir, f));
  const add = (id: string, d: number) => {
    if (!activity.has(id)) activity.set(id, new Set());
    activity.get(id)?.add(d);
  };
  const types = new Set<string>(CUSTOMER_ACTIVITY_EVENT_TYPES);
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    if (f.includes('/usage-'))
      for (const line of text.split('\n').slice(1)) {
        const c = line.split(',');
        if (c.length > 4) add(c[1] as string, dayOf(c[4] as string));
      }
    if (f.endsWith('.ndjson'))
      for (const line of text.split('\n')) {
        if (!line) continue;
        const e = JSON.parse(line) as { accountId: string; type: string; time: string };
        if (types.has(e.type) && dayOf(e.time) <= dayOf(END)) add(e.accountId, dayOf(e.time));
      }
  }
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each(TEST_STORE_KINDS)('lapse label on a business without contracts (%s)', (kind) => {
  let store: Store;
  let ctx: EngineContext;
  beforeAll(async () => {
    store = await openTestStore(kind);
    ctx = contextForStore(store, { clock: fixedClock(`${END}T12:00:00Z`) });
    const r = await importFiles(ctx, { paths: files });
    expect(r.rejected).toBe(0);
  }, 120_000);
  afterAll(async () => {
    await store.close();
  });

  it('labels every snapshot as the raw activity says: lapsed within the horizon or not', async () => {
    const model = await resolveModel(ctx);
    const set = await buildTrainingSet(ctx, {
      model: { version: model.version, document: model.document },
      mode: 'lapse',
      lapseDays: LAPSE,
      horizonDays: HORIZON,
    });
    expect(set.excluded['no-active-contract']).toBe(0);
    expect(set.snapshots.length).toBeGreaterThan(300);
    const positives = set.snapshots.filter((s) => s.label === 1);
    expect(positives.length).toBeGreaterThan(20);
    expect(positives.length).toBeLessThan(set.snapshots.length / 2);
    const active = (id: string, from: number, to: number) => {
      const days = activity.get(id) ?? new Set<number>();
      for (let d = from; d <= to; d++) if (days.has(d)) return true;
      return false;
    };
    for (const s of set.snapshots) {
      const t = dayOf(s.asOf);
      // a customer on the snapshot date: active within the last LAPSE days
      expect(active(s.accountId, t - LAPSE + 1, t)).toBe(true);
      if (s.label === 1) {
        const d = dayOf(s.churnDate as string);
        expect(d > t && d <= t + HORIZON).toBe(true);
        // active on the last day, then silent for LAPSE days
        expect(active(s.accountId, d - LAPSE, d - LAPSE)).toBe(true);
        expect(active(s.accountId, d - LAPSE + 1, d)).toBe(false);
      } else {
        // every LAPSE-day window ending within the horizon saw activity
        for (let d = t + 1; d <= t + HORIZON; d++) expect(active(s.accountId, d - LAPSE + 1, d)).toBe(true);
      }
    }
  }, 180_000);

  it('learns from the lapse label on a time split and beats days-since-last-activity alone on held-out months', async () => {
    const r = await trainModel(ctx, {
      label: 'lapse',
      lapseDays: LAPSE,
      horizonDays: HORIZON,
      testMonths: 6,
      bootstrapIterations: 20,
    });
    expect(r.eventSignals).toBe(true);
    expect(r.heldOut.snapshots).toBeGreaterThan(100);
    expect(r.heldOut.churned).toBeGreaterThan(5);
    expect(r.fit.to !== null && r.fit.to < r.heldOut.from).toBe(true);
    const learned = r.weights.filter((w) => w.proposed > 0).map((w) => w.signalId);
    expect(learned.some((id) => id === 'activity-recency' || id.startsWith('events-'))).toBe(true);
    // the baseline on the very same held-out snapshots, from the raw files
    const model = await resolveModel(ctx, r.currentVersion);
    const set = await buildTrainingSet(ctx, {
      model: { version: model.version, document: model.document },
      mode: 'lapse',
      lapseDays: LAPSE,
      horizonDays: HORIZON,
    });
    const test = set.snapshots.filter((s) => s.asOf >= r.heldOut.from);
    expect(test.length).toBe(r.heldOut.snapshots);
    const recency = test.map((s) => {
      const t = dayOf(s.asOf);
      const days = [...(activity.get(s.accountId) ?? [])].filter((d) => d <= t);
      return t - Math.max(...days);
    });
    const baseline = pairAuc(
      recency,
      test.map((s) => s.label),
    );
    expect(r.proposed.auc as number).toBeGreaterThan(baseline);
  }, 300_000);
});
