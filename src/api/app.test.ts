import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiFixture, type Client, openApiFixture } from './api-test-fixture.ts';

let f: ApiFixture;
let admin: Client;

beforeAll(async () => {
  f = await openApiFixture('sqlite', { accounts: 40 });
  admin = await f.as('root');
});
afterAll(async () => {
  await f?.close();
});

type List = {
  total: number;
  items: {
    id: string;
    score: number | null;
    band: string | null;
    segment: string;
    arr: number;
    renewalDate: string | null;
  }[];
};
const get = async <T>(path: string) => {
  const res = await admin.get(path);
  return { status: res.status, body: (await res.json()) as T };
};

describe('GET /v1/accounts', () => {
  it('lists current customers riskiest first with score, band, ARR and renewal', async () => {
    const { status, body } = await get<List>('/v1/accounts?limit=1000');
    expect(status).toBe(200);
    expect(body.total).toBe(body.items.length);
    expect(body.items.length).toBeGreaterThan(10);
    const scores = body.items.map((i) => i.score!);
    expect(scores).toEqual([...scores].sort((a, b) => a - b));
    for (const i of body.items) {
      expect(i.arr).toBeGreaterThan(0);
      expect(i.renewalDate! > '2026-06-30').toBe(true);
    }
  });

  it('filters by band and segment, sorts and paginates consistently', async () => {
    const all = (await get<List>('/v1/accounts?limit=1000')).body;
    for (const band of ['healthy', 'at-risk', 'critical']) {
      const b = (await get<List>(`/v1/accounts?band=${band}&limit=1000`)).body;
      expect(b.items.every((i) => i.band === band)).toBe(true);
      expect(b.total).toBe(all.items.filter((i) => i.band === band).length);
    }
    const smb = (await get<List>('/v1/accounts?segment=smb&limit=1000')).body;
    expect(smb.items.every((i) => i.segment === 'smb')).toBe(true);
    const byArr = (await get<List>('/v1/accounts?sort=-arr&limit=1000')).body.items.map((i) => i.arr);
    expect(byArr).toEqual([...byArr].sort((a, b) => b - a));
    const p1 = (await get<List>('/v1/accounts?limit=5&offset=0')).body.items.map((i) => i.id);
    const p2 = (await get<List>('/v1/accounts?limit=5&offset=5')).body.items.map((i) => i.id);
    expect(p1.filter((id) => p2.includes(id))).toEqual([]);
    expect([...p1, ...p2]).toEqual(all.items.slice(0, 10).map((i) => i.id));
  });

  it('treats hostile filter values as data, not SQL', async () => {
    for (const q of ["' or 1=1 --", '%', '_', "x'); drop table accounts; --"]) {
      const { status, body } = await get<List>(
        `/v1/accounts?q=${encodeURIComponent(q)}&owner=${encodeURIComponent(q)}`,
      );
      expect(status).toBe(200);
      expect(body.total).toBe(0);
    }
    expect((await get<List>('/v1/accounts?limit=1000')).body.total).toBeGreaterThan(0);
  });

  it('answers bad parameters with a 400 envelope naming the field', async () => {
    const { status, body } = await get<{ error: { code: string; message: string } }>(
      '/v1/accounts?sort=evil&limit=-1',
    );
    expect(status).toBe(400);
    expect(body.error.code).toBe('BAD_INPUT');
    expect(body.error.message).toMatch(/sort/);
    expect(JSON.stringify(body)).not.toMatch(/at .*\.ts:\d+/);
  });
});

describe('account 360', () => {
  it('returns the account, contracts, contacts and its explained score', async () => {
    const id = (await get<List>('/v1/accounts?limit=1')).body.items[0]!.id;
    const { status, body } = await get<{
      account: { id: string };
      contracts: unknown[];
      contacts: unknown[];
      score: { score: number; signals: unknown[]; drivers: { down: unknown[] } };
    }>(`/v1/accounts/${id}`);
    expect(status).toBe(200);
    expect(body.account.id).toBe(id);
    expect(body.contracts.length).toBeGreaterThan(0);
    expect(body.score.signals.length).toBeGreaterThanOrEqual(38);
    const history = await get<{ items: { asOf: string; modelVersion: number }[] }>(
      `/v1/accounts/${id}/scores`,
    );
    expect(history.body.items.length).toBeGreaterThan(0);
    const timeline = await get<{ items: { time: string }[] }>(`/v1/accounts/${id}/timeline?limit=20`);
    const times = timeline.body.items.map((e) => e.time);
    expect(times).toEqual([...times].sort().reverse());
    // paging back with the cursor: strictly older events; a cursor that is not a time is a 400
    const older = await get<{ items: { time: string }[] }>(
      `/v1/accounts/${id}/timeline?limit=20&before=${encodeURIComponent(times.at(-1)!)}`,
    );
    expect(older.body.items.length).toBeGreaterThan(0);
    expect(older.body.items.every((e) => e.time < times.at(-1)!)).toBe(true);
    const bad = await get<{ error: { code: string } }>(`/v1/accounts/${id}/timeline?before=score;drop`);
    expect(bad.status).toBe(400);
    const explain = await get<{ score: number }>(`/v1/accounts/${id}/explain?asOf=2026-06-30`);
    expect(explain.body.score).toBe(body.score.score);
  });

  it('404s unknown accounts and routes with the envelope', async () => {
    const a = await get<{ error: { code: string } }>('/v1/accounts/nope');
    expect([a.status, a.body.error.code]).toEqual([404, 'NOT_FOUND']);
    const r = await get<{ error: { code: string } }>('/v1/nothing-here');
    expect([r.status, r.body.error.code]).toEqual([404, 'NOT_FOUND']);
  });

  it('summarises the portfolio by band with ARR that adds up', async () => {
    const { body } = await get<{
      accounts: number;
      arr: number;
      bands: Record<string, { accounts: number; arr: number }>;
    }>('/v1/portfolio/summary');
    const bands = Object.values(body.bands);
    expect(bands.reduce((s, b) => s + b.accounts, 0)).toBe(body.accounts);
    expect(bands.reduce((s, b) => s + b.arr, 0)).toBeCloseTo(body.arr, 0);
  });
});

describe('the dashboard at /', () => {
  it('serves web/dist with an SPA fallback, and a build hint when it is missing', async () => {
    const { mkdtempSync, mkdirSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { createApp } = await import('./app.ts');
    const dist = mkdtempSync(join(tmpdir(), 'vigil-dist-'));
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), '<!doctype html><div id="root"></div>');
    writeFileSync(join(dist, 'assets', 'app.js'), 'console.log(1)');
    const app = createApp(f.ctx, { webRoot: dist });
    for (const path of ['/', '/accounts/acc-1', '/tasks'])
      expect(await (await app.request(path)).text()).toContain('<div id="root">');
    const js = await app.request('/assets/app.js');
    expect([js.status, await js.text()]).toEqual([200, 'console.log(1)']);
    const api = await app.request('/v1/nope');
    expect(api.status).toBe(404);
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
    const bare = createApp(f.ctx, { webRoot: join(dist, 'missing') });
    expect(await (await bare.request('/')).text()).toContain('npm run build:web');
  });
});
