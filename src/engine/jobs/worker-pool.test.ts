import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { getPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../store/database.ts';
import { storeLocation } from '../../store/store-location.ts';
import { openTestStore } from '../../store/test-stores.ts';
import { contextForStore, type EngineContext, fixedClock } from '../context.ts';
import { generateDemo } from '../demo/generate-demo.ts';
import { importFiles } from '../import/import-files.ts';
import { backtestModel } from '../learning/backtest-model.ts';
import { computeCohortReport } from '../metrics/metrics-report.ts';
import { heavyNice } from './heavy-nice.ts';
import { getJob, startJob, waitForJob } from './jobs.ts';
import { closeHeavyPools, defaultPoolSize, runHeavy } from './worker-pool.ts';

/**
 * Heavy use-cases run in worker threads over the same database file. The oracle is the same
 * use-case called inline on this thread: results must be identical whatever the pool size.
 */
const END = '2026-11-15';
const dir = mkdtempSync(join(tmpdir(), 'vigil-heavy-'));
let store: Store;
let ctx: EngineContext;

beforeAll(async () => {
  const demo = join(dir, 'demo');
  await generateDemo({ outDir: demo, accounts: 40, months: 18, seed: 11, endDate: END });
  store = await openStore({ url: join(dir, 'vigil.db') });
  ctx = contextForStore(store, { clock: fixedClock(`${END}T12:00:00Z`) });
  const files = readdirSync(demo)
    .filter((f) => /\.(csv|ndjson)$/.test(f))
    .map((f) => join(demo, f));
  await importFiles(ctx, { paths: files });
}, 120_000);
afterAll(async () => {
  await closeHeavyPools();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Wall-clock timings (`timings`, `…Ms`) differ run to run; every other field must not. */
function withoutTimings(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutTimings);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(
    Object.entries(v)
      .filter(([k]) => k !== 'timings' && !k.endsWith('Ms'))
      .map(([k, x]) => [k, withoutTimings(x)]),
  );
}

describe('heavy use-cases in worker threads', () => {
  it('gives the same backtest and cohorts inline, on a pool of 1 and on a pool of 2', async () => {
    const options = { horizonDays: 90, record: false } as const;
    const inline = await backtestModel(ctx, options);
    const one = await runHeavy(ctx, 'backtestModel', options, { threads: 1 });
    // two at once on two threads
    const [twoA, twoB] = await Promise.all([
      runHeavy(ctx, 'backtestModel', options, { threads: 2 }),
      runHeavy(ctx, 'backtestModel', options, { threads: 2 }),
    ]);
    expect(inline.metrics.auc).toBeGreaterThan(0);
    expect(withoutTimings(one)).toEqual(withoutTimings(inline));
    expect(withoutTimings(twoA)).toEqual(withoutTimings(inline));
    expect(withoutTimings(twoB)).toEqual(withoutTimings(inline));

    const cohortsInline = await computeCohortReport(ctx, { by: 'quarter' });
    const cohortsPool = await runHeavy(ctx, 'computeCohortReport', { by: 'quarter' }, { threads: 2 });
    expect(cohortsInline.rows.length).toBeGreaterThan(0);
    expect(cohortsPool).toEqual(cohortsInline);
  }, 180_000);

  it('keeps the use-case error code across the thread boundary', async () => {
    await expect(
      runHeavy(ctx, 'backtestModel', { version: 999, record: false }, { threads: 1 }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  }, 60_000);

  it('reports the use-case progress from the thread', async () => {
    const seen: [number, number][] = [];
    const r = await runHeavy(
      ctx,
      'backfillScores',
      { from: '2026-07-01', to: '2026-07-15', stepDays: 7 },
      { threads: 1, onProgress: (done, total) => seen.push([done, total]) },
    );
    expect(r.dates).toEqual(['2026-07-01', '2026-07-08', '2026-07-15']);
    expect(seen.at(-1)).toEqual([40, 40]);
  }, 60_000);

  it('records a durable job: running, then its result, written by the thread into the same database', async () => {
    const job = await startJob(
      ctx,
      'backfill',
      { from: '2026-08-01', to: '2026-10-01', stepDays: 30 },
      'admin',
      {
        threads: 1,
      },
    );
    expect(job.status).toBe('running');
    await waitForJob(job.id);
    const done = await getJob(ctx, job.id);
    expect(done.status).toBe('succeeded');
    expect(done.progress).toEqual({ phase: 'done' });
    expect(done.finishedAt).not.toBeNull();
    const result = done.result as { rows: number; dates: string[] };
    expect(result.dates).toEqual(['2026-08-02', '2026-09-01', '2026-10-01']);
    const n = await store.db
      .selectFrom('scores')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('as_of', 'in', result.dates)
      .executeTakeFirstOrThrow();
    expect(result.rows).toBeGreaterThan(40);
    expect(Number(n.n)).toBe(result.rows);

    const failed = await startJob(ctx, 'backtest', { version: 999, record: false }, 'admin', { threads: 1 });
    await waitForJob(failed.id);
    expect(await getJob(ctx, failed.id)).toMatchObject({ status: 'failed', error: { code: 'NOT_FOUND' } });
  }, 120_000);

  it.runIf(process.platform === 'linux')(
    'runs heavy work at a lower priority than the request thread (nice 10 on its own thread only)',
    async () => {
      /** The nice value of every thread of this process (Linux keeps one per thread). */
      const nices = () =>
        readdirSync('/proc/self/task').map((t) => {
          try {
            return Number(readFileSync(`/proc/self/task/${t}/stat`, 'utf8').split(') ')[1]?.split(' ')[16]);
          } catch {
            return Number.NaN; // the thread ended meanwhile
          }
        });
      await closeHeavyPools();
      const before = nices().filter((n) => n === 10).length;
      // the nice value this process was started with (0, or e.g. 5 under `nice -n 5 npx vitest run`)
      const own = getPriority();
      // the thread stays in the pool (idle timeout 30 s) after answering
      const mine = await runHeavy(ctx, 'computeCohortReport', { by: 'quarter' }, { threads: 1 });
      expect(mine).toBeTruthy();
      expect(nices().filter((n) => n === 10).length).toBe(before + 1);
      expect(getPriority()).toBe(own); // this (request) thread is untouched
      expect(heavyNice({})).toBe(10);
      expect(heavyNice({ VIGIL_HEAVY_NICE: '0' })).toBe(0);
      expect(heavyNice({ VIGIL_HEAVY_NICE: 'low' })).toBe(10);
    },
    60_000,
  );

  it('runs inline where no other thread can open the store, and sizes the pool to the machine', async () => {
    const mem = await openTestStore('sqlite');
    try {
      expect(storeLocation(mem)).toBeNull();
    } finally {
      await mem.close();
    }
    expect(storeLocation(store)).toEqual({ url: join(dir, 'vigil.db') });
    expect(defaultPoolSize({ VIGIL_WORKER_THREADS: '3' })).toBe(3);
    expect(defaultPoolSize({})).toBeGreaterThanOrEqual(1);
    expect(() => defaultPoolSize({ VIGIL_WORKER_THREADS: 'many' })).toThrow(/VIGIL_WORKER_THREADS/);
  });
});
