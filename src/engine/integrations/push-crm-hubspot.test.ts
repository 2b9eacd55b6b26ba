import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../store/database.ts';
import {
  seedScoreFixtures,
  updateFixtureScores,
} from '../../store/queries/integrations/seed-score-fixtures.ts';
import { listSyncLog } from '../../store/queries/integrations/sync-log.ts';
import { openTestStore, TEST_STORE_KINDS } from '../../store/test-stores.ts';
import { contextForStore, type EngineContext, fixedClock } from '../context.ts';
import { configureIntegrations, saveConnection } from './connections.ts';
import { pushCrm } from './push-crm.ts';
import { runDueSyncs } from './run-due-syncs.ts';
import { HubspotTestServer, hubspot429 } from './test-servers/hubspot-test-server.ts';

const KEY = Buffer.alloc(32, 7).toString('base64');
const AT = '2026-06-30T12:00:00.000Z';

describe.each(TEST_STORE_KINDS)('HubSpot write-back through @hubspot/api-client (%s)', (kind) => {
  let store: Store;
  let ctx: EngineContext;
  let hs: HubspotTestServer;
  const noWait: number[] = [];
  const sleep = async (ms: number) => {
    noWait.push(ms);
  };

  beforeAll(async () => {
    hs = await new HubspotTestServer().start();
  });
  afterAll(async () => {
    await hs.stop();
  });
  beforeEach(async () => {
    store = await openTestStore(kind);
    ctx = contextForStore(store, { clock: fixedClock(AT) });
    configureIntegrations(ctx, { secretKey: KEY });
    hs.requests.length = 0;
    hs.companies.clear();
    for (const name of [...hs.properties.keys()]) if (name.startsWith('vigil_')) hs.properties.delete(name);
    noWait.length = 0;
    hs.companies.set('1001', { name: 'Acme', domain: 'acme.com' });
    hs.companies.set('1002', { name: 'Globex', domain: 'globex.io' });
    hs.companies.set('1003', { name: 'Initech A', domain: 'initech.com' });
    hs.companies.set('1004', { name: 'Initech B', domain: 'initech.com' });
    await seedScoreFixtures(
      store,
      [
        {
          id: 'acme',
          traits: { hubspotId: '1001' },
          score: 42,
          band: 'critical',
          trend30: -12.34,
          warning: 'Logins down',
        },
        {
          id: 'globex',
          traits: { domain: 'https://www.Globex.io/' },
          score: 81,
          band: 'healthy',
          trend30: 3,
        },
        { id: 'initech', traits: { domain: 'initech.com' }, score: 60, band: 'at-risk' },
        { id: 'nowhere', traits: { domain: 'nowhere.example' }, score: 70, band: 'at-risk' },
        { id: 'bad id', traits: { hubspotId: 'abc' }, score: 70, band: 'at-risk' },
      ],
      AT,
    );
    await saveConnection(
      ctx,
      {
        id: 'hubspot',
        kind: 'hubspot',
        settings: { baseUrl: hs.url, publicUrl: 'https://vigil.example.com' },
        secrets: { accessToken: hs.token },
      },
      { source: 'api', actor: 'test' },
    );
  });
  afterEach(async () => {
    await store.close();
  });

  it('creates the missing properties, matches by id then domain, writes changed accounts, reports unmatched', async () => {
    const r = await pushCrm(ctx, 'hubspot', { sleep });
    expect(r.status).toBe('ok');
    expect(r.createdFields.sort()).toEqual(
      [
        'vigil_account_url',
        'vigil_churn_probability',
        'vigil_coverage',
        'vigil_health_band',
        'vigil_health_score',
        'vigil_top_warning',
        'vigil_trend_30d',
      ].sort(),
    );
    expect(hs.calls('POST', '/crm/v3/properties/companies')).toHaveLength(7);
    expect(hs.properties.get('vigil_health_score')?.type).toBe('number');
    expect(r.pushed).toBe(2);
    // as written in the CRM (the oracle is the test server's own record)
    expect(hs.companies.get('1001')).toMatchObject({
      vigil_health_score: '42',
      vigil_health_band: 'critical',
      vigil_trend_30d: '-12.3',
      vigil_top_warning: 'Logins down',
      vigil_churn_probability: '',
      vigil_account_url: 'https://vigil.example.com/accounts/acme',
    });
    expect(hs.companies.get('1002')?.vigil_health_score).toBe('81');
    expect(hs.companies.get('1003')?.vigil_health_score).toBeUndefined();
    expect(r.unmatched.map((u) => u.accountId).sort()).toEqual(['bad id', 'initech', 'nowhere']);
    expect(r.unmatched.find((u) => u.accountId === 'initech')?.reason).toMatch(
      /2 CRM records share domain initech\.com/,
    );
    expect(r.unmatched.find((u) => u.accountId === 'bad id')?.reason).toMatch(/not a HubSpot company id/);
    // one search (domains) and one batch update
    expect(hs.calls('POST', '/crm/v3/objects/companies/batch/update')).toHaveLength(1);
    const log = await listSyncLog(store, { connectionId: 'hubspot', limit: 5 });
    expect(log[0]).toMatchObject({ operation: 'push', status: 'ok', succeeded: 2, unmatched: 3 });

    // incremental: nothing changed → no write; one account changes → one call with one input
    hs.requests.length = 0;
    const again = await pushCrm(ctx, 'hubspot', { sleep });
    expect(again.pushed).toBe(0);
    expect(hs.calls('POST', '/crm/v3/objects/companies/batch/update')).toHaveLength(0);
    await updateFixtureScores(store, [{ id: 'acme', score: 55, band: 'at-risk', trend30: 1 }], AT);
    hs.requests.length = 0;
    const inc = await pushCrm(ctx, 'hubspot', { sleep });
    expect(inc.pushed).toBe(1);
    const updates = hs.calls('POST', '/crm/v3/objects/companies/batch/update');
    expect(updates).toHaveLength(1);
    expect(JSON.parse(updates[0]?.body ?? '{}').inputs).toHaveLength(1);
    expect(hs.companies.get('1001')?.vigil_health_band).toBe('at-risk');
    // the warning went away in Vigil: it is cleared in the CRM, not left stale
    expect(hs.companies.get('1001')?.vigil_top_warning).toBe('');
  });

  it('dry run prints what would change and writes nothing', async () => {
    const r = await pushCrm(ctx, 'hubspot', { dryRun: true, sleep });
    expect(r.status).toBe('dry-run');
    expect(r.planned.map((p) => [p.accountId, p.crmId, p.by])).toEqual([
      ['acme', '1001', 'id'],
      ['globex', '1002', 'domain'],
    ]);
    expect(r.createdFields).toHaveLength(7);
    expect(hs.calls('POST', '/crm/v3/properties/companies')).toHaveLength(0);
    expect(hs.calls('POST', '/crm/v3/objects/companies/batch/update')).toHaveLength(0);
    expect(hs.companies.get('1001')?.vigil_health_score).toBeUndefined();
  });

  it('a wrong or revoked token fails clearly, is logged, and writes nothing', async () => {
    await saveConnection(
      ctx,
      { id: 'hubspot', kind: 'hubspot', settings: { baseUrl: hs.url }, secrets: { accessToken: 'revoked' } },
      { source: 'api', actor: 'test' },
    );
    const r = await pushCrm(ctx, 'hubspot', { sleep });
    expect(r.status).toBe('failed');
    expect(r.message).toMatch(/HubSpot rejected the access token \(401 INVALID_AUTHENTICATION\)/);
    expect(r.message).not.toContain('revoked');
    const log = await listSyncLog(store, { connectionId: 'hubspot', limit: 1 });
    expect(log[0]?.status).toBe('failed');
    expect(hs.calls('POST', '/crm/v3/objects/companies/batch/update')).toHaveLength(0);
  });

  it('a record deleted in the CRM is reported per account; the others are written; it is retried next run', async () => {
    hs.companies.delete('1001');
    const r = await pushCrm(ctx, 'hubspot', { sleep });
    expect(r.status).toBe('partial');
    expect(r.pushed).toBe(1);
    expect(r.failed).toEqual([
      { accountId: 'acme', crmId: '1001', error: expect.stringMatching(/^OBJECT_NOT_FOUND/) },
    ]);
    const log = await listSyncLog(store, { connectionId: 'hubspot', limit: 1 });
    expect(log[0]).toMatchObject({ status: 'partial', succeeded: 1, failed: 1 });
    hs.companies.set('1001', { domain: 'acme.com' });
    hs.requests.length = 0;
    const again = await pushCrm(ctx, 'hubspot', { sleep });
    expect(again.pushed).toBe(1);
    const inputs = JSON.parse(
      hs.calls('POST', '/crm/v3/objects/companies/batch/update')[0]?.body ?? '{}',
    ).inputs;
    expect(inputs.map((i: { id: string }) => i.id)).toEqual(['1001']);
  });

  it('honours 429 Retry-After, and a storm stops the push without losing or doubling a write', async () => {
    hs.failNext((q) => q.path === '/crm/v3/objects/companies/batch/update', hubspot429('2'), 2);
    const r = await pushCrm(ctx, 'hubspot', { sleep });
    expect(r.status).toBe('ok');
    expect(noWait).toEqual([2000, 2000]);
    expect(hs.companies.get('1001')?.vigil_health_score).toBe('42');

    // a storm: Retry-After beyond what the connection accepts → stopped, logged, resumed later
    await updateFixtureScores(store, [{ id: 'acme', score: 30, band: 'critical' }], AT);
    hs.failNext((q) => q.path === '/crm/v3/objects/companies/batch/update', hubspot429('3600'), 1);
    const stopped = await pushCrm(ctx, 'hubspot', { sleep });
    expect(stopped.status).toBe('rate-limited');
    expect(stopped.message).toMatch(/429/);
    expect(hs.companies.get('1001')?.vigil_health_score).toBe('42');
    hs.requests.length = 0;
    const resumed = await pushCrm(ctx, 'hubspot', { sleep });
    expect(resumed.pushed).toBe(1);
    expect(hs.companies.get('1001')?.vigil_health_score).toBe('30');
  });

  it('a batch failing half way keeps the confirmed chunks and resumes with the rest', async () => {
    const many = Array.from({ length: 250 }, (_, i) => ({
      id: `m${i}`,
      traits: { hubspotId: String(5000 + i) },
      score: 50,
      band: 'at-risk',
    }));
    for (const m of many) hs.companies.set(m.traits.hubspotId, {});
    await seedScoreFixtures(store, many, AT);
    let n = 0;
    hs.failNext((q) => q.path === '/crm/v3/objects/companies/batch/update' && ++n === 2, {
      status: 500,
      body: { status: 'error', message: 'internal error', category: 'INTERNAL_ERROR', correlationId: 'x' },
    });
    const r = await pushCrm(ctx, 'hubspot', { sleep });
    expect(r.status).toBe('failed');
    expect(r.pushed).toBe(100);
    expect(r.message).toMatch(/HubSpot answered 500/);
    hs.requests.length = 0;
    const again = await pushCrm(ctx, 'hubspot', { sleep });
    expect(again.pushed).toBe(252 - 100);
    const sent = hs
      .calls('POST', '/crm/v3/objects/companies/batch/update')
      .flatMap((q) => JSON.parse(q.body).inputs.map((i: { id: string }) => i.id));
    // nothing confirmed earlier is written twice
    expect(new Set(sent).size).toBe(sent.length);
    expect(sent).toHaveLength(152);
    expect(hs.calls('POST', '/crm/v3/objects/companies/batch/update').length).toBeLessThanOrEqual(2);
  });

  it('a daily call budget stops the push with a clear message and resumes the next day', async () => {
    await saveConnection(
      ctx,
      { id: 'hubspot', kind: 'hubspot', settings: { baseUrl: hs.url, dailyCallBudget: 3 } },
      { source: 'api', actor: 'test' },
    );
    for (const name of [
      'vigil_health_score',
      'vigil_health_band',
      'vigil_trend_30d',
      'vigil_coverage',
      'vigil_top_warning',
      'vigil_churn_probability',
      'vigil_account_url',
    ])
      hs.properties.set(name, {
        name,
        type: 'string',
        fieldType: 'text',
        groupName: 'companyinformation',
        label: name,
      });
    // the dry run spends 2 calls (property list, domain search); the push then runs out before it writes
    await pushCrm(ctx, 'hubspot', { dryRun: true, sleep });
    const r = await pushCrm(ctx, 'hubspot', { sleep });
    expect(r.status).toBe('budget-spent');
    expect(r.message).toMatch(
      /daily budget of 3 HubSpot API calls of connection hubspot is spent \(2026-06-30\)/,
    );
    expect(hs.calls('POST', '/crm/v3/objects/companies/batch/update')).toHaveLength(0);
    expect(hs.companies.get('1001')?.vigil_health_score).toBeUndefined();
    const tomorrow = contextForStore(store, { clock: fixedClock('2026-07-01T00:05:00.000Z') });
    configureIntegrations(tomorrow, { secretKey: KEY });
    // a new UTC day: the budget covers the property check, the search and the write
    const next = await pushCrm(tomorrow, 'hubspot', { sleep });
    expect(next.status).toBe('ok');
    expect(hs.companies.get('1001')?.vigil_health_score).toBe('42');
  });

  it('a pushed field whose direction is none is neither created nor written', async () => {
    await saveConnection(
      ctx,
      {
        id: 'hubspot',
        kind: 'hubspot',
        settings: { baseUrl: hs.url, directions: { url: 'none', churnProbability: 'none' } },
      },
      { source: 'api', actor: 'test' },
    );
    const r = await pushCrm(ctx, 'hubspot', { sleep });
    expect(r.status).toBe('ok');
    expect(r.createdFields).not.toContain('vigil_account_url');
    expect(r.createdFields).not.toContain('vigil_churn_probability');
    expect(r.createdFields).toContain('vigil_health_score');
    const [batch] = hs.calls('POST', '/crm/v3/objects/companies/batch/update');
    const props = (JSON.parse(batch?.body ?? '{}') as { inputs: { properties: Record<string, string> }[] })
      .inputs[0]?.properties;
    expect(Object.keys(props ?? {}).sort()).toEqual([
      'vigil_coverage',
      'vigil_health_band',
      'vigil_health_score',
      'vigil_top_warning',
      'vigil_trend_30d',
    ]);
  });

  it('the worker pushes a changed score once the connection delay has passed, not before', async () => {
    const at = (iso: string) => {
      const c = contextForStore(store, { clock: fixedClock(iso) });
      configureIntegrations(c, { secretKey: KEY });
      return c;
    };
    expect((await runDueSyncs(at('2026-06-30T12:00:00.000Z'))).map((r) => r.pushed)).toEqual([2]);
    await updateFixtureScores(store, [{ id: 'acme', score: 20, band: 'critical' }], AT);
    expect(await runDueSyncs(at('2026-06-30T12:04:59.000Z'))).toEqual([]);
    expect(hs.companies.get('1001')?.vigil_health_score).toBe('42');
    const due = await runDueSyncs(at('2026-06-30T12:05:00.000Z'));
    expect(due.map((r) => r.pushed)).toEqual([1]);
    expect(hs.companies.get('1001')?.vigil_health_score).toBe('20');
  });
});
