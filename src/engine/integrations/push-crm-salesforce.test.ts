import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { toSalesforceId18 } from '../../core/integrations/crm-record-match.ts';
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
import { SalesforceTestServer } from './test-servers/salesforce-test-server.ts';

const KEY = Buffer.alloc(32, 8).toString('base64');
const AT = '2026-06-30T12:00:00.000Z';

describe('Salesforce ids', () => {
  it('converts 15-character ids to the 18-character form (the example of the Salesforce docs)', () => {
    expect(toSalesforceId18('001A0000006Vm9r')).toBe('001A0000006Vm9rIAC');
    expect(toSalesforceId18('001A0000006Vm9rIAC')).toBe('001A0000006Vm9rIAC');
    expect(toSalesforceId18('001a0000006vm9riac')).toBe('001a0000006vm9rIAC');
    expect(toSalesforceId18('001A0000006Vm9')).toBeNull();
    expect(toSalesforceId18('001A0000006Vm9r!')).toBeNull();
  });
});

describe.each(TEST_STORE_KINDS)('Salesforce write-back through jsforce (%s)', (kind) => {
  let store: Store;
  let ctx: EngineContext;
  let sf: SalesforceTestServer;
  beforeAll(async () => {
    sf = await new SalesforceTestServer().start();
  });
  afterAll(async () => {
    await sf.stop();
  });
  beforeEach(async () => {
    store = await openTestStore(kind);
    ctx = contextForStore(store, { clock: fixedClock(AT) });
    configureIntegrations(ctx, { secretKey: KEY });
    sf.requests.length = 0;
    sf.records.clear();
    sf.deleted.clear();
    for (const f of [...sf.fields.keys()]) if (f.startsWith('Vigil_')) sf.fields.delete(f);
    sf.addVigilFields();
    sf.records.set('001A0000006Vm9rIAC', { Name: 'Acme', Website: 'https://acme.com' });
    sf.records.set('001A0000007XyzaIAC', { Name: 'Globex', Website: 'www.globex.io/home' });
    await seedScoreFixtures(
      store,
      [
        {
          id: 'acme',
          traits: { salesforceId: '001A0000006Vm9r' },
          score: 35,
          band: 'critical',
          warning: 'Champion left',
        },
        { id: 'globex', traits: { domain: 'globex.io' }, score: 88, band: 'healthy' },
        { id: 'lost', traits: { domain: 'lost.example' }, score: 70, band: 'at-risk' },
      ],
      AT,
    );
    await saveConnection(
      ctx,
      {
        id: 'salesforce',
        kind: 'salesforce',
        settings: { instanceUrl: sf.url, bulkThreshold: 50, bulkPollMs: 20 },
        secrets: { accessToken: sf.token },
      },
      { source: 'api', actor: 'test' },
    );
  });
  afterEach(async () => {
    await store.close();
  });

  it('small pushes: one sObject Collections call; 15-char ids sent as 18; domain matched by SOQL', async () => {
    const r = await pushCrm(ctx, 'salesforce');
    expect(r.status).toBe('ok');
    expect(r.pushed).toBe(2);
    const patches = sf.calls('PATCH', `${sf.base}/composite/sobjects`);
    expect(patches).toHaveLength(1);
    const body = JSON.parse(patches[0]?.body ?? '{}');
    expect(body.allOrNone).toBe(false);
    expect(body.records.map((x: { id: string }) => x.id).sort()).toEqual([
      '001A0000006Vm9rIAC',
      '001A0000007XyzaIAC',
    ]);
    expect(sf.records.get('001A0000006Vm9rIAC')).toMatchObject({
      Vigil_Health_Score__c: 35,
      Vigil_Health_Band__c: 'critical',
      Vigil_Top_Warning__c: 'Champion left',
      Vigil_Churn_Probability__c: null,
    });
    expect(r.unmatched).toEqual([
      { accountId: 'lost', reason: 'no salesforceId; no CRM record with domain lost.example' },
    ]);
    expect(sf.calls('POST', `${sf.base}/jobs/ingest`)).toHaveLength(0);
  });

  it('large pushes: exactly one Bulk API 2.0 ingest job; deleted records come back as failures', async () => {
    const many = Array.from({ length: 120 }, (_, i) => {
      const id15 = `001B00000${String(i).padStart(6, '0')}`;
      return {
        id: `b${i}`,
        traits: { salesforceId: id15 },
        score: 40 + (i % 50),
        band: 'at-risk',
        id18: toSalesforceId18(id15) as string,
      };
    });
    for (const m of many) sf.records.set(m.id18, { Name: m.id });
    sf.deleted.add(many[7]?.id18 as string);
    await seedScoreFixtures(store, many, AT);
    const r = await pushCrm(ctx, 'salesforce');
    expect(sf.calls('POST', `${sf.base}/jobs/ingest`)).toHaveLength(1);
    expect(sf.calls('PATCH', `${sf.base}/composite/sobjects`)).toHaveLength(0);
    expect(r.status).toBe('partial');
    expect(r.pushed).toBe(121);
    expect(r.failed).toEqual([
      { accountId: 'b7', crmId: many[7]?.id18, error: 'ENTITY_IS_DELETED:entity is deleted:--' },
    ]);
    expect(sf.records.get(many[3]?.id18 as string)?.Vigil_Health_Score__c).toBe('43');
    // null sent as #N/A clears the field (an empty cell would leave the old value)
    const [job] = [...sf.jobs.values()];
    expect(job?.csv.split('\n')[0]).toContain('Vigil_Churn_Probability__c');
    expect(job?.csv).toContain('#N/A');
    const log = await listSyncLog(store, { connectionId: 'salesforce', limit: 1 });
    expect(log[0]).toMatchObject({ status: 'partial', succeeded: 121, failed: 1 });
  });

  it('a mapped field missing in Salesforce stops before any write, naming the field', async () => {
    sf.fields.delete('Vigil_Coverage__c');
    const r = await pushCrm(ctx, 'salesforce');
    expect(r.status).toBe('failed');
    expect(r.message).toMatch(/Salesforce Account: Vigil_Coverage__c does not exist; create the field/);
    expect(sf.calls('PATCH', `${sf.base}/composite/sobjects`)).toHaveLength(0);
  });

  it('a revoked token fails clearly; a per-record failure is reported while the rest is written', async () => {
    await saveConnection(
      ctx,
      {
        id: 'salesforce',
        kind: 'salesforce',
        settings: { instanceUrl: sf.url },
        secrets: { accessToken: 'expired' },
      },
      { source: 'api', actor: 'test' },
    );
    const r = await pushCrm(ctx, 'salesforce');
    expect(r.status).toBe('failed');
    expect(r.message).toMatch(/Salesforce rejected the access token \(INVALID_SESSION_ID\)/);
    await saveConnection(
      ctx,
      {
        id: 'salesforce',
        kind: 'salesforce',
        settings: { instanceUrl: sf.url },
        secrets: { accessToken: sf.token },
      },
      { source: 'api', actor: 'test' },
    );
    sf.deleted.add('001A0000007XyzaIAC');
    sf.records.set('001C0000000Abc1AAA', { Website: 'globex.io' });
    const p = await pushCrm(ctx, 'salesforce');
    expect(p.status).toBe('ok');
    expect(p.pushed).toBe(2);
    // the deleted Globex record is not found by SOQL any more; the live one with the domain is used
    expect(sf.records.get('001C0000000Abc1AAA')?.Vigil_Health_Score__c).toBe(88);
    await updateFixtureScores(store, [{ id: 'acme', score: 36, band: 'critical' }], AT);
    sf.deleted.add('001A0000006Vm9rIAC');
    const q = await pushCrm(ctx, 'salesforce');
    expect(q.status).toBe('partial');
    expect(q.failed).toEqual([
      { accountId: 'acme', crmId: '001A0000006Vm9rIAC', error: 'ENTITY_IS_DELETED: entity is deleted' },
    ]);
  });
});
