import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../engine/auth/api-keys.ts';
import { logIn } from '../engine/auth/sessions.ts';
import { addUser } from '../engine/auth/users.ts';
import { contextForStore, type EngineContext } from '../engine/context.ts';
import { generateDemo } from '../engine/demo/generate-demo.ts';
import { importFiles } from '../engine/import/import-files.ts';
import { recomputeScores } from '../engine/scoring/recompute-scores.ts';
import { startWorker, type WorkerHandle } from '../engine/worker/run-worker.ts';
import type { Store } from '../store/database.ts';
import { openTestStore, TEST_STORE_KINDS } from '../store/test-stores.ts';
import { createApp } from './app.ts';
import { type RunningServer, startServer } from './start-server.ts';

const demo = mkdtempSync(join(tmpdir(), 'vigil-ingest-'));
const today = new Date().toISOString().slice(0, 10);
await generateDemo({ outDir: demo, accounts: 30, months: 13, seed: 5, endDate: today });

describe.each(TEST_STORE_KINDS)('event ingestion and live scores on %s', (kind) => {
  let store: Store;
  let ctx: EngineContext;
  let app: ReturnType<typeof createApp>;
  let account: string;
  let ingestKey: string;
  let session: { token: string; csrf: string };
  beforeAll(async () => {
    store = await openTestStore(kind);
    ctx = contextForStore(store);
    await importFiles(ctx, { paths: [demo] });
    await recomputeScores(ctx, { all: true });
    await store.db.deleteFrom('dirty_accounts').execute();
    app = createApp(ctx);
    await addUser(ctx, { id: 'root', role: 'admin', password: 'long enough password' });
    ingestKey = (await createApiKey(ctx, { userId: 'root', name: 'ingest', scope: 'ingest' })).key;
    session = await logIn(ctx, 'root', 'long enough password');
    account = (
      await store.db
        .selectFrom('current_scores')
        .select('account_id')
        .orderBy('score', 'desc')
        .executeTakeFirstOrThrow()
    ).account_id;
  });
  afterAll(async () => {
    await store?.close();
  });

  // events come with an ingest key; notes from a signed-in CSM (cookie + CSRF)
  const post = (path: string, body: unknown) =>
    app.request(path, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: {
        'content-type': 'application/json',
        ...(path === '/v1/events'
          ? { authorization: `Bearer ${ingestKey}` }
          : { cookie: `vigil_session=${session.token}`, 'x-vigil-csrf': session.csrf }),
      },
    });

  it('accepts good events, rejects bad ones by index with field and reason, and is idempotent by id', async () => {
    const t = new Date(Date.now() - 3600_000).toISOString();
    const events = [
      {
        id: 'api-1',
        accountId: account,
        type: 'competitor_mention',
        time: t,
        properties: { competitor: 'RivalCo' },
      },
      { id: 'api-2', accountId: account, type: 'login', time: t, contactId: 'x', properties: { count: 3 } },
      { id: 'api-3', accountId: 'nobody', type: 'login', time: t, properties: {} },
      { id: 'api-4', accountId: account, type: 'nps_response', time: t, properties: { score: 42 } },
      'not an event',
      { id: 'api-5', accountId: account, type: 'login', time: '2999-01-01T00:00:00Z', properties: {} },
    ];
    const res = await post('/v1/events', { events });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      accepted: number;
      duplicates: number;
      rejected: { index: number; field: string | null; reason: string }[];
    };
    expect(body.accepted).toBe(2);
    expect(body.rejected.map((r) => [r.index, r.field])).toEqual([
      [2, 'accountId'],
      [3, 'properties.score'],
      [4, null],
      [5, 'time'],
    ]);
    const again = (await (await post('/v1/events', { events: events.slice(0, 2) })).json()) as {
      accepted: number;
      duplicates: number;
    };
    expect(again).toMatchObject({ accepted: 0, duplicates: 2 });
    const stored = await store.db
      .selectFrom('rejects')
      .select('source')
      .where('source', '=', 'api')
      .execute();
    expect(stored.length).toBe(4 + 0);
    expect(
      (await store.db.selectFrom('dirty_accounts').select('account_id').execute()).map((d) => d.account_id),
    ).toEqual([account]);
  });

  it('refuses oversized batches and malformed bodies with clear 4xx errors', async () => {
    const big = await post('/v1/events', { events: Array.from({ length: 10_001 }, () => ({})) });
    expect(big.status).toBe(413);
    expect(((await big.json()) as { error: { message: string } }).error.message).toMatch(/10000/);
    const auth = { 'content-type': 'application/json', authorization: `Bearer ${ingestKey}` };
    const bad = await app.request('/v1/events', { method: 'POST', body: '{not json', headers: auth });
    expect(bad.status).toBe(400);
    const huge = await app.request('/v1/events', {
      method: 'POST',
      body: 'x'.repeat(33 * 1024 * 1024),
      headers: auth,
    });
    expect(huge.status).toBe(413);
    const note = await post('/v1/accounts/nobody/notes', { text: 'hi' });
    expect(note.status).toBe(404);
  });
});

describe('freshness in the embedded server', () => {
  let store: Store;
  let server: RunningServer;
  let worker: WorkerHandle;
  beforeAll(async () => {
    store = await openTestStore('sqlite');
    const ctx = contextForStore(store);
    await importFiles(ctx, { paths: [demo] });
    await recomputeScores(ctx, { all: true });
    await store.db.deleteFrom('dirty_accounts').execute();
    await addUser(ctx, { id: 'root', role: 'admin', password: 'long enough password' });
    server = await startServer(ctx, { port: 0, host: '127.0.0.1' });
    worker = startWorker(ctx, { intervalMs: 5000 });
  });
  afterAll(async () => {
    await worker?.stop();
    await server?.close();
    await store?.close();
  });

  it('a red CSM note changes the score on the live stream within a second', async () => {
    const top = await store.db
      .selectFrom('current_scores')
      .select(['account_id', 'score'])
      .orderBy('score', 'desc')
      .executeTakeFirstOrThrow();
    const login = await fetch(`${server.url}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'root', password: 'long enough password' }),
    });
    expect(login.status).toBe(200);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const { csrf } = (await login.json()) as { csrf: string };
    const controller = new AbortController();
    const res = await fetch(`${server.url}/v1/stream`, { signal: controller.signal, headers: { cookie } });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    const waitFor = async (pred: (chunk: string) => boolean, ms: number) => {
      const deadline = Date.now() + ms;
      while (Date.now() < deadline) {
        const r = await Promise.race([
          reader.read(),
          new Promise<null>((res) => setTimeout(() => res(null), deadline - Date.now())),
        ]);
        if (!r || r.done) break;
        buffer += decoder.decode(r.value);
        if (pred(buffer)) return true;
      }
      return false;
    };
    expect(await waitFor((b) => b.includes('event: ready'), 2000)).toBe(true);
    const t0 = performance.now();
    const note = await fetch(`${server.url}/v1/accounts/${top.account_id}/notes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, 'x-vigil-csrf': csrf },
      body: JSON.stringify({
        text: 'Champion is furious about the outage and evaluating RivalCo.',
        sentiment: 'red',
      }),
    });
    expect(note.status).toBe(201);
    const seen = await waitFor((b) => b.includes('event: score-changed') && b.includes(top.account_id), 1000);
    const ms = performance.now() - t0;
    controller.abort();
    expect(seen).toBe(true);
    console.log(`note → score change on the stream in ${ms.toFixed(0)} ms`);
    const after = await store.db
      .selectFrom('current_scores')
      .select('score')
      .where('account_id', '=', top.account_id)
      .executeTakeFirstOrThrow();
    expect(Number(after.score)).toBeLessThan(Number(top.score));
  });
});
