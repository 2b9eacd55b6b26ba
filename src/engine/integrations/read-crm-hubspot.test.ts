import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { contractRenewalDate } from '../../core/contracts/contract-terms.ts';
import type { Store } from '../../store/database.ts';
import { upsertAccounts, upsertUsers } from '../../store/queries/import-writes.ts';
import { listSyncLog } from '../../store/queries/integrations/sync-log.ts';
import { toContract } from '../../store/queries/load-account-data.ts';
import { openTestStore, TEST_STORE_KINDS } from '../../store/test-stores.ts';
import { contextForStore, type EngineContext, fixedClock } from '../context.ts';
import { configureIntegrations, listConnections, saveConnection } from './connections.ts';
import { readCrm } from './read-crm.ts';
import { runDueSyncs } from './run-due-syncs.ts';
import type { RecordedRequest } from './test-servers/http-test-server.ts';
import { HubspotTestServer, hubspot429 } from './test-servers/hubspot-test-server.ts';

const KEY = Buffer.alloc(32, 7).toString('base64');
const AT = '2026-06-30T12:00:00.000Z';
const T1 = '2026-06-01T08:00:00.000Z';
const T2 = '2026-06-02T09:30:00.000Z';
const T3 = '2026-06-20T10:00:00.000Z';

const searchOf = (o: string) => (r: RecordedRequest) =>
  r.method === 'POST' && r.path === `/crm/v3/objects/${o}/search`;
const gteOf = (r: RecordedRequest) =>
  (JSON.parse(r.body) as { filterGroups: { filters: { operator: string; value: string }[] }[] })
    .filterGroups[0]?.filters[0]?.value ?? null;

describe.each(TEST_STORE_KINDS)('HubSpot CRM read through @hubspot/api-client (%s)', (kind) => {
  let store: Store;
  let ctx: EngineContext;
  let hs: HubspotTestServer;
  const waits: number[] = [];
  const sleep = async (ms: number) => {
    waits.push(ms);
  };

  const contacts = async () =>
    (await store.db.selectFrom('contacts').selectAll().orderBy('id').execute()).map((c) => ({
      id: c.id,
      account: c.account_id,
      role: c.role,
      title: c.title,
      email: c.email,
    }));
  const contracts = async () =>
    (await store.db.selectFrom('contracts').selectAll().orderBy('id').execute()).map(toContract);
  const owners = async () =>
    Object.fromEntries(
      (await store.db.selectFrom('accounts').select(['id', 'owner']).orderBy('id').execute()).map((a) => [
        a.id,
        a.owner,
      ]),
    );

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
    waits.length = 0;
    hs.requests.length = 0;
    for (const m of [hs.companies, hs.contacts, hs.deals, hs.dealCompany]) m.clear();
    hs.deleted.clear();
    hs.owners.length = 0;
    hs.owners.push(
      { id: '501', email: 'Alice@Vigil.test', firstName: 'Alice', lastName: 'A' },
      { id: '502', email: 'bob@vigil.test', firstName: 'Bob', lastName: 'B' },
      { id: '503', email: 'carol@elsewhere.example', firstName: 'Carol', lastName: 'C' },
    );
    const co = (name: string, domain: string, owner: string, at: string) => ({
      name,
      domain,
      hubspot_owner_id: owner,
      hs_lastmodifieddate: at,
    });
    hs.companies.set('1001', co('Acme', 'acme.com', '501', T1));
    hs.companies.set('1002', co('Globex', 'www.globex.io', '503', T2));
    hs.companies.set('1005', co('Unknown Co', 'nowhere.example', '502', T2));
    hs.companies.set('1003', co('Gone', 'gone.example', '502', T1));
    hs.deleted.add('1003');
    const ct = (companyId: string, email: string, title: string, role: string, at: string) => ({
      email,
      firstname: email.split('@')[0] as string,
      lastname: 'X',
      jobtitle: title,
      hs_buying_role: role,
      associatedcompanyid: companyId,
      lastmodifieddate: at,
    });
    hs.contacts.set('2001', ct('1001', 'wile@acme.com', 'VP Operations', 'CHAMPION', T1));
    hs.contacts.set('2002', ct('1002', 'hank@globex.io', 'CEO', 'EXECUTIVE_SPONSOR;END_USER', T1));
    hs.contacts.set('2003', ct('1003', 'ghost@gone.example', 'CTO', 'CHAMPION', T2));
    hs.contacts.set('2004', ct('', 'loner@example.com', 'Analyst', '', T2));
    const deal = (name: string, amount: string, close: string, stage: string, type: string, at: string) => ({
      dealname: name,
      amount,
      closedate: `${close}T00:00:00Z`,
      dealstage: stage,
      dealtype: type,
      hs_lastmodifieddate: at,
    });
    hs.deals.set('3001', deal('Acme 2025', '24000', '2025-07-01', 'closedwon', 'newbusiness', T1));
    hs.deals.set(
      '3002',
      deal('Acme renewal', '26000', '2026-06-15', 'appointmentscheduled', 'existingbusiness', T2),
    );
    hs.deals.set('3003', deal('Globex upsell', '5000', '2026-05-01', 'closedlost', 'newbusiness', T2));
    hs.deals.set('3004', deal('Ghost', '100', '2026-05-01', 'closedwon', 'newbusiness', T2));
    hs.dealCompany.set('3001', '1001');
    hs.dealCompany.set('3002', '1001');
    hs.dealCompany.set('3003', '1002');
    hs.dealCompany.set('3004', '1003');
    await upsertUsers(
      store.db,
      [
        { id: 'alice', email: 'alice@vigil.test', role: 'csm' },
        { id: 'bob', email: 'bob@vigil.test', role: 'csm' },
      ],
      AT,
    );
    await upsertAccounts(
      store.db,
      [
        { id: 'acme', name: 'Acme', segment: 'smb', owner: 'bob', traits: { hubspotId: '1001' } },
        {
          id: 'globex',
          name: 'Globex',
          segment: 'smb',
          owner: 'bob',
          traits: { domain: 'https://globex.io/' },
        },
        { id: 'initech', name: 'Initech', segment: 'smb', owner: null, traits: { domain: 'initech.com' } },
      ],
      AT,
    );
    await saveConnection(
      ctx,
      { id: 'hubspot', kind: 'hubspot', settings: { baseUrl: hs.url }, secrets: { accessToken: hs.token } },
      { source: 'api', actor: 'test' },
    );
  });
  afterEach(async () => {
    await store.close();
  });

  it('reads owners, contacts and deals into accounts, contacts and contracts; reports unknown owners and unmatched records', async () => {
    const r = await readCrm(ctx, 'hubspot', { sleep });
    expect(r.status, r.message).toBe('ok');
    // owner 501 (alice@vigil.test, any case) → alice; 503 has no Vigil user: reported, globex keeps bob
    expect(await owners()).toEqual({ acme: 'alice', globex: 'bob', initech: null });
    expect(r.unknownOwners).toEqual([
      { ownerId: '503', email: 'carol@elsewhere.example', name: 'Carol C', records: ['1002'] },
    ]);
    // globex was found by its unique domain: the record id is kept as its trait
    const globex = await store.db
      .selectFrom('accounts')
      .select('traits')
      .where('id', '=', 'globex')
      .executeTakeFirst();
    expect(JSON.parse(globex?.traits ?? '{}')).toMatchObject({ hubspotId: '1002' });
    expect(await contacts()).toEqual([
      {
        id: 'hubspot:2001',
        account: 'acme',
        role: 'champion',
        title: 'VP Operations',
        email: 'wile@acme.com',
      },
      {
        id: 'hubspot:2002',
        account: 'globex',
        role: 'executive_sponsor',
        title: 'CEO',
        email: 'hank@globex.io',
      },
    ]);
    // the won deal: 12 months from its close date, cut the day before the open renewal's close date
    const [k] = await contracts();
    expect(k).toMatchObject({
      id: 'hubspot:3001',
      accountId: 'acme',
      start: '2025-07-01',
      end: '2026-06-14',
      arr: 24000,
      currency: 'USD',
    });
    expect(await contracts()).toHaveLength(1);
    expect(contractRenewalDate(k as never, '2026-01-10')).toBe('2026-06-15');
    expect(r.unmatched.map((u) => `${u.object}:${u.crmId}`).sort()).toEqual([
      'companies:1005',
      'contacts:2003',
      'contacts:2004',
      'deals:3004',
    ]);
    // the deleted company 1003 is never returned by search
    expect(r.objects.companies).toMatchObject({ fetched: 3, applied: 2 });
    const [log] = await listSyncLog(store, { connectionId: 'hubspot', limit: 1 });
    expect(log).toMatchObject({ operation: 'read', status: 'ok', unmatched: 4 });
    expect(log?.message).toContain('carol@elsewhere.example');
    // every search is sorted ascending on the last-modified property; contacts use lastmodifieddate
    const cs = hs.requests.filter(searchOf('contacts'))[0] as RecordedRequest;
    expect(JSON.parse(cs.body).sorts).toEqual([{ propertyName: 'lastmodifieddate', direction: 'ASCENDING' }]);
  });

  it('incremental: the second read asks from the cursor and applies only what changed (a tie at the cursor instant included)', async () => {
    await readCrm(ctx, 'hubspot', { sleep });
    hs.requests.length = 0;
    const again = await readCrm(ctx, 'hubspot', { sleep });
    expect(
      again.objects.companies.applied + again.objects.contacts.applied + again.objects.deals.applied,
    ).toBe(0);
    expect(again.objects.companies.fetched).toBeGreaterThan(0); // records at the cursor instant come back, skipped
    expect(gteOf(hs.requests.filter(searchOf('companies'))[0] as RecordedRequest)).toBe(
      String(Date.parse(T2)),
    );

    hs.companies.set('1001', {
      ...(hs.companies.get('1001') as Record<string, string>),
      hubspot_owner_id: '502',
      hs_lastmodifieddate: T3,
    });
    // same instant as the cursor, new id: must not be lost
    hs.companies.set('1006', {
      name: 'Initech',
      domain: 'initech.com',
      hubspot_owner_id: '501',
      hs_lastmodifieddate: T2,
    });
    hs.contacts.set('2005', {
      email: 'new@acme.com',
      jobtitle: 'Admin',
      hs_buying_role: 'admin',
      associatedcompanyid: '1001',
      lastmodifieddate: T3,
    });
    const third = await readCrm(ctx, 'hubspot', { sleep });
    expect(third.status).toBe('ok');
    expect(third.objects.companies.applied).toBe(2);
    expect(third.objects.contacts.applied).toBe(1);
    expect(third.objects.deals.applied).toBe(0);
    expect(await owners()).toEqual({ acme: 'bob', globex: 'bob', initech: 'alice' });
    expect((await contacts()).map((c) => c.id)).toEqual(['hubspot:2001', 'hubspot:2002', 'hubspot:2005']);
  });

  it('resumes after a failure mid-read from the committed cursor: nothing lost, nothing applied twice', async () => {
    await saveConnection(
      ctx,
      { id: 'hubspot', kind: 'hubspot', settings: { baseUrl: hs.url, read: { pageSize: 1 } } },
      { source: 'api', actor: 'test' },
    );
    for (let i = 0; i < 5; i++)
      hs.contacts.set(`21${i}`, {
        email: `p${i}@acme.com`,
        associatedcompanyid: '1001',
        lastmodifieddate: `2026-06-0${3 + i}T00:00:00.000Z`,
      });
    // the third contacts page fails (HubSpot 500)
    hs.failNext((r) => searchOf('contacts')(r) && JSON.parse(r.body).after === '2', {
      status: 500,
      body: { status: 'error', message: 'internal error', category: 'INTERNAL_ERROR', correlationId: 'x' },
    });
    const first = await readCrm(ctx, 'hubspot', { sleep });
    expect(first.status).toBe('failed');
    expect(first.message).toContain('HubSpot answered 500');
    expect(first.objects.contacts.applied).toBe(2); // pages 1–2 (2001, 2002) committed; page 3 failed
    const stored = (await contacts()).length;
    hs.requests.length = 0;
    const second = await readCrm(ctx, 'hubspot', { sleep });
    expect(second.status, second.message).toBe('ok');
    // every matched contact exactly once over both runs (2 fixture + 5 new; 2003/2004 unmatched)
    expect(first.objects.contacts.applied + second.objects.contacts.applied).toBe(7);
    expect(await contacts()).toHaveLength(7);
    expect(stored).toBeGreaterThanOrEqual(1);
    // the second read started from the first one's committed cursor, not from the beginning
    expect(gteOf(hs.requests.filter(searchOf('contacts'))[0] as RecordedRequest)).toBe(
      String(Date.parse(first.cursors.contacts?.at as string)),
    );
  });

  it('waits out a 429 mid-read; a 429 storm stops as rate-limited and the next read resumes', async () => {
    hs.failNext(searchOf('deals'), hubspot429('2'));
    const r = await readCrm(ctx, 'hubspot', { sleep });
    expect(r.status).toBe('ok');
    expect(waits).toEqual([2000]);
    expect((await contracts()).map((k) => k.id)).toEqual(['hubspot:3001']);

    await store.db.deleteFrom('contacts').execute();
    hs.contacts.set('2001', { ...(hs.contacts.get('2001') as Record<string, string>), lastmodifieddate: T3 });
    hs.failNext(searchOf('contacts'), hubspot429('1'), 10);
    const storm = await readCrm(ctx, 'hubspot', { sleep });
    expect(storm.status).toBe('rate-limited');
    expect(storm.message).toMatch(/kept answering 429/);
    const [log] = await listSyncLog(store, { connectionId: 'hubspot', limit: 1 });
    expect(log?.status).toBe('rate-limited');
    hs.clearFaults();
    const after = await readCrm(ctx, 'hubspot', { sleep });
    expect(after.status).toBe('ok');
    expect((await contacts()).map((c) => c.id)).toEqual(['hubspot:2001']);
  });

  it('dry run reads and plans but writes nothing and moves no cursor; a field set to none is not read', async () => {
    const dry = await readCrm(ctx, 'hubspot', { dryRun: true, sleep });
    expect(dry.status).toBe('dry-run');
    expect(dry.planned.owners).toEqual([{ accountId: 'acme', owner: 'alice' }]);
    expect(dry.planned.contracts.map((k) => [k.id, k.end])).toEqual([['hubspot:3001', '2026-06-14']]);
    expect(await owners()).toEqual({ acme: 'bob', globex: 'bob', initech: null });
    expect(await contacts()).toEqual([]);
    const row = await store.db
      .selectFrom('connections')
      .select('cursor')
      .where('id', '=', 'hubspot')
      .executeTakeFirst();
    expect(row?.cursor ?? null).toBeNull();

    await saveConnection(
      ctx,
      {
        id: 'hubspot',
        kind: 'hubspot',
        settings: { baseUrl: hs.url, directions: { deals: 'none', owner: 'none' } },
      },
      { source: 'api', actor: 'test' },
    );
    hs.requests.length = 0;
    const r = await readCrm(ctx, 'hubspot', { sleep });
    expect(hs.requests.filter(searchOf('deals'))).toHaveLength(0);
    expect(hs.calls('GET', '/crm/v3/owners')).toHaveLength(0);
    expect(r.unknownOwners).toEqual([]);
    expect(await owners()).toEqual({ acme: 'bob', globex: 'bob', initech: null });
    expect(await contracts()).toEqual([]);
    expect((await contacts()).length).toBe(2);
    await expect(
      saveConnection(
        ctx,
        { id: 'hubspot', kind: 'hubspot', settings: { directions: { score: 'read' } } },
        { source: 'api', actor: 'test' },
      ),
    ).rejects.toThrow(/score is a Vigil value: write or none/);
  });

  it('scheduled reads: the worker reads a connection once its read interval has passed, never when it is unset', async () => {
    const at = (iso: string) => {
      const c = contextForStore(store, { clock: fixedClock(iso) });
      configureIntegrations(c, { secretKey: KEY });
      return c;
    };
    const reads = () => hs.requests.filter(searchOf('companies')).length;
    // no interval (the default): pushes may run, reads never do
    await runDueSyncs(at(AT));
    expect(reads()).toBe(0);
    expect(await owners()).toMatchObject({ acme: 'bob' });
    await saveConnection(
      ctx,
      {
        id: 'hubspot',
        kind: 'hubspot',
        settings: { baseUrl: hs.url, read: { intervalMinutes: 60 } },
        secrets: { accessToken: hs.token },
      },
      { source: 'api', actor: 'test' },
    );
    await runDueSyncs(at('2026-06-30T12:00:00.000Z'));
    expect(reads()).toBe(1);
    expect(await owners()).toMatchObject({ acme: 'alice' }); // the read ran and applied
    await runDueSyncs(at('2026-06-30T12:59:59.000Z'));
    expect(reads()).toBe(1); // not due yet
    await runDueSyncs(at('2026-06-30T13:00:00.000Z'));
    expect(reads()).toBe(2);
    // the second read is incremental: it asks from the first read's cursor
    expect(gteOf(hs.requests.filter(searchOf('companies')).at(-1) as RecordedRequest)).not.toBeNull();
    const [conn] = (await listConnections(ctx)).filter((c) => c.id === 'hubspot');
    expect(conn?.lastReadAt).toBe('2026-06-30T13:00:00.000Z');
  });

  it('a wrong token fails the read with HubSpot’s message and writes nothing', async () => {
    await saveConnection(
      ctx,
      { id: 'hubspot', kind: 'hubspot', settings: { baseUrl: hs.url }, secrets: { accessToken: 'wrong' } },
      { source: 'api', actor: 'test' },
    );
    const r = await readCrm(ctx, 'hubspot', { sleep });
    expect(r.status).toBe('failed');
    expect(r.message).toMatch(/HubSpot rejected the access token \(401 INVALID_AUTHENTICATION\)/);
    expect(await contacts()).toEqual([]);
  });
});
