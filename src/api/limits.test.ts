import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiFixture, type Client, openApiFixture } from './api-test-fixture.ts';
import type { AppEnv } from './app-env.ts';
import { errorResponse } from './errors.ts';
import { timeout } from './limits.ts';

type Envelope = { error: { code: string; message: string; details: unknown } };
let f: ApiFixture;
let ingest: Client;
let admin: Client;

beforeAll(async () => {
  f = await openApiFixture('sqlite', {
    accounts: 8,
    clock: false,
    app: {
      limits: {
        rateLimitPerSecond: 5,
        rateLimitBurst: 10,
        maxBodyBytes: 64 * 1024,
        maxIngestBodyBytes: 2 * 1024 * 1024,
      },
    },
  });
  ingest = await f.withKey('ingest');
  admin = await f.as('root');
}, 60_000);
afterAll(async () => {
  await f?.close();
});

const envelope = async (r: Response) => {
  const body = (await r.json()) as Envelope;
  expect(Object.keys(body)).toEqual(['error']);
  expect(Object.keys(body.error).sort()).toEqual(['code', 'details', 'message']);
  expect(JSON.stringify(body)).not.toMatch(/\.ts:\d+|at [A-Za-z]+ \(|node_modules/);
  return body.error;
};

describe('limits answer with clear 4xx envelopes', () => {
  it('413 for a body over the limit (ordinary routes and ingestion) and for more than 10,000 events', async () => {
    const id = f.owned.get('csm-a')![0]!;
    const big = await admin.send('POST', `/v1/accounts/${id}/notes`, { text: 'x'.repeat(70 * 1024) });
    expect(big.status).toBe(413);
    expect((await envelope(big)).code).toBe('PAYLOAD_TOO_LARGE');
    const huge = await ingest.send('POST', '/v1/events', { events: ['x'.repeat(3 * 1024 * 1024)] });
    expect(huge.status).toBe(413);
    await envelope(huge);
    const many = await ingest.send('POST', '/v1/events', { events: Array.from({ length: 10_001 }, () => 0) });
    expect(many.status).toBe(413);
    expect((await envelope(many)).message).toMatch(/10000/);
  });

  it('400 for malformed JSON, the wrong shape, a wrong content type, deep nesting', async () => {
    const cases: [string, string | undefined][] = [
      ['{"events": [', 'application/json'],
      ['{"events": {}}', 'application/json'],
      ['[]', 'application/json'],
      ['null', 'application/json'],
      ['events=1', 'application/x-www-form-urlencoded'],
      [`{"events": [${'['.repeat(5000)}${']'.repeat(5000)}]}`, 'application/json'],
    ];
    for (const [body, type] of cases) {
      const r = await ingest.request('/v1/events', {
        method: 'POST',
        body,
        headers: type ? { 'content-type': type } : {},
      });
      expect([body.slice(0, 20), r.status]).toEqual([body.slice(0, 20), 400]);
      const e = await envelope(r);
      expect(e.code).toBe('BAD_INPUT');
      if (body.includes('[[[')) expect(e.message).toMatch(/events\[0\]: nested deeper than 32/);
    }
    const q = await admin.get('/v1/accounts?limit=0&sort=drop table');
    expect(q.status).toBe(400);
    const e = await envelope(q);
    expect((e.details as { path: string }[]).map((d) => d.path).sort()).toEqual(['limit', 'sort']);
  });

  it('429 with Retry-After once a key spends its burst; other keys are unaffected', async () => {
    const reader = await f.withKey('read');
    const statuses: number[] = [];
    for (let i = 0; i < 14; i++) statuses.push((await reader.get('/v1/auth/me')).status);
    expect(statuses.slice(0, 10).every((s) => s === 200)).toBe(true);
    expect(statuses.slice(10)).toContain(429);
    const limited = await reader.get('/v1/auth/me');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await envelope(limited)).code).toBe('RATE_LIMITED');
    const other = await f.withKey('read');
    expect((await other.get('/v1/auth/me')).status).toBe(200);
  });

  it('503 when a handler runs past its timeout', async () => {
    // SQLite work is synchronous and cannot be interrupted, so the middleware is checked on a handler that waits
    const app = new Hono<AppEnv>();
    app.onError((e, c) => errorResponse(c, e));
    app.use('*', timeout(20));
    app.get('/slow', async (c) => {
      await new Promise((r) => setTimeout(r, 200));
      return c.json({ ok: true });
    });
    app.get('/fast', (c) => c.json({ ok: true }));
    const r = await app.request('/slow');
    expect(r.status).toBe(503);
    const e = await envelope(r);
    expect([e.code, e.details]).toEqual(['UNAVAILABLE', { timeoutMs: 20 }]);
    expect((await app.request('/fast')).status).toBe(200);
  });

  it('unknown routes and methods are 404 envelopes under /v1; security headers are set', async () => {
    const r = await admin.get('/v1/nope');
    expect(r.status).toBe(404);
    await envelope(r);
    const h = await admin.get('/healthz');
    expect(h.headers.get('x-content-type-options')).toBe('nosniff');
    expect(h.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
  });
});

describe('the OpenAPI document', () => {
  it('is valid OpenAPI 3.1 JSON listing every route with its error envelope', async () => {
    const r = await f.anonymous.get('/v1/openapi.json');
    expect(r.status).toBe(200);
    const doc = (await r.json()) as {
      openapi: string;
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
      components: { schemas: Record<string, unknown> };
    };
    expect(doc.openapi).toBe('3.1.0');
    const ops = Object.entries(doc.paths).flatMap(([p, o]) =>
      Object.keys(o).map((m) => `${m.toUpperCase()} ${p}`),
    );
    for (const expected of [
      'GET /v1/auth/me',
      'POST /v1/auth/login',
      'GET /v1/accounts',
      'GET /v1/accounts/{id}',
      'GET /v1/accounts/{id}/scores',
      'GET /v1/accounts/{id}/timeline',
      'GET /v1/accounts/{id}/explain',
      'POST /v1/accounts/{id}/notes',
      'POST /v1/accounts/{id}/overrides',
      'GET /v1/portfolio/summary',
      'POST /v1/events',
      'GET /v1/tasks',
      'PATCH /v1/tasks/{id}',
      'GET /v1/playbooks',
      'PUT /v1/playbooks/{id}',
      'GET /v1/playbooks/stats',
      'GET /v1/models',
      'GET /v1/models/{version}',
      'GET /v1/models/{version}/backtest',
      'POST /v1/models/train',
      'POST /v1/models/{version}/approve',
      'GET /v1/models/diff',
      'GET /v1/metrics',
      'GET /v1/metrics/series',
      'GET /v1/metrics/cohorts',
      'GET /v1/metrics/by-band',
      'GET /v1/expansion',
      'GET /v1/imports',
      'GET /v1/rejects',
      'GET /v1/stream',
    ])
      expect(ops).toContain(expected);
    expect(doc.components.schemas).toHaveProperty('Error');
    expect(doc.components.schemas).toHaveProperty('AccountSummary');
    for (const [path, o] of Object.entries(doc.paths))
      for (const [method, op] of Object.entries(o))
        expect([method, path, op.responses['401']]).not.toEqual([method, path, undefined]);
    // the query parameters come from the same zod schemas the routes validate with
    const list = doc.paths['/v1/accounts']!.get as unknown as { parameters: { name: string }[] };
    expect(list.parameters.map((p) => p.name)).toEqual(
      expect.arrayContaining([
        'band',
        'owner',
        'segment',
        'renewalWithinDays',
        'minScore',
        'maxScore',
        'q',
        'sort',
        'limit',
        'offset',
      ]),
    );
  });
});
