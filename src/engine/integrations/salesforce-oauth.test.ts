import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../store/database.ts';
import { findConnectionRow } from '../../store/queries/integrations/connection-rows.ts';
import { seedScoreFixtures } from '../../store/queries/integrations/seed-score-fixtures.ts';
import { listSyncLog } from '../../store/queries/integrations/sync-log.ts';
import { openTestStore, TEST_STORE_KINDS } from '../../store/test-stores.ts';
import { contextForStore, type EngineContext, fixedClock } from '../context.ts';
import { configureIntegrations, loadConnection, saveConnection } from './connections.ts';
import { pushCrm } from './push-crm.ts';
import { readCrm } from './read-crm.ts';
import { SalesforceTestServer } from './test-servers/salesforce-test-server.ts';

const KEY = Buffer.alloc(32, 7).toString('base64');
const AT = '2026-06-30T12:00:00.000Z';
const REFRESH = '5Aep861TESTREFRESHTOKEN';

describe.each(TEST_STORE_KINDS)('Salesforce OAuth refresh through jsforce (%s)', (kind) => {
  let store: Store;
  let ctx: EngineContext;
  let sf: SalesforceTestServer;
  const errors: string[] = [];
  const tokenCalls = () => sf.calls('POST', '/services/oauth2/token');
  const save = (secrets: Record<string, string>, settings: Record<string, unknown> = {}) =>
    saveConnection(
      ctx,
      {
        id: 'sf',
        kind: 'salesforce',
        settings: { instanceUrl: sf.url, loginUrl: sf.url, clientId: sf.clientId, ...settings },
        secrets,
      },
      { source: 'api', actor: 'test' },
    );

  beforeAll(async () => {
    sf = await new SalesforceTestServer().start();
  });
  afterAll(async () => {
    await sf.stop();
  });
  beforeEach(async () => {
    store = await openTestStore(kind);
    ctx = contextForStore(store, { clock: fixedClock(AT) });
    errors.length = 0;
    const logger = ctx.logger;
    ctx = {
      ...ctx,
      logger: {
        ...logger,
        error: (msg: string, f?: Record<string, unknown>) => errors.push(`${msg} ${JSON.stringify(f)}`),
      },
    } as EngineContext;
    configureIntegrations(ctx, { secretKey: KEY });
    sf.requests.length = 0;
    sf.records.clear();
    sf.refreshTokens.clear();
    sf.refreshTokens.add(REFRESH);
    sf.refuseAllTokens = false;
    sf.token = '00Dxx0000000001!AQ0AQCURRENT';
    sf.addVigilFields();
    sf.records.set('001A0000006Vm9rIAC', {
      Name: 'Acme',
      Website: 'https://acme.com',
      SystemModstamp: '2026-06-01T08:00:00.000+0000',
    });
    await seedScoreFixtures(
      store,
      [{ id: 'acme', traits: { salesforceId: '001A0000006Vm9r' }, score: 35, band: 'critical' }],
      AT,
    );
  });
  afterEach(async () => {
    await store.close();
  });

  it('an expired access token is refreshed once with the refresh token, the call retried, the new token stored encrypted', async () => {
    await save({ accessToken: 'expired-token', refreshToken: REFRESH, clientSecret: sf.clientSecret });
    const r = await pushCrm(ctx, 'sf');
    expect(r.status, r.message).toBe('ok');
    expect(sf.records.get('001A0000006Vm9rIAC')?.Vigil_Health_Score__c).toBe(35);
    // one token call, form-encoded as the refresh token flow documents it
    expect(tokenCalls()).toHaveLength(1);
    const form = new URLSearchParams(tokenCalls()[0]?.body);
    expect(Object.fromEntries(form)).toEqual({
      grant_type: 'refresh_token',
      refresh_token: REFRESH,
      client_id: sf.clientId,
      client_secret: sf.clientSecret,
    });
    // the first describe was refused (401), then retried with the new token
    const describes = sf.calls('GET', /\/sobjects\/Account\/describe$/);
    expect(describes.map((d) => d.headers.authorization)).toEqual([
      'Bearer expired-token',
      `Bearer ${sf.token}`,
    ]);
    // the rotated token is stored, only encrypted
    expect((await loadConnection(ctx, 'sf')).secrets.accessToken).toBe(sf.token);
    const row = await findConnectionRow(store, 'sf');
    expect(row?.secrets).not.toContain(sf.token);
    expect(row?.secrets).not.toContain(REFRESH);
    // the next sync uses the stored token: no refresh
    sf.requests.length = 0;
    const read = await readCrm(ctx, 'sf', { sleep: async () => {} });
    expect(read.status, read.message).toBe('ok');
    expect(tokenCalls()).toHaveLength(0);
  });

  it('a revoked refresh token fails the sync clearly: logged, in the sync log, nothing written', async () => {
    sf.refreshTokens.clear();
    await save({ accessToken: 'expired-token', refreshToken: REFRESH, clientSecret: sf.clientSecret });
    const r = await pushCrm(ctx, 'sf');
    expect(r.status).toBe('failed');
    expect(r.message).toMatch(
      /Salesforce refused to refresh the access token of connection sf \(invalid_grant: expired access\/refresh token\)/,
    );
    expect(errors.join('\n')).toContain('Salesforce token refresh failed');
    expect(errors.join('\n')).toContain('invalid_grant');
    const [log] = await listSyncLog(store, { connectionId: 'sf', limit: 1 });
    expect(log).toMatchObject({ operation: 'push', status: 'failed' });
    expect(log?.message).toContain('invalid_grant');
    expect(sf.records.get('001A0000006Vm9rIAC')?.Vigil_Health_Score__c).toBeUndefined();
    expect((await loadConnection(ctx, 'sf')).secrets.accessToken).toBe('expired-token');
  });

  it('a wrong client secret and a refused new token each fail after one refresh, never a loop', async () => {
    await save({ accessToken: 'expired-token', refreshToken: REFRESH, clientSecret: 'wrong' });
    const bad = await pushCrm(ctx, 'sf');
    expect(bad.status).toBe('failed');
    expect(bad.message).toContain('invalid_client: invalid client credentials');
    expect(tokenCalls()).toHaveLength(1);

    sf.requests.length = 0;
    sf.refuseAllTokens = true;
    await save({ accessToken: 'expired-token', refreshToken: REFRESH, clientSecret: sf.clientSecret });
    const refused = await readCrm(ctx, 'sf', { sleep: async () => {} });
    expect(refused.status).toBe('failed');
    expect(refused.message).toContain('refused the access token it had just issued');
    expect(tokenCalls()).toHaveLength(1);
  });

  it('without refresh credentials a 401 stays a clear failure naming what to set', async () => {
    await save({ accessToken: 'expired-token' }, { clientId: null });
    const r = await pushCrm(ctx, 'sf');
    expect(r.status).toBe('failed');
    expect(r.message).toMatch(/INVALID_SESSION_ID.*refreshToken, clientSecret and settings.clientId/);
    expect(tokenCalls()).toHaveLength(0);
  });
});
