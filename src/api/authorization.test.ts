import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiFixture, type Client, openApiFixture } from './api-test-fixture.ts';

/**
 * The authorization matrix: every route × role × own/other account, with the exact status, and
 * properties over every account and random filters: a CSM sees only accounts they own, a manager
 * their team's, an admin all; an account one may not see answers exactly like a missing one (404).
 */
let f: ApiFixture;
const USERS = ['root', 'mgr-1', 'csm-a', 'csm-c', 'csm-none'] as const;
type U = (typeof USERS)[number];
const TEAM: Record<U, (owner: string | null) => boolean> = {
  root: () => true,
  'mgr-1': (o) => o === 'mgr-1' || o === 'csm-a' || o === 'csm-b',
  'csm-a': (o) => o === 'csm-a',
  'csm-c': (o) => o === 'csm-c',
  'csm-none': () => false,
};
const clients = {} as Record<U, Client>;
let taskOf: Map<string, string>;

const visibleIds = (u: U) =>
  f.accounts
    .filter((a) => TEAM[u](a.owner))
    .map((a) => a.id)
    .sort();
const json = async <T>(r: Response) => (await r.json()) as T;

beforeAll(async () => {
  f = await openApiFixture('sqlite', { accounts: 30 });
  for (const u of USERS) clients[u] = await f.as(u);
  // one open task per account, so task routes can be checked for every account
  taskOf = new Map();
  const now = '2026-06-30T12:00:00.000Z';
  for (const a of f.accounts) {
    const id = `task-${a.id}`;
    taskOf.set(a.id, id);
    await f.store.db
      .insertInto('tasks')
      .values({
        id,
        account_id: a.id,
        playbook_id: null,
        dedupe_key: `test:${a.id}`,
        title: `Call ${a.name}`,
        checklist: '[]',
        priority: 'high',
        owner: a.owner,
        manager: null,
        status: 'open',
        reason: null,
        because: null,
        due: '2026-07-07',
        snoozed_until: null,
        snapshot: '{}',
        created_at: now,
        updated_at: now,
        closed_at: null,
      })
      .execute();
  }
}, 120_000);
afterAll(async () => {
  await f?.close();
});

type AccountRoute = {
  name: string;
  method: string;
  path: (id: string) => string;
  body?: unknown;
  ok: number;
};
const ACCOUNT_ROUTES: AccountRoute[] = [
  { name: 'detail', method: 'GET', path: (id) => `/v1/accounts/${id}`, ok: 200 },
  { name: 'scores', method: 'GET', path: (id) => `/v1/accounts/${id}/scores`, ok: 200 },
  { name: 'timeline', method: 'GET', path: (id) => `/v1/accounts/${id}/timeline?limit=5`, ok: 200 },
  { name: 'explain', method: 'GET', path: (id) => `/v1/accounts/${id}/explain`, ok: 200 },
  {
    name: 'note',
    method: 'POST',
    path: (id) => `/v1/accounts/${id}/notes`,
    body: { text: 'checked in' },
    ok: 201,
  },
  {
    name: 'override',
    method: 'POST',
    path: (id) => `/v1/accounts/${id}/overrides`,
    body: { score: 55, reason: 'renewal verbally agreed', expiresAt: '2026-08-01' },
    ok: 201,
  },
  {
    name: 'task',
    method: 'PATCH',
    path: (id) => `/v1/tasks/task-${id}`,
    body: { status: 'snoozed', snoozedUntil: '2026-07-20' },
    ok: 200,
  },
  { name: 'tasks of account', method: 'GET', path: (id) => `/v1/tasks?accountId=${id}`, ok: 200 },
];

describe('every account route × role × every account', () => {
  for (const route of ACCOUNT_ROUTES)
    it(`${route.method} ${route.name}: ${route.ok} on visible accounts, 404 on the rest`, async () => {
      const seen: string[] = [];
      for (const u of USERS)
        for (const a of f.accounts) {
          const r = await clients[u].send(route.method, route.path(a.id), route.body);
          const visible = TEAM[u](a.owner);
          if (route.name === 'tasks of account') {
            // a filter on an invisible account is an empty list, not an error
            expect(r.status).toBe(200);
            const body = await json<{ total: number }>(r);
            expect([u, a.id, body.total]).toEqual([u, a.id, visible ? 1 : 0]);
            continue;
          }
          const expected = visible ? route.ok : 404;
          if (r.status !== expected) seen.push(`${u} ${a.id} (owner ${a.owner}): ${r.status} != ${expected}`);
          if (!visible) {
            const body = await json<{ error: { code: string; message: string } }>(r);
            expect(body.error.code).toBe('NOT_FOUND');
          }
        }
      expect(seen).toEqual([]);
    }, 60_000);
});

describe('lists, search, export and summaries only ever hold visible accounts', () => {
  it('the list is exactly the visible set for each role', async () => {
    for (const u of USERS) {
      const body = await json<{ items: { id: string }[]; total: number }>(
        await clients[u].get('/v1/accounts?limit=10000&includeFormer=true'),
      );
      expect([u, body.items.map((i) => i.id).sort()]).toEqual([u, visibleIds(u)]);
      expect(body.total).toBe(body.items.length);
    }
  });

  it('property: no filter, search or sort combination leaks another owner’s account', async () => {
    const names = f.accounts.map((a) => a.name);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...USERS),
        fc.record(
          {
            band: fc.constantFrom('healthy', 'at-risk', 'critical', 'unscored'),
            owner: fc.constantFrom('csm-a', 'csm-b', 'csm-c', 'mgr-1', "' or 1=1 --"),
            segment: fc.constantFrom('smb', 'mid-market', 'enterprise'),
            q: fc.oneof(
              fc.constantFrom(...names).map((n) => n.slice(0, 4)),
              fc.string({ maxLength: 6 }),
            ),
            sort: fc.constantFrom(
              'score',
              '-score',
              'arr',
              '-arr',
              'renewal',
              'name',
              'trend',
              '-trend',
              'expansion',
            ),
            renewalWithinDays: fc.integer({ min: 0, max: 800 }).map(String),
            includeFormer: fc.constantFrom('true', 'false'),
          },
          { requiredKeys: [] },
        ),
        async (u, filters) => {
          const qs = new URLSearchParams({ ...filters, limit: '10000' });
          const r = await clients[u].get(`/v1/accounts?${qs}`);
          expect(r.status).toBe(200);
          const body = await json<{ items: { id: string; owner: string | null }[] }>(r);
          for (const i of body.items) expect([u, i.id, TEAM[u](i.owner)]).toEqual([u, i.id, true]);
          const csv = await (
            await clients[u].get(`/v1/accounts/export?${new URLSearchParams(filters)}`)
          ).text();
          const ids = csv
            .trim()
            .split('\n')
            .slice(1)
            .map((l) => l.split(',')[0]);
          expect(ids.sort()).toEqual(body.items.map((i) => i.id).sort());
        },
      ),
      { numRuns: 60, seed: 7 },
    );
  }, 60_000);

  it('tasks, portfolio totals and expansion follow the same visibility', async () => {
    for (const u of USERS) {
      const tasks = await json<{ items: { accountId: string }[]; total: number }>(
        await clients[u].get('/v1/tasks?limit=1000'),
      );
      expect([u, [...new Set(tasks.items.map((t) => t.accountId))].sort()]).toEqual([u, visibleIds(u)]);
      const list = await json<{ total: number; items: { arr: number }[] }>(
        await clients[u].get('/v1/accounts?limit=10000'),
      );
      const summary = await json<{ accounts: number; arr: number; openTasks: number }>(
        await clients[u].get('/v1/portfolio/summary'),
      );
      expect(summary.accounts).toBe(list.items.filter((i) => i.arr > 0).length);
      expect(summary.arr).toBeCloseTo(
        list.items.reduce((s, i) => s + i.arr, 0),
        0,
      );
      const expansion = await json<{ items: { accountId: string }[] }>(await clients[u].get('/v1/expansion'));
      for (const e of expansion.items) expect(visibleIds(u)).toContain(e.accountId);
    }
  });

  it("retention metrics cover exactly what the caller sees: a manager's default is their team", async () => {
    type Report = { scope: { viewer?: { userId: string } }; periods: { startArr: number }[] };
    const startArr = async (u: U, qs = '') => {
      const r = await json<Report>(await clients[u].get(`/v1/metrics?period=quarter${qs}`));
      return { viewer: r.scope.viewer?.userId, arr: r.periods.map((p) => Math.round(p.startArr)) };
    };
    const team = await startArr('mgr-1');
    expect(team.viewer).toBe('mgr-1');
    // the team's figures are the sum of its owners' figures (as the admin sees them), not the company's
    const list = await json<{ items: { owner: string | null }[] }>(
      await clients['mgr-1'].get('/v1/accounts?limit=10000&includeFormer=true'),
    );
    const owners = [...new Set(list.items.map((i) => i.owner!))];
    expect(owners.length).toBeGreaterThan(1);
    const perOwner = await Promise.all(owners.map(async (o) => (await startArr('root', `&owner=${o}`)).arr));
    const sum = team.arr.map((_, i) => perOwner.reduce((s, m) => s + m[i]!, 0));
    expect(team.arr).toEqual(sum);
    expect(sum.some((x) => x > 0)).toBe(true);
    expect((await startArr('root')).arr).not.toEqual(sum);
    expect((await startArr('csm-a')).arr).toEqual((await startArr('root', '&owner=csm-a')).arr);
  });
});

describe('role and scope rules on non-account routes (exact statuses)', () => {
  const rows: [string, string, unknown, Record<U, number>][] = [
    [
      'GET',
      '/v1/auth/me',
      undefined,
      { root: 200, 'mgr-1': 200, 'csm-a': 200, 'csm-c': 200, 'csm-none': 200 },
    ],
    [
      'GET',
      '/v1/portfolio/summary',
      undefined,
      { root: 200, 'mgr-1': 200, 'csm-a': 200, 'csm-c': 200, 'csm-none': 200 },
    ],
    [
      'GET',
      '/v1/playbooks',
      undefined,
      { root: 200, 'mgr-1': 200, 'csm-a': 200, 'csm-c': 200, 'csm-none': 200 },
    ],
    [
      'GET',
      '/v1/models',
      undefined,
      { root: 200, 'mgr-1': 200, 'csm-a': 200, 'csm-c': 200, 'csm-none': 200 },
    ],
    [
      'GET',
      '/v1/metrics?period=quarter',
      undefined,
      { root: 200, 'mgr-1': 200, 'csm-a': 200, 'csm-c': 200, 'csm-none': 200 },
    ],
    [
      'GET',
      '/v1/metrics?owner=csm-a',
      undefined,
      { root: 200, 'mgr-1': 200, 'csm-a': 200, 'csm-c': 403, 'csm-none': 403 },
    ],
    [
      'GET',
      '/v1/metrics/cohorts?owner=csm-c',
      undefined,
      { root: 200, 'mgr-1': 403, 'csm-a': 403, 'csm-c': 200, 'csm-none': 403 },
    ],
    [
      'GET',
      '/v1/imports',
      undefined,
      { root: 200, 'mgr-1': 200, 'csm-a': 403, 'csm-c': 403, 'csm-none': 403 },
    ],
    [
      'GET',
      '/v1/rejects',
      undefined,
      { root: 200, 'mgr-1': 403, 'csm-a': 403, 'csm-c': 403, 'csm-none': 403 },
    ],
    [
      'POST',
      '/v1/events',
      { events: [] },
      { root: 200, 'mgr-1': 403, 'csm-a': 403, 'csm-c': 403, 'csm-none': 403 },
    ],
    [
      'PUT',
      '/v1/playbooks/test-play',
      'not: [valid',
      { root: 400, 'mgr-1': 403, 'csm-a': 403, 'csm-c': 403, 'csm-none': 403 },
    ],
    [
      'POST',
      '/v1/models/train',
      { horizonDays: 1 },
      { root: 400, 'mgr-1': 403, 'csm-a': 403, 'csm-c': 403, 'csm-none': 403 },
    ],
    [
      'POST',
      '/v1/models/999/approve',
      undefined,
      { root: 404, 'mgr-1': 403, 'csm-a': 403, 'csm-c': 403, 'csm-none': 403 },
    ],
  ];
  for (const [method, path, body, expected] of rows)
    it(`${method} ${path}`, async () => {
      const got = {} as Record<U, number>;
      for (const u of USERS) got[u] = (await clients[u].send(method, path, body)).status;
      expect(got).toEqual(expected);
    });

  it('every /v1 route answers 401 without credentials, in the envelope', async () => {
    const doc = await json<{ paths: Record<string, Record<string, unknown>> }>(
      await f.anonymous.get('/v1/openapi.json'),
    );
    let checked = 0;
    for (const [path, ops] of Object.entries(doc.paths)) {
      if (path === '/v1/auth/login' || path === '/v1/auth/logout') continue;
      for (const method of Object.keys(ops)) {
        const concrete = path.replace(/\{[^}]+\}/g, '1');
        const r = await f.anonymous.send(method.toUpperCase(), concrete, method === 'get' ? undefined : {});
        const body = await json<{ error: { code: string } }>(r);
        expect([method, path, r.status, body.error.code]).toEqual([method, path, 401, 'UNAUTHENTICATED']);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(25);
  });
});

describe('API keys act as their user, within their scope', () => {
  it('read keys read what their user sees and cannot write; ingest keys only ingest; revoked keys stop at once', async () => {
    const read = await f.withKey('read', 'csm-a');
    const list = await json<{ items: { owner: string }[] }>(await read.get('/v1/accounts?limit=1000'));
    expect(list.items.length).toBeGreaterThan(0);
    expect(list.items.every((i) => i.owner === 'csm-a')).toBe(true);
    const own = f.owned.get('csm-a')![0]!;
    expect((await read.send('POST', `/v1/accounts/${own}/notes`, { text: 'x' })).status).toBe(403);
    expect((await read.send('POST', '/v1/events', { events: [] })).status).toBe(403);
    // an ingest key works whoever it was issued to, and reads nothing
    const csmIngest = await f.withKey('ingest', 'csm-a');
    expect((await csmIngest.send('POST', '/v1/events', { events: [] })).status).toBe(200);
    expect((await csmIngest.get(`/v1/accounts/${own}`)).status).toBe(403);
    const ingest = await f.withKey('ingest');
    expect((await ingest.get('/v1/accounts')).status).toBe(403);
    expect((await ingest.send('POST', '/v1/events', { events: [] })).status).toBe(200);
    const admin = await f.withKey('admin');
    expect((await admin.get('/v1/rejects')).status).toBe(200);
    expect(
      (await admin.send('POST', `/v1/accounts/${own}/notes`, { text: 'from an integration' })).status,
    ).toBe(201);
    await f.store.db
      .updateTable('api_keys')
      .set({ revoked_at: '2026-06-30T00:00:00Z' })
      .where('id', '=', read.keyId)
      .execute();
    const r = await read.get('/v1/accounts');
    expect(r.status).toBe(401);
    expect((await json<{ error: { code: string } }>(r)).error.code).toBe('UNAUTHENTICATED');
  });
});
