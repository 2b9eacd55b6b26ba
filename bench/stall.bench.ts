import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../src/api/start-server.ts';
import { createApiKey } from '../src/engine/auth/api-keys.ts';
import { addUser } from '../src/engine/auth/users.ts';
import { contextForStore } from '../src/engine/context.ts';
import { generateDemo } from '../src/engine/demo/generate-demo.ts';
import { importFiles } from '../src/engine/import/import-files.ts';
import { recomputeScores } from '../src/engine/scoring/recompute-scores.ts';
import { openStore } from '../src/store/database.ts';
import type { BenchOptions, BenchRow } from './bench-row.ts';

/**
 * Issue 20 item 6 / "done when": no single request stalls other requests' p99 above 500 ms on the
 * 10,000-account demo (2,000 with --quick). The dashboard's list (GET /v1/accounts?limit=50, 20 req/s
 * offered by autocannon in another process) is measured idle, then while each heavy route runs back
 * to back (one at a time, as an admin would click it); the reference is the idle p99 of the same
 * server in the same run.
 */
const root = join(import.meta.dirname, '..');
const NO_LIMITS = { rateLimitPerSecond: 1e9, rateLimitBurst: 1e9 };
const TARGET_P99_MS = 500;
const HEAVY = ['/v1/models/1/backtest?horizonDays=90', '/v1/expansion', '/v1/metrics', '/v1/metrics/series'];

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
  const accounts = quick ? 2000 : 10_000;
  const duration = quick ? 5 : 15;
  const dir = mkdtempSync(join(tmpdir(), 'vigil-stall-bench-'));
  const t0 = performance.now();
  await generateDemo({
    outDir: join(dir, 'demo'),
    accounts,
    months: 13,
    seed: 20,
    endDate: new Date().toISOString().slice(0, 10),
  });
  const store = await openStore({ url: join(dir, 'vigil.db') });
  const ctx = contextForStore(store);
  await importFiles(ctx, { paths: [join(dir, 'demo')] });
  await recomputeScores(ctx, { all: true });
  await store.db.deleteFrom('dirty_accounts').execute();
  await addUser(ctx, { id: 'bench-admin', role: 'admin', password: 'bench password 123' });
  const read = await createApiKey(ctx, { userId: 'bench-admin', name: 'stall read', scope: 'read' });
  const admin = await createApiKey(ctx, { userId: 'bench-admin', name: 'stall admin', scope: 'admin' });
  process.stderr.write(
    `  stall: ${accounts} accounts ready in ${((performance.now() - t0) / 1000).toFixed(0)} s\n`,
  );
  const server = await startServer(ctx, { port: 0, host: '127.0.0.1', limits: NO_LIMITS });
  const dashboard = () =>
    load({
      url: `${server.url}/v1/accounts?limit=50&sort=score`,
      method: 'GET',
      headers: { authorization: `Bearer ${read.key}` },
      durationSeconds: duration,
      connections: 2,
      overallRate: 20,
    });
  const rows: BenchRow[] = [];
  try {
    const idle = await dashboard();
    for (const path of HEAVY) {
      let stop = false;
      const runs: number[] = [];
      const statuses = new Set<number>();
      const heavy = (async () => {
        while (!stop) {
          const h0 = performance.now();
          const r = await fetch(`${server.url}${path}`, {
            headers: { authorization: `Bearer ${admin.key}` },
          });
          await r.arrayBuffer();
          statuses.add(r.status);
          runs.push(performance.now() - h0);
        }
      })();
      await new Promise((r) => setTimeout(r, 300));
      const during = await dashboard();
      stop = true;
      await heavy;
      const mean = runs.reduce((a, b) => a + b, 0) / Math.max(1, runs.length);
      rows.push({
        workload: `dashboard GET /v1/accounts while ${path.split('?')[0]} runs back to back`,
        metric: 'p99 latency',
        vigil: during.p99,
        reference: idle.p99,
        referenceName: 'same server idle',
        unit: 'ms',
        lowerIsBetter: true,
        note: `${accounts} accounts, 20 req/s offered, ${duration} s; ${during.requests} vs ${idle.requests} answered; p50 ${during.p50} vs ${idle.p50} ms; heavy route: ${runs.length} runs, mean ${mean.toFixed(0)} ms, status ${[...statuses].join('/')}; target p99 < ${TARGET_P99_MS} ms: ${during.p99 < TARGET_P99_MS && during.requests > 0 ? 'met' : 'NOT met'}; errors ${during.errors + during.non2xx}`,
      });
    }
  } finally {
    await server.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
