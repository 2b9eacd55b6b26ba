import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.ts';
import { openStore, type Store } from '../../store/database.ts';
import { createApiKey } from '../auth/api-keys.ts';
import { addUser } from '../auth/users.ts';
import { contextForStore, type EngineContext } from '../context.ts';
import { generateDemo } from '../demo/generate-demo.ts';
import { importFiles } from '../import/import-files.ts';
import { deleteEventStream, enqueueEvents, queueDepth, runIngestWorker, splitToFit } from './nats-queue.ts';

/**
 * Against the NATS JetStream server at 127.0.0.1:4222 (.ci/run starts it). The oracle is
 * arithmetic: every published login event carries count 1 and a unique id, so the stored login
 * total and the seen ids must equal the number published — not less (lost), not more (twice).
 */
const NATS = process.env.VIGIL_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
const reachable = await new Promise<boolean>((resolve) => {
  const u = new URL(NATS);
  const s = createConnection({ host: u.hostname, port: Number(u.port || 4222) });
  s.once('connect', () => {
    s.destroy();
    resolve(true);
  });
  s.once('error', () => resolve(false));
});
if (!reachable && process.env.CI)
  throw new Error(`NATS is not reachable at ${NATS} (CI starts it in .ci/run)`);

const root = join(import.meta.dirname, '..', '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'vigil-nats-'));
const dbFile = join(dir, 'vigil.db');
let store: Store;
let base: EngineContext;
let accounts: string[] = [];
const DAY = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
  if (!reachable) return;
  await generateDemo({ outDir: join(dir, 'demo'), accounts: 12, months: 2, seed: 4, endDate: DAY });
  store = await openStore({ url: dbFile });
  base = contextForStore(store);
  await importFiles(base, { paths: [join(dir, 'demo')] });
  accounts = (await store.db.selectFrom('accounts').select('id').orderBy('id').execute()).map((r) => r.id);
}, 120_000);
afterAll(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

const logins = (prefix: string, from: number, n: number) =>
  Array.from({ length: n }, (_, k) => ({
    id: `${prefix}-${from + k}`,
    accountId: accounts[(from + k) % accounts.length],
    type: 'login',
    time: `${DAY}T10:00:00Z`,
    properties: { count: 1 },
  }));

async function stored(prefix: string): Promise<{ seen: number; logins: number }> {
  const seen = await store.db
    .selectFrom('seen_events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('id', 'like', `${prefix}-%`)
    .executeTakeFirstOrThrow();
  const sum = await store.db
    .selectFrom('usage_daily')
    .select((eb) => eb.fn.sum<number>('logins').as('n'))
    .where('day', '=', DAY)
    .executeTakeFirstOrThrow();
  return { seen: Number(seen.n), logins: Number(sum.n ?? 0) };
}

function streamCtx(name: string): EngineContext {
  return contextForStore(store, { config: { natsUrl: NATS, natsStream: name } });
}

async function until(what: string, ok: () => Promise<boolean>, ms: number) {
  const t0 = Date.now();
  while (!(await ok())) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe.skipIf(!reachable)('ingest through NATS JetStream', () => {
  it('POST /v1/events answers 202 once the batch is in the stream; a retried batch is stored once', async () => {
    const ctx = streamCtx(`VIGIL_TEST_API_${process.pid}_${Date.now()}`);
    try {
      const before = await stored('api');
      await addUser(ctx, { id: 'nats-admin', role: 'admin', password: 'long enough password' });
      const key = (await createApiKey(ctx, { userId: 'nats-admin', name: 'ingest', scope: 'ingest' })).key;
      const app = createApp(ctx);
      const post = (events: unknown[], idem?: string) =>
        app.request('/v1/events', {
          method: 'POST',
          headers: {
            authorization: `Bearer ${key}`,
            'content-type': 'application/json',
            ...(idem ? { 'idempotency-key': idem } : {}),
          },
          body: JSON.stringify({ events }),
        });
      const batch = logins('api', 0, 50);
      const first = await post(batch);
      expect(first.status).toBe(202);
      expect(await first.json()).toMatchObject({ queued: 50, duplicate: false });
      const again = await post(batch);
      expect(await again.json()).toMatchObject({ queued: 50, duplicate: true });
      // a different body under the same Idempotency-Key is the same request retried
      await post(logins('api', 50, 10), 'k-1');
      expect(await (await post(logins('api', 50, 10), 'k-1')).json()).toMatchObject({ duplicate: true });
      // nothing is written until a worker consumes the stream
      expect(await stored('api')).toEqual(before);
      let stop!: () => void;
      const stopped = new Promise<void>((r) => {
        stop = r;
      });
      const run = runIngestWorker(ctx, { stop: stopped });
      await until('the stream to drain', async () => (await stored('api')).seen === 60, 30_000);
      stop();
      const stats = await run;
      expect(stats.events).toBe(60);
      expect(await stored('api')).toEqual({ seen: 60, logins: before.logins + 60 });
      expect(await queueDepth(ctx)).toEqual({ pending: 0, unacknowledged: 0 });
    } finally {
      await deleteEventStream(ctx);
      const { closeEventQueue } = await import('./nats-queue.ts');
      await closeEventQueue(ctx);
    }
  }, 90_000);

  it("a batch larger than the server's max_payload (10,000 events, ~2.6 MB) is stored as several messages, once", async () => {
    const ctx = streamCtx(`VIGIL_TEST_BIG_${process.pid}_${Date.now()}`);
    try {
      const before = await stored('big');
      const pad = 'x'.repeat(160);
      const batch = logins('big', 0, 10_000).map((e) => ({ ...e, properties: { count: 1, pad } }));
      expect(Buffer.byteLength(JSON.stringify(batch))).toBeGreaterThan(2_000_000);
      const first = await enqueueEvents(ctx, batch);
      // before: NATS refused the 2.6 MB message ("MAX_PAYLOAD_EXCEEDED") and the request failed
      expect(first).toMatchObject({ queued: 10_000, duplicate: false });
      expect((await queueDepth(ctx)).pending).toBeGreaterThanOrEqual(3);
      const again = await enqueueEvents(ctx, batch);
      expect(again).toMatchObject({ queued: 10_000, duplicate: true });
      let stop!: () => void;
      const stopped = new Promise<void>((r) => {
        stop = r;
      });
      const run = runIngestWorker(ctx, { stop: stopped });
      await until('the big batch to drain', async () => (await stored('big')).seen === 10_000, 60_000);
      stop();
      await run;
      expect(await stored('big')).toEqual({ seen: 10_000, logins: before.logins + 10_000 });
    } finally {
      await deleteEventStream(ctx);
      const { closeEventQueue } = await import('./nats-queue.ts');
      await closeEventQueue(ctx);
    }
  }, 120_000);

  it('splitToFit keeps order, stays under the limit and refuses a single event that cannot fit', () => {
    const events = Array.from({ length: 50 }, (_, i) => ({ id: `e-${i}`, v: 'y'.repeat(i * 10) }));
    const parts = splitToFit(events, 2_000);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(Buffer.byteLength(p)).toBeLessThanOrEqual(2_000);
    expect(parts.flatMap((p) => JSON.parse(p))).toEqual(events);
    expect(splitToFit(events, 2_000)).toEqual(parts); // the same batch splits the same way
    expect(() => splitToFit([{ id: 'huge', v: 'z'.repeat(5_000) }], 2_000)).toThrow(/event 0 is \d+ bytes/);
  });

  it('loses nothing and counts nothing twice when an ingest worker is SIGKILLed mid-group', async () => {
    const stream = `VIGIL_TEST_KILL_${process.pid}_${Date.now()}`;
    const ctx = streamCtx(stream);
    const procs: ChildProcess[] = [];
    const worker = () => {
      const p = spawn(
        process.execPath,
        [
          join(root, 'bin/vigil.js'),
          '--db',
          dbFile,
          'ingest-worker',
          '--nats',
          NATS,
          '--stream',
          stream,
          '--group-events',
          '500',
          '--ack-wait',
          '2',
          '--json',
        ],
        { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      procs.push(p);
      return p;
    };
    try {
      const before = await stored('kill');
      const BATCHES = 120;
      const SIZE = 250;
      for (let b = 0; b < BATCHES; b++) await enqueueEvents(ctx, logins('kill', b * SIZE, SIZE));
      const total = BATCHES * SIZE;
      // three workers in turn, each SIGKILLed once it has committed some groups while others
      // are in flight (a worker submits every fetched group at once): at different points of
      // the stream, mid-group, possibly between a commit and its acknowledgement
      let afterKill = before;
      const kills: string[] = [];
      for (const groupsBeforeKill of [1, 3, 2]) {
        const w = worker();
        await new Promise<void>((resolve, reject) => {
          let seen = 0;
          w.stdout?.on('data', (d: Buffer) => {
            seen += d.toString().split('"events"').length - 1;
            if (seen >= groupsBeforeKill) resolve();
          });
          w.once('exit', (code) => reject(new Error(`the worker exited early (${code})`)));
        });
        w.kill('SIGKILL');
        await new Promise((r) => w.once('exit', r));
        afterKill = await stored('kill');
        kills.push(`${afterKill.seen} ids stored, ${await store.ingest.pendingEvents()} staged`);
      }
      console.log(`after each SIGKILL: ${kills.join('; ')}`);
      expect(afterKill.seen).toBeGreaterThan(before.seen);
      expect(afterKill.seen).toBeLessThan(total);
      // two workers share what is left, including the killed worker's unacknowledged group
      const a = worker();
      const b = worker();
      await until(
        'the stream to drain',
        async () => {
          const d = await queueDepth(ctx);
          return d.pending === 0 && d.unacknowledged === 0 && (await stored('kill')).seen === total;
        },
        90_000,
      );
      for (const p of [a, b]) p.kill('SIGTERM');
      await Promise.all(
        [a, b].map((p) => new Promise((r) => (p.exitCode === null ? p.once('exit', r) : r(0)))),
      );
      expect(await stored('kill')).toEqual({ seen: total, logins: before.logins + total });
    } finally {
      for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
      await deleteEventStream(ctx);
    }
  }, 180_000);
});
