import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configureIntegrations } from '../engine/integrations/connections.ts';
import { HubspotTestServer } from '../engine/integrations/test-servers/hubspot-test-server.ts';
import { type ApiFixture, openApiFixture } from './api-test-fixture.ts';

const TOKEN = 'pat-na1-test';

describe('/v1/connections', () => {
  let f: ApiFixture;
  let hs: HubspotTestServer;
  beforeAll(async () => {
    f = await openApiFixture('sqlite', { accounts: 12 });
    configureIntegrations(f.ctx, { secretKey: Buffer.alloc(32, 4).toString('base64') });
    hs = await new HubspotTestServer().start();
  });
  afterAll(async () => {
    await hs.stop();
    await f.close();
  });

  it('admins only: managers, CSMs, read keys and anonymous callers are refused', async () => {
    for (const who of ['mgr-1', 'csm-a'] as const) {
      const c = await f.as(who);
      expect((await c.get('/v1/connections')).status).toBe(403);
      expect((await c.send('PUT', '/v1/connections/x', { kind: 'segment' })).status).toBe(403);
    }
    expect((await f.anonymous.get('/v1/connections')).status).toBe(401);
    expect((await (await f.withKey('read')).get('/v1/connections')).status).toBe(403);
  });

  it('saves a connection, never answers with its secret, and pushes on demand (dry run first)', async () => {
    const admin = await f.as('root');
    const put = await admin.send('PUT', '/v1/connections/hubspot', {
      kind: 'hubspot',
      settings: { baseUrl: hs.url, match: { idTrait: 'hubspotId', order: ['id'] } },
      secrets: { accessToken: TOKEN },
    });
    expect(put.status).toBe(200);
    const text = await put.text();
    expect(text).not.toContain(TOKEN);
    expect(JSON.parse(text).secrets).toEqual({ accessToken: 'set' });
    const list = await admin.get('/v1/connections');
    expect(await list.text()).not.toContain(TOKEN);

    const bad = await admin.send('PUT', '/v1/connections/hubspot', {
      kind: 'hubspot',
      settings: { baseUrl: 'ftp://x' },
    });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.message).toMatch(/settings.baseUrl: must be an http\(s\) URL/);

    const dry = await admin.send('POST', '/v1/connections/hubspot/push', { dryRun: true });
    expect(dry.status).toBe(200);
    const report = await dry.json();
    expect(report.status).toBe('dry-run');
    // the demo accounts carry no HubSpot id: every scored account is reported unmatched, none guessed
    expect(report.unmatched.length).toBe(report.changed);
    expect(report.unmatched[0].reason).toBe('no hubspotId');
    const log = await admin.get('/v1/connections/hubspot/sync-log');
    expect((await log.json()).items[0]).toMatchObject({ operation: 'dry-run', status: 'dry-run' });
    expect((await admin.get('/v1/connections/nope/sync-log')).status).toBe(404);
  });

  it('reads the CRM on demand (admins only); a dry run writes nothing and the answer is typed', async () => {
    const admin = await f.as('root');
    // the connection saved by the test above; the test server has one company whose owner has no Vigil user
    hs.owners.length = 0;
    hs.owners.push({ id: '901', email: 'nobody@elsewhere.example', firstName: 'No', lastName: 'Body' });
    hs.companies.clear();
    hs.companies.set('9001', {
      name: 'Stranger',
      domain: 'stranger.example',
      hubspot_owner_id: '901',
      hs_lastmodifieddate: '2026-06-01T08:00:00.000Z',
    });
    for (const who of ['mgr-1', 'csm-a'] as const) {
      const c = await f.as(who);
      expect((await c.send('POST', '/v1/connections/hubspot/read', { dryRun: true })).status).toBe(403);
    }
    const dry = await admin.send('POST', '/v1/connections/hubspot/read', { dryRun: true });
    expect(dry.status).toBe(200);
    const r = await dry.json();
    expect(r).toMatchObject({ connectionId: 'hubspot', kind: 'hubspot', status: 'dry-run', dryRun: true });
    expect(r.objects.companies).toMatchObject({ fetched: 1, applied: 0 });
    expect(r.unmatched).toEqual([expect.objectContaining({ object: 'companies', crmId: '9001' })]);
    const real = await admin.send('POST', '/v1/connections/hubspot/read', {});
    expect(real.status).toBe(200);
    expect((await real.json()).status).toBe('ok');
    const log = await admin.get('/v1/connections/hubspot/sync-log');
    expect((await log.json()).items[0]).toMatchObject({ operation: 'read' });
    expect((await admin.send('POST', '/v1/connections/nope/read', {})).status).toBe(404);
    expect((await admin.send('POST', '/v1/connections/hubspot/read', { bogus: 1 })).status).toBe(400);
  });
});
