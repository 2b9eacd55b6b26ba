import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../src/api/start-server.ts';
import { createApiKey } from '../src/engine/auth/api-keys.ts';
import { addUser } from '../src/engine/auth/users.ts';
import { contextForStore } from '../src/engine/context.ts';
import { generateDemo } from '../src/engine/demo/generate-demo.ts';
import { importFiles } from '../src/engine/import/import-files.ts';
import { closeEventQueue, deleteEventStream, queueDepth } from '../src/engine/ingest-queue/nats-queue.ts';
import { openStore } from '../src/store/database.ts';
import type { BenchOptions, BenchRow } from './bench-row.ts';

/**
 * POST /v1/events in batches of 1,000 on the same SQLite database, three ways in one run:
 * the direct path (validated and committed before the answer), the JetStream path (answered once
 * NATS stored the batch), and the JetStream backlog drained into the store by 1 and by 2
 * `vigil ingest-worker` processes. Needs NATS at $VIGIL_NATS_URL or 127.0.0.1:4222.
 */
const root = join(import.meta.dirname, '..');
const NATS = process.env.VIGIL_NATS_URL ?? 'nats://127.0.0.1:4222';

type Load = { requests: number; rps: number; p50: number; p99: number; non2xx: number; errors: number };
function load(spec: Record<string, unknown>): Promise<Load> {
  return new Promise((resolve, reject) =>
    execFile(
      process.execPath,
      [join(root, 'bin/run-ts.js'), join(root, 'bench/workers/api-load.ts'), JSON.stringify(spec)],
      { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
      (e, out) => (e ? reject(e) : resolve(JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as Load)),
    ),
  );
}

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
  const post = (url: string, prefix: string) =>
    load({
      url: `${url}/v1/events`,
      method: 'POST',
      headers: { authorization: `Bearer ${key}` },
      durationSeconds: duration,
      connections: 4,
      batch: { accounts: ids, size: 1000, prefix },
    });

  const s1 = await startServer(direct, {
    port: 0,
    host: '127.0.0.1',
    limits: { rateLimitPerSecond: 1e9, rateLimitBurst: 1e9 },
  });
  const d = await post(s1.url, 'direct');
  await s1.close();

  const stream = `VIGIL_BENCH_${Date.now()}`;
  const queued = contextForStore(store, { config: { natsUrl: NATS, natsStream: stream } });
  const s2 = await startServer(queued, {
    port: 0,
    host: '127.0.0.1',
    limits: { rateLimitPerSecond: 1e9, rateLimitBurst: 1e9 },
  });
  const rows: BenchRow[] = [];
  try {
    const drain = async (workers: number, events: number) => {
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
      const s = (performance.now() - t0) / 1000;
      for (const p of procs) p.kill('SIGTERM');
      await Promise.all(
        procs.map((p) => new Promise((r) => (p.exitCode === null ? p.once('exit', r) : r(0)))),
      );
      return events / s;
    };
    const q1 = await post(s2.url, 'queued-1');
    const w1 = await drain(1, q1.requests * 1000);
    const q2 = await post(s2.url, 'queued-2');
    const w2 = await drain(2, q2.requests * 1000);
    const note = `${accounts} accounts, 4 connections, ${duration} s, SQLite; errors ${d.errors + d.non2xx}/${q1.errors + q1.non2xx}/${q2.errors + q2.non2xx}`;
    rows.push(
      {
        workload: 'POST /v1/events, acknowledged (batches of 1,000)',
        metric: 'events/s',
        vigil: ((q1.rps + q2.rps) / 2) * 1000,
        reference: d.rps * 1000,
        referenceName: 'direct path (committed to SQLite before the answer)',
        unit: 'events/s',
        lowerIsBetter: false,
        note: `JetStream: answered once the batch is stored in the stream; p99 ${q1.p99} ms vs ${d.p99} ms; ${note}`,
      },
      {
        workload: 'JetStream backlog → store, 1 ingest worker',
        metric: 'events/s',
        vigil: w1,
        reference: d.rps * 1000,
        referenceName: 'direct path',
        unit: 'events/s',
        lowerIsBetter: false,
        note: `${(q1.requests * 1000).toLocaleString('en-US')} events`,
      },
      {
        workload: 'JetStream backlog → store, 2 ingest workers',
        metric: 'events/s',
        vigil: w2,
        reference: d.rps * 1000,
        referenceName: 'direct path',
        unit: 'events/s',
        lowerIsBetter: false,
        note: `${(q2.requests * 1000).toLocaleString('en-US')} events; one SQLite file serialises the writers (PostgreSQL lets them write in parallel)`,
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
