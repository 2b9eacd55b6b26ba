import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextForStore, type EngineContext } from '../engine/context.ts';
import { generateDemo } from '../engine/demo/generate-demo.ts';
import { importFiles } from '../engine/import/import-files.ts';
import { ingestEvents } from '../engine/ingest/ingest-events.ts';
import { recomputeScores } from '../engine/scoring/recompute-scores.ts';
import { runWorkerRound } from '../engine/worker/run-worker.ts';
import { openStore, type Store } from './database.ts';
import { TEST_PG_URL } from './test-stores.ts';
import { WRITE_RETRIES } from './write-transaction.ts';

/**
 * Issue 20 item 13: PostgreSQL deadlocks between ingestion batches and worker rounds. Three
 * "API processes" (own store, own pool, own group committer) ingest batches of usage and timeline
 * events for overlapping accounts in random order while two workers claim, rescore and release
 * them in small rounds, all on one database. Counted: batches that failed (an HTTP 500 or 503),
 * worker rounds that failed, and lock conflicts the store retried (WRITE_RETRIES by SQLSTATE).
 * `VIGIL_DEADLOCK_BATCHES=10000` for the full measurement (default 300).
 */
const BATCHES = Number(process.env.VIGIL_DEADLOCK_BATCHES ?? 300);
const INGESTERS = 3;
const WORKERS = 2;

describe.skipIf(!TEST_PG_URL)('deadlock rate on PostgreSQL (ingest batches × worker rounds)', () => {
  const schema = `vigil_test_${randomBytes(6).toString('hex')}`;
  const stores: Store[] = [];
  let accounts: string[] = [];
  beforeAll(async () => {
    const demo = mkdtempSync(join(tmpdir(), 'vigil-deadlock-'));
    const today = new Date().toISOString().slice(0, 10);
    await generateDemo({ outDir: demo, accounts: 40, months: 3, seed: 11, endDate: today });
    for (let i = 0; i < INGESTERS + WORKERS; i++)
      stores.push(await openStore({ url: TEST_PG_URL!, pgSchema: schema, poolSize: 4 }));
    const ctx = contextForStore(stores[0]!);
    await importFiles(ctx, { paths: [demo] });
    await recomputeScores(ctx, { all: true });
    await stores[0]!.db.deleteFrom('dirty_accounts').execute();
    accounts = (await stores[0]!.db.selectFrom('accounts').select('id').execute()).map((a) => a.id);
  }, 180_000);
  afterAll(async () => {
    if (stores[0]) await sql.raw(`drop schema if exists "${schema}" cascade`).execute(stores[0].db);
    for (const s of stores) await s.close();
  });

  it(`${BATCHES} batches alongside worker rounds: no batch and no round fails`, async () => {
    for (const k of Object.keys(WRITE_RETRIES)) delete WRITE_RETRIES[k];
    const ctxs: EngineContext[] = stores.map((s) => contextForStore(s));
    const failures: string[] = [];
    const roundFailures: string[] = [];
    let next = 0;
    let rounds = 0;
    let done = false;
    const time = () => new Date(Date.now() - Math.floor(Math.random() * 5) * 86_400_000).toISOString();
    const pick = () => accounts[Math.floor(Math.random() * accounts.length)]!;
    const ingester = async (ctx: EngineContext) => {
      for (let b = next++; b < BATCHES; b = next++) {
        const events = Array.from({ length: 20 }, (_, j) =>
          j % 10 === 0
            ? {
                id: `d-${b}-${j}`,
                accountId: pick(),
                type: 'competitor_mention',
                time: time(),
                properties: { competitor: 'RivalCo' },
              }
            : { id: `d-${b}-${j}`, accountId: pick(), type: 'login', time: time(), properties: { count: 1 } },
        );
        try {
          const r = await ingestEvents(ctx, events);
          if (r.accepted !== events.length)
            failures.push(`batch ${b}: ${r.accepted} accepted ${JSON.stringify(r.rejected[0])}`);
        } catch (e) {
          failures.push(`batch ${b}: ${(e as Error).message}`);
        }
      }
    };
    const worker = async (ctx: EngineContext, id: string) => {
      while (!done) {
        try {
          const r = await runWorkerRound(ctx, {
            workerId: id,
            batchSize: 8,
            playbooks: false,
            deliver: false,
          });
          rounds++;
          if (r.claimed === 0) await new Promise((res) => setTimeout(res, 5));
        } catch (e) {
          roundFailures.push((e as Error).message);
        }
      }
    };
    const t0 = performance.now();
    const workers = ctxs.slice(INGESTERS).map((c, i) => worker(c, `dw-${i}`));
    await Promise.all(ctxs.slice(0, INGESTERS).map(ingester));
    done = true;
    await Promise.all(workers);
    const s = ((performance.now() - t0) / 1000).toFixed(1);
    console.log(
      `deadlock rate: ${BATCHES} batches by ${INGESTERS} ingesters, ${rounds} worker rounds by ${WORKERS} workers in ${s} s: ` +
        `${failures.length} failed batches, ${roundFailures.length} failed rounds, store retries ${JSON.stringify(WRITE_RETRIES)}`,
    );
    expect(failures.slice(0, 5)).toEqual([]);
    expect(roundFailures.slice(0, 5)).toEqual([]);
    expect(rounds).toBeGreaterThan(0);
  }, 1_800_000);
});
