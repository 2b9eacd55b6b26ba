import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeScore } from '../../core/scoring/compute-score.ts';
import { DEFAULT_HEALTH_MODEL } from '../../core/scoring/health-model.ts';
import type { Store } from '../../store/database.ts';
import { loadAccountsData } from '../../store/queries/load-account-data.ts';
import { openTestStore } from '../../store/test-stores.ts';
import { contextForStore, fixedClock } from '../context.ts';
import { generateDemo } from '../demo/generate-demo.ts';
import { importFiles } from '../import/import-files.ts';

const AS_OF = '2026-06-30';
const dir = mkdtempSync(join(tmpdir(), 'vigil-independence-'));
await generateDemo({ outDir: dir, accounts: 150, months: 14, seed: 11, endDate: AS_OF });

function pearson(x: number[], y: number[]): number {
  const n = x.length;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  }
  return sxx === 0 || syy === 0 ? 0 : sxy / Math.sqrt(sxx * syy);
}

describe('no fact counted twice', () => {
  let store: Store;
  beforeAll(async () => {
    store = await openTestStore('sqlite');
    await importFiles(contextForStore(store, { clock: fixedClock(`${AS_OF}T12:00:00Z`) }), { paths: [dir] });
  });
  afterAll(async () => {
    await store?.close();
  });

  it('no two weighted signals of the default model have sub-scores correlated above 0.95 on the demo', async () => {
    const ids = (await store.db.selectFrom('accounts').select('id').execute()).map((r) => r.id);
    const data = await loadAccountsData(store, ids, AS_OF, DEFAULT_HEALTH_MODEL.lookbackDays);
    const subs = new Map<string, Map<string, number>>();
    for (const d of data.values()) {
      const r = computeScore(d, DEFAULT_HEALTH_MODEL, AS_OF);
      if (r.lifecycle?.stage === 'churned') continue;
      for (const s of r.signals) {
        if (s.subScore === null || (DEFAULT_HEALTH_MODEL.signals[s.signalId]?.weight ?? 0) === 0) continue;
        const m = subs.get(s.signalId) ?? new Map<string, number>();
        m.set(d.account.id, s.subScore);
        subs.set(s.signalId, m);
      }
    }
    const signals = [...subs.keys()].sort();
    expect(signals.length).toBeGreaterThan(20);
    const pairs: string[] = [];
    for (let i = 0; i < signals.length; i++)
      for (let j = i + 1; j < signals.length; j++) {
        const a = subs.get(signals[i]!)!;
        const b = subs.get(signals[j]!)!;
        const both = [...a.keys()].filter((k) => b.has(k));
        if (both.length < 30) continue;
        const r = pearson(
          both.map((k) => a.get(k)!),
          both.map((k) => b.get(k)!),
        );
        if (r > 0.95) pairs.push(`${signals[i]} ~ ${signals[j]}: r = ${r.toFixed(3)} (n = ${both.length})`);
      }
    expect(pairs).toEqual([]);
  });
});
