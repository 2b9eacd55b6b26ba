import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_HEALTH_MODEL } from '../core/scoring/health-model.ts';
import { insertModelRow } from '../store/queries/learning/model-rows.ts';
import { TEST_STORE_KINDS } from '../store/test-stores.ts';
import { type ApiFixture, type Client, openApiFixture } from './api-test-fixture.ts';

// issue 20 item 5: a live backtest lists every churned account in the company
// with its churn date, so it is for admins only; the other model routes are
// read by every role and never carry per-account rows. The route × caller
// sweep runs over every GET /v1/models route of the OpenAPI document with the
// backtest's churned accounts in scope.
describe.each(TEST_STORE_KINDS)('model routes and roles on %s', (kind) => {
  let f: ApiFixture;
  let version: number;
  let churned: { accountId: string; churnDate: string }[] = [];
  const callers: Record<string, Client> = {};
  beforeAll(async () => {
    f = await openApiFixture(kind, { accounts: 40 });
    version = await insertModelRow(f.store, {
      name: 'a second version',
      status: 'proposed',
      document: { ...DEFAULT_HEALTH_MODEL, name: 'a second version' },
      createdAt: '2026-06-30T12:00:00.000Z',
      createdBy: 'test',
      notes: null,
      backtest: null,
    });
    callers.admin = await f.as('root');
    callers.manager = await f.as('mgr-1');
    callers.csm = await f.as('csm-a');
    callers['csm without accounts'] = await f.as('csm-none');
    callers['read key'] = await f.withKey('read');
    callers['ingest key'] = await f.withKey('ingest');
    const r = await callers.admin!.get(`/v1/models/${version}/backtest?horizonDays=180`);
    expect(r.status).toBe(200);
    const body = (await r.json()) as {
      metrics: { leadTime: { perAccount: { accountId: string; churnDate: string }[] } };
    };
    churned = body.metrics.leadTime.perAccount;
  }, 180_000);
  afterAll(async () => {
    await f?.close();
  });

  it('the backtest has churned accounts in scope (the sweep below is not vacuous)', () => {
    expect(churned.length).toBeGreaterThan(0);
  });

  it('every GET /v1/models route × caller: backtest is admin-only, no other answer names a churned account', async () => {
    const doc = (await (await callers.admin!.get('/v1/openapi.json')).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const paths = Object.keys(doc.paths).filter((p) => p.startsWith('/v1/models') && doc.paths[p]!.get);
    expect(paths.sort()).toEqual([
      '/v1/models',
      '/v1/models/diff',
      '/v1/models/{version}',
      '/v1/models/{version}/backtest',
      '/v1/models/{version}/band-migration',
    ]);
    const concrete = (p: string) =>
      p === '/v1/models/diff'
        ? `/v1/models/diff?a=${version}&b=${version}`
        : p.replace('{version}', String(version)).replace('/backtest', '/backtest?horizonDays=180');
    const got: Record<string, Record<string, number>> = {};
    for (const p of paths) {
      got[p] = {};
      for (const [who, client] of Object.entries(callers)) {
        const r = await client.get(concrete(p));
        got[p]![who] = r.status;
        const text = await r.text();
        if (who !== 'admin')
          for (const c of churned)
            expect(text.includes(`"${c.accountId}"`) && text.includes(c.churnDate)).toBe(false);
      }
    }
    const readable = {
      admin: 200,
      manager: 200,
      csm: 200,
      'csm without accounts': 200,
      'read key': 200,
      'ingest key': 403,
    };
    expect(got).toEqual({
      '/v1/models': readable,
      '/v1/models/diff': readable,
      '/v1/models/{version}': readable,
      // issue 19: the band-migration preview names accounts (the caller's own book): admins and managers
      '/v1/models/{version}/band-migration': {
        admin: 200,
        manager: 200,
        csm: 403,
        'csm without accounts': 403,
        'read key': 403,
        'ingest key': 403,
      },
      '/v1/models/{version}/backtest': {
        admin: 200,
        manager: 403,
        csm: 403,
        'csm without accounts': 403,
        'read key': 403,
        'ingest key': 403,
      },
    });
  }, 180_000);
});
