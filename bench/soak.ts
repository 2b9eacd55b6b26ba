/**
 * Soak: `npm run bench -- soak [--minutes N] [--quick]` (default 10 minutes; --quick = 1 minute).
 *
 * `vigil serve` (with its worker) runs in a child process on a fresh demo SQLite database. A separate
 * load process posts login events in batches of 500 at a steady rate (default 3,000 events/s, API
 * key with the ingest scope) while four readers replay what a dashboard asks for (GET /v1/accounts,
 * /v1/accounts/:id, /v1/metrics) with a read key. The server's RSS is sampled every 10 s from
 * /proc/PID/status; read latency p50/p99 and accepted events are reported per minute. The reference
 * is the same load generator against a bare node:http server answering every request with a fixed
 * JSON body (the real /v1/accounts answer), run for one minute in its own process: the ratio of the
 * read p50s is what the framework, auth, limits and the queries cost under ingestion.
 *
 * This file is also the load process: run as `run-ts.js bench/soak.ts --soak-load SPEC`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiKey } from '../src/engine/auth/api-keys.ts';
import { addUser } from '../src/engine/auth/users.ts';
import { contextForStore } from '../src/engine/context.ts';
import { loadDemo } from '../src/engine/demo/load-demo.ts';
import { openStore } from '../src/store/database.ts';
import type { BenchOptions, BenchRow } from './bench-row.ts';

const root = join(import.meta.dirname, '..');

type LoadSpec = {
  url: string;
  seconds: number;
  ingestKey: string;
  readKey: string;
  accounts: string[];
  eventsPerSecond: number;
  batchSize: number;
  readers: number;
  /** Pause of each reader between two requests (ms): the dashboard's pace, and within the rate limit. */
  readPauseMs: number;
  prefix: string;
};
type MinuteFigures = {
  minute: number;
  reads: number;
  readP50: number;
  readP99: number;
  eventsAccepted: number;
  batches: number;
  errors: number;
  errorSample: string | null;
};

const pct = (sorted: number[], q: number) =>
  sorted.length === 0
    ? Number.NaN
    : (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The load process: ingestion at a fixed rate plus dashboard readers; prints one JSON line. */
async function runLoad(spec: LoadSpec): Promise<void> {
  const start = performance.now();
  const end = start + spec.seconds * 1000;
  const minutes = Math.ceil(spec.seconds / 60);
  const per: { lat: number[]; events: number; batches: number; errors: number; sample: string | null }[] =
    Array.from({ length: minutes }, () => ({ lat: [], events: 0, batches: 0, errors: 0, sample: null }));
  const bucket = () => per[Math.min(minutes - 1, Math.floor((performance.now() - start) / 60_000))]!;
  const fail = (what: string) => {
    const b = bucket();
    b.errors++;
    b.sample ??= what.slice(0, 200);
  };

  let seq = 0;
  const postBatch = async () => {
    const time = new Date(Date.now() - 60_000).toISOString();
    const events = [];
    for (let i = 0; i < spec.batchSize; i++) {
      const n = seq++;
      events.push({
        id: `${spec.prefix}-${n}`,
        accountId: spec.accounts[n % spec.accounts.length],
        contactId: `soak-user-${n % 40}`,
        type: 'login',
        time,
        properties: { count: 1 },
      });
    }
    try {
      const res = await fetch(`${spec.url}/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${spec.ingestKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ events }),
      });
      const text = await res.text();
      if (res.status !== 200) return fail(`POST /v1/events ${res.status} ${text}`);
      const body = JSON.parse(text) as { accepted?: number };
      const b = bucket();
      b.events += body.accepted ?? 0;
      b.batches++;
    } catch (e) {
      fail(`POST /v1/events ${(e as Error).message}`);
    }
  };
  // a steady schedule: batch k is due at start + k * interval; at most 8 batches in flight
  const interval = (1000 * spec.batchSize) / spec.eventsPerSecond;
  const inFlight = new Set<Promise<void>>();
  const ingest = (async () => {
    for (let k = 0; ; k++) {
      const due = start + k * interval;
      if (due >= end) break;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      while (inFlight.size >= 8) await Promise.race(inFlight);
      const p: Promise<void> = postBatch().finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
    await Promise.all(inFlight);
  })();

  const paths = (i: number) => {
    const id = spec.accounts[(i * 7919) % spec.accounts.length] as string;
    return [`/v1/accounts?limit=50&sort=score`, `/v1/accounts/${encodeURIComponent(id)}`, '/v1/metrics'][
      i % 3
    ]!;
  };
  const readers = Array.from({ length: spec.readers }, async (_, r) => {
    for (let i = r; performance.now() < end; i += spec.readers) {
      const path = paths(i);
      const t = performance.now();
      try {
        const res = await fetch(`${spec.url}${path}`, {
          headers: { authorization: `Bearer ${spec.readKey}` },
        });
        const text = await res.text();
        if (res.status !== 200) fail(`GET ${path} ${res.status} ${text}`);
        else bucket().lat.push(performance.now() - t);
      } catch (e) {
        fail(`GET ${path} ${(e as Error).message}`);
      }
      await sleep(spec.readPauseMs);
    }
  });
  await Promise.all([ingest, ...readers]);
  const figures: MinuteFigures[] = per.map((m, i) => {
    const s = m.lat.sort((a, b) => a - b);
    return {
      minute: i + 1,
      reads: s.length,
      readP50: pct(s, 0.5),
      readP99: pct(s, 0.99),
      eventsAccepted: m.events,
      batches: m.batches,
      errors: m.errors,
      errorSample: m.sample,
    };
  });
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}

function runLoadProcess(spec: LoadSpec): Promise<MinuteFigures[]> {
  return new Promise((resolve, reject) => {
    const p = spawn(
      process.execPath,
      [join(root, 'bin/run-ts.js'), join(root, 'bench/soak.ts'), '--soak-load', JSON.stringify(spec)],
      { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    p.stdout.on('data', (d: Buffer) => {
      out += d.toString('utf8');
    });
    p.on('error', reject);
    p.on('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(out.trim().split('\n').at(-1) ?? '[]') as MinuteFigures[])
        : reject(new Error(`load process exited with ${code}`)),
    );
  });
}

async function waitReady(url: string, child: ChildProcess) {
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`${url} did not start`);
}

const rssKb = (pid: number) => {
  const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : Number.NaN;
};
const stop = (p: ChildProcess) =>
  new Promise<void>((r) => {
    if (p.exitCode !== null || p.signalCode !== null) return r();
    p.once('exit', () => r());
    p.kill('SIGTERM');
  });

function minutesOption(quick: boolean): number {
  const i = process.argv.indexOf('--minutes');
  const n = i >= 0 ? Number(process.argv[i + 1]) : quick ? 1 : 10;
  if (!Number.isFinite(n) || n <= 0)
    throw new Error(`--minutes must be a positive number (got ${process.argv[i + 1]})`);
  return n;
}

const BARE_SERVER = `
const http = require('node:http');
const body = process.env.SOAK_BODY;
const s = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(body));
});
s.listen(0, '127.0.0.1', () => process.stdout.write(String(s.address().port) + '\\n'));
`;

export default async function soak({ quick }: BenchOptions): Promise<BenchRow[]> {
  const minutes = minutesOption(quick);
  const seconds = Math.round(minutes * 60);
  const dir = mkdtempSync(join(tmpdir(), 'vigil-soak-'));
  const db = join(dir, 'vigil.db');
  const store = await openStore({ url: db });
  const ctx = contextForStore(store);
  const demo = await loadDemo(ctx);
  await addUser(ctx, { id: 'soak-admin', role: 'admin', password: 'soak password 123' });
  const ingestKey = await createApiKey(ctx, { userId: 'soak-admin', name: 'soak ingest', scope: 'ingest' });
  const readKey = await createApiKey(ctx, { userId: 'soak-admin', name: 'soak read', scope: 'read' });
  const accounts = (await store.db.selectFrom('accounts').select('id').orderBy('id').execute()).map(
    (r) => r.id,
  );
  await store.close();

  const memoryFile = join(dir, 'memory.ndjson');
  const port = 39_000 + Math.floor(Math.random() * 1000);
  const url = `http://127.0.0.1:${port}`;
  const server = spawn(
    process.execPath,
    [join(root, 'bin/vigil.js'), '--db', db, 'serve', '--port', String(port)],
    {
      cwd: root,
      env: {
        ...process.env,
        VIGIL_ADMIN_PASSWORD: 'soak admin password',
        VIGIL_LOG_LEVEL: 'error',
        // the server samples its own V8 heap (src/cli/memory-sampler.ts): RSS alone cannot tell a
        // leak from SQLite's page cache filling
        VIGIL_MEMORY_SAMPLE_FILE: memoryFile,
        VIGIL_MEMORY_SAMPLE_SECONDS: '10',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const rows: BenchRow[] = [];
  try {
    await waitReady(url, server);
    const pid = server.pid as number;
    const rss: { at: number; kb: number }[] = [{ at: 0, kb: rssKb(pid) }];
    const t0 = performance.now();
    const sampler = setInterval(
      () => rss.push({ at: (performance.now() - t0) / 1000, kb: rssKb(pid) }),
      10_000,
    );
    const spec: LoadSpec = {
      url,
      seconds,
      ingestKey: ingestKey.key,
      readKey: readKey.key,
      accounts,
      eventsPerSecond: 3000,
      batchSize: 500,
      readers: 4,
      readPauseMs: 50,
      prefix: 'soak',
    };
    const figures = await runLoadProcess(spec);
    clearInterval(sampler);
    rss.push({ at: (performance.now() - t0) / 1000, kb: rssKb(pid) });
    // the static body the reference serves: Vigil's own answer to the list request
    const listBody = await (
      await fetch(`${url}/v1/accounts?limit=50&sort=score`, {
        headers: { authorization: `Bearer ${readKey.key}` },
      })
    ).text();
    await stop(server);
    const heap = heapFigures(memoryFile, seconds);
    if (existsSync(memoryFile)) {
      const out = join(root, 'bench', 'out');
      mkdirSync(out, { recursive: true });
      copyFileSync(
        memoryFile,
        join(out, `soak-memory-${new Date().toISOString().replace(/[:.]/g, '-')}.ndjson`),
      );
    }

    const bare = spawn(process.execPath, ['-e', BARE_SERVER], {
      env: { ...process.env, SOAK_BODY: listBody },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const barePort = await new Promise<string>((r) =>
      bare.stdout?.once('data', (d: Buffer) => r(d.toString().trim())),
    );
    const refSeconds = Math.min(60, seconds);
    const ref = await runLoadProcess({ ...spec, url: `http://127.0.0.1:${barePort}`, seconds: refSeconds });
    await stop(bare);

    const mb = (kb: number) => kb / 1024;
    const minuteSeconds = (minute: number) => Math.min(60, seconds - (minute - 1) * 60);
    const mid = rss[Math.floor((rss.length - 1) / 2)]!;
    const last = rss.at(-1)!;
    const errors = figures.reduce((s, f) => s + f.errors, 0);
    const events = figures.reduce((s, f) => s + f.eventsAccepted, 0);
    const reads = figures.reduce((s, f) => s + f.reads, 0);
    process.stderr.write(
      `\nsoak: ${demo.accounts} demo accounts, ${minutes} min, target ${spec.eventsPerSecond} events/s in batches of ${spec.batchSize}, ${spec.readers} readers\n` +
        `| minute | reads | read p50 ms | read p99 ms | events/s accepted | errors |\n|---|---|---|---|---|---|\n${figures
          .map(
            (f) =>
              `| ${f.minute} | ${f.reads} | ${f.readP50.toFixed(1)} | ${f.readP99.toFixed(1)} | ${Math.round(
                f.eventsAccepted / minuteSeconds(f.minute),
              )} | ${f.errors}${f.errorSample ? ` (${f.errorSample})` : ''} |`,
          )
          .join('\n')}\n` +
        `V8 heap used (s: MB): ${heap.samples.map((h) => `${h.s}: ${(h.heapUsed / 1e6).toFixed(0)}`).join(', ')}\n` +
        `RSS samples (s: MB): ${rss.map((r) => `${Math.round(r.at)}: ${mb(r.kb).toFixed(0)}`).join(', ')}\n` +
        `reference (bare node:http, static body, ${refSeconds} s): read p50 ${ref[0]?.readP50.toFixed(2)} ms, p99 ${ref[0]?.readP99.toFixed(2)} ms\n`,
    );
    const workload = `soak ${minutes} min: ${spec.eventsPerSecond.toLocaleString('en-US')} events/s + dashboard reads (SQLite)`;
    const allLat = figures.filter((f) => f.reads > 0);
    const medianOfMinutes = (k: 'readP50' | 'readP99') =>
      pct(
        allLat.map((f) => f[k]).sort((a, b) => a - b),
        0.5,
      );
    const refP50 = pct(
      ref.map((f) => f.readP50).sort((a, b) => a - b),
      0.5,
    );
    const base = { workload, referenceName: null, reference: null };
    rows.push(
      {
        ...base,
        metric: 'read p50 (median of minutes)',
        vigil: medianOfMinutes('readP50'),
        reference: refP50,
        referenceName: 'bare node:http, static JSON',
        unit: 'ms',
        lowerIsBetter: true,
        note: `${reads.toLocaleString('en-US')} reads`,
      },
      {
        ...base,
        metric: 'read p99 (median of minutes)',
        vigil: medianOfMinutes('readP99'),
        reference: pct(
          ref.map((f) => f.readP99).sort((a, b) => a - b),
          0.5,
        ),
        referenceName: 'bare node:http, static JSON',
        unit: 'ms',
        lowerIsBetter: true,
      },
      {
        ...base,
        metric: 'events accepted',
        vigil: events / seconds,
        unit: 'events/s',
        lowerIsBetter: false,
        note: `${events.toLocaleString('en-US')} events; per minute ${figures.map((f) => Math.round(f.eventsAccepted / minuteSeconds(f.minute))).join(', ')}`,
      },
      { ...base, metric: 'errors', vigil: errors, unit: 'requests', lowerIsBetter: true },
      { ...base, metric: 'server RSS at start', vigil: mb(rss[0]!.kb), unit: 'MB', lowerIsBetter: true },
      {
        ...base,
        metric: 'server RSS at middle',
        vigil: mb(mid.kb),
        unit: 'MB',
        lowerIsBetter: true,
        note: `at ${Math.round(mid.at)} s`,
      },
      {
        ...base,
        metric: 'server RSS at end',
        vigil: mb(last.kb),
        unit: 'MB',
        lowerIsBetter: true,
        note: `max ${mb(Math.max(...rss.map((r) => r.kb))).toFixed(0)} MB over ${rss.length} samples`,
      },
    );
    if (heap.samples.length > 0)
      rows.push(
        {
          ...base,
          metric: 'server V8 heap used after warm-up → end',
          vigil: heap.endMb,
          unit: 'MB',
          lowerIsBetter: true,
          note: `${heap.warmMb.toFixed(0)} MB at ${heap.warmAt} s (warm-up: the first ${Math.round(heap.warmAt / 60)} min), ${heap.endMb.toFixed(0)} MB at the end, max ${heap.maxMb.toFixed(0)} MB over ${heap.samples.length} samples`,
        },
        {
          ...base,
          metric: 'server V8 heap trend after warm-up',
          vigil: heap.slopeMbPerHour,
          unit: 'MB/hour',
          lowerIsBetter: true,
          note: 'least-squares slope of heap used over the samples after warm-up (a leak shows as a steady rise)',
        },
      );
    for (const f of figures)
      rows.push({
        ...base,
        metric: `minute ${f.minute}: read p50 / p99 ms, events/s`,
        vigil: f.readP50,
        unit: 'ms (p50)',
        lowerIsBetter: true,
        note: `p99 ${f.readP99.toFixed(1)} ms; ${Math.round(f.eventsAccepted / minuteSeconds(f.minute)).toLocaleString('en-US')} events/s; ${f.errors} errors`,
      });
  } finally {
    await stop(server);
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

if (process.argv[2] === '--soak-load') await runLoad(JSON.parse(process.argv[3] ?? '{}') as LoadSpec);

type MemorySample = { s: number; rss: number; heapUsed: number };

/**
 * The server's own heap samples: the value once warmed up (after a sixth of the run, at most 10
 * minutes), at the end, the maximum, and the least-squares slope after warm-up in MB per hour.
 */
function heapFigures(file: string, seconds: number) {
  const samples: MemorySample[] = existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as MemorySample)
    : [];
  const warmAt = Math.min(600, Math.round(seconds / 6));
  // the last sample is taken at shutdown, after the load stopped: not part of the trend
  const during = samples.length > 2 ? samples.slice(0, -1) : samples;
  const after = during.filter((x) => x.s >= warmAt);
  const mbOf = (b: number) => b / 1e6;
  const n = after.length;
  let slope = 0;
  if (n >= 2) {
    const mx = after.reduce((a, x) => a + x.s, 0) / n;
    const my = after.reduce((a, x) => a + mbOf(x.heapUsed), 0) / n;
    const sxy = after.reduce((a, x) => a + (x.s - mx) * (mbOf(x.heapUsed) - my), 0);
    const sxx = after.reduce((a, x) => a + (x.s - mx) ** 2, 0);
    slope = sxx > 0 ? (sxy / sxx) * 3600 : 0;
  }
  return {
    samples,
    warmAt: after[0]?.s ?? warmAt,
    warmMb: mbOf(after[0]?.heapUsed ?? 0),
    endMb: mbOf(during.at(-1)?.heapUsed ?? 0),
    maxMb: mbOf(Math.max(0, ...during.map((x) => x.heapUsed))),
    slopeMbPerHour: slope,
  };
}
