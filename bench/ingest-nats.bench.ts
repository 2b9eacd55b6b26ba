import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../src/api/start-server.ts';
import { createApiKey } from '../src/engine/auth/api-keys.ts';
import { addUser } from '../src/engine/auth/users.ts';
import { contextForStore } from '../src/engine/context.ts';
import { generateDemo } from '../src/engine/demo/generate-demo.ts';
import { importFiles } from '../src/engine/import/import-files.ts';
import { settleIngest } from '../src/engine/ingest/ingest-events.ts';
import { closeEventQueue, deleteEventStream, queueDepth } from '../src/engine/ingest-queue/nats-queue.ts';
import { openStore, type Store } from '../src/store/database.ts';
import { load } from './api-load-process.ts';
import type { BenchOptions, BenchRow } from './bench-row.ts';

/**
 * POST /v1/events in batches of 1,000 on the same SQLite database, three ways in one run:
 * the direct path (validated and committed before the answer), the JetStream path (answered once
 * NATS stored the batch), and the JetStream backlog drained into the store by 1 and by 2
 * `vigil ingest-worker` processes. Needs NATS at $VIGIL_NATS_URL or 127.0.0.1:4222.
 */
const root = join(import.meta.dirname, '..');
const NATS = process.env.VIGIL_NATS_URL ?? 'nats://127.0.0.1:4222';

export default async function run({ quick }: BenchOptions): Promise<BenchRow[]> {
  const duration = quick ? 5 : 15;
  const accounts = quick ? 300 : 2000;
  // the ingest workers run the compiled CLI
  execFileSync(process.execPath, [join(root, 'scripts/build.mjs'), '--cli', '--quiet'], { stdio: 'inherit' });
  const dir = mkdtempSync(join(tmpdir(), 'vigil-nats-bench-'));
  const dbFile = join(dir, 'vigil.db');
  await generateDemo({
    outDir: join(dir, 'demo'),
    accounts,
    months: 2,
    seed: 21,
    endDate: new Date().toISOString().slice(0, 10),
  });
  const store = await openStore({ url: dbFile });
  const direct = contextForStore(store);
  await importFiles(direct, { paths: [join(dir, 'demo')] });
  await addUser(direct, { id: 'bench-admin', role: 'admin', password: 'bench password 123' });
  const key = (await createApiKey(direct, { userId: 'bench-admin', name: 'ingest', scope: 'ingest' })).key;
  const ids = (await store.db.selectFrom('accounts').select('id').orderBy('id').execute()).map((r) => r.id);
  const post = (url: string, prefix: string, seconds = duration) =>
    load({
      url: `${url}/v1/events`,
      method: 'POST',
      headers: { authorization: `Bearer ${key}` },
      durationSeconds: seconds,
      connections: 4,
      batch: { accounts: ids, size: 1000, prefix },
    });
  // each path is warmed up (JIT, the NATS connection and stream, SQLite's page cache) with 2 s of
  // the same load before its measured window, so no window pays for set-up
  const WARM_UP_S = 2;

  const s1 = await startServer(direct, {
    port: 0,
    host: '127.0.0.1',
    limits: { rateLimitPerSecond: 1e9, rateLimitBurst: 1e9 },
  });
  await post(s1.url, 'direct-warm', WARM_UP_S);
  const d = await post(s1.url, 'direct');
  await s1.close();
  await settleIngest(direct);

  const stream = `VIGIL_BENCH_${Date.now()}`;
  const queued = contextForStore(store, { config: { natsUrl: NATS, natsStream: stream } });
  const s2 = await startServer(queued, {
    port: 0,
    host: '127.0.0.1',
    limits: { rateLimitPerSecond: 1e9, rateLimitBurst: 1e9 },
  });
  const rows: BenchRow[] = [];
  try {
    // every message holds 1,000 events: the backlog is the stream's message count × 1,000
    const drain = async (workers: number) => {
      const backlog = await queueDepth(queued);
      const events = (backlog.pending + backlog.unacknowledged) * 1000;
      const procs: ChildProcess[] = [];
      const t0 = performance.now();
      for (let i = 0; i < workers; i++)
        procs.push(
          spawn(
            process.execPath,
            [join(root, 'bin/vigil.js'), '--db', dbFile, 'ingest-worker', '--nats', NATS, '--stream', stream],
            { stdio: 'ignore' },
          ),
        );
      for (;;) {
        const q = await queueDepth(queued).catch(() => null);
        if (q && q.pending === 0 && q.unacknowledged === 0) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      // a stopping worker folds its staged usage into the rollups before it exits: counted in
      for (const p of procs) p.kill('SIGTERM');
      await Promise.all(
        procs.map((p) => new Promise((r) => (p.exitCode === null ? p.once('exit', r) : r(0)))),
      );
      const s = (performance.now() - t0) / 1000;
      return { rate: events / s, events };
    };
    await post(s2.url, 'queued-warm', WARM_UP_S);
    const q1 = await post(s2.url, 'queued-1');
    const w1 = await drain(1);
    const q2 = await post(s2.url, 'queued-2');
    const w2 = await drain(2);
    const missing = await unstored(store, ['direct', 'queued-warm', 'queued-1', 'queued-2']);
    const note = `${accounts} accounts, 4 connections, ${duration} s after a ${WARM_UP_S} s warm-up, SQLite; errors ${d.errors + d.non2xx}/${q1.errors + q1.non2xx}/${q2.errors + q2.non2xx}; load ${loadAverage()}`;
    rows.push(
      {
        workload: 'POST /v1/events, acknowledged (batches of 1,000)',
        metric: 'events/s',
        vigil: ((q1.rps + q2.rps) / 2) * 1000,
        reference: d.rps * 1000,
        referenceName: 'direct path (committed to SQLite before the answer)',
        unit: 'events/s',
        lowerIsBetter: false,
        note: `JetStream: answered once the batch is stored in the stream (windows ${Math.round(q1.rps * 1000)} and ${Math.round(q2.rps * 1000)}); p99 ${q1.p99} ms vs ${d.p99} ms; ${note}`,
      },
      {
        workload: 'JetStream backlog → store, 1 ingest worker',
        metric: 'events/s',
        vigil: w1.rate,
        reference: d.rps * 1000,
        referenceName: 'direct path',
        unit: 'events/s',
        lowerIsBetter: false,
        note: `${w1.events.toLocaleString('en-US')} events (warm-up included), until the worker stopped with its usage folded into the rollups; ${missing}`,
      },
      {
        workload: 'JetStream backlog → store, 2 ingest workers',
        metric: 'events/s',
        vigil: w2.rate,
        reference: d.rps * 1000,
        referenceName: 'direct path',
        unit: 'events/s',
        lowerIsBetter: false,
        note: `${w2.events.toLocaleString('en-US')} events; one SQLite file serialises the writers (PostgreSQL lets them write in parallel)`,
      },
    );
  } finally {
    await s2.close();
    await closeEventQueue(queued);
    await deleteEventStream(queued).catch(() => {});
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

const loadAverage = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

/** Acknowledged events not in the store (ledger ids vs login rollups): should be none. */
async function unstored(store: Store, prefixes: string[]): Promise<string> {
  let ids = 0;
  for (const p of prefixes) {
    const r = await store.db
      .selectFrom('seen_events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('id', 'like', `${p}-%`)
      .executeTakeFirstOrThrow();
    ids += Number(r.n);
  }
  return `${ids.toLocaleString('en-US')} event ids stored in all, ${await store.ingest.pendingEvents()} staged and not folded`;
}
