import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { toSalesforceId18 } from '../../core/integrations/crm-record-match.ts';
import type { Store } from '../../store/database.ts';
import { upsertAccounts, upsertUsers } from '../../store/queries/import-writes.ts';
import { toContract } from '../../store/queries/load-account-data.ts';
import { openTestStore, TEST_STORE_KINDS } from '../../store/test-stores.ts';
import { contextForStore, type EngineContext, fixedClock } from '../context.ts';
import { configureIntegrations, saveConnection } from './connections.ts';
import { readCrm } from './read-crm.ts';
import { SalesforceTestServer } from './test-servers/salesforce-test-server.ts';

const KEY = Buffer.alloc(32, 7).toString('base64');
const AT = '2026-06-30T12:00:00.000Z';
const id = (s15: string) => toSalesforceId18(s15) as string;
const ACME = id('001A0000006Vm9r');
const GLOBEX = id('001A0000007Xyza');
const GONE = id('001A0000008Gone');
const U_ALICE = id('005A00000001Ali');
const U_CAROL = id('005A00000001Car');
// Salesforce answers SystemModstamp as "2026-06-01T08:00:00.000+0000"
const stamp = (day: string, time = '08:00:00') => `2026-06-${day}T${time}.000+0000`;

describe.each(TEST_STORE_KINDS)('Salesforce CRM read through jsforce (%s)', (kind) => {
  let store: Store;
  let ctx: EngineContext;
  let sf: SalesforceTestServer;
  const sleep = async () => {};
  const queries = () =>
    sf.requests
      .filter((r) => r.method === 'GET' && r.path === `${sf.base}/query`)
      .map((r) => r.query.get('q') ?? '');
  const contacts = async () =>
    (
      await store.db
        .selectFrom('contacts')
        .select(['id', 'account_id', 'role', 'title'])
        .orderBy('id')
        .execute()
    ).map((c) => `${c.id}@${c.account_id}:${c.role}:${c.title}`);

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
    sf.clearFaults();
    for (const m of [sf.records, sf.users, sf.contacts, sf.opportunities]) m.clear();
    sf.deleted.clear();
    sf.pageSize = 2;
    sf.users.set(U_ALICE, { Email: 'alice@vigil.test', Name: 'Alice A', SystemModstamp: stamp('01') });
    sf.users.set(U_CAROL, { Email: 'carol@elsewhere.example', Name: 'Carol C', SystemModstamp: stamp('01') });
    sf.records.set(ACME, {
      Name: 'Acme',
      Website: 'https://acme.com',
      OwnerId: U_ALICE,
      SystemModstamp: stamp('01'),
    });
    sf.records.set(GLOBEX, {
      Name: 'Globex',
      Website: 'globex.io',
      OwnerId: U_CAROL,
      SystemModstamp: stamp('02'),
    });
    sf.records.set(GONE, {
      Name: 'Gone',
      Website: 'gone.example',
      OwnerId: U_ALICE,
      SystemModstamp: stamp('02'),
    });
    sf.deleted.add(GONE);
    const contact = (accountId: string, name: string, title: string, day: string) => ({
      AccountId: accountId,
      Email: `${name}@x.example`,
      Name: name,
      Title: title,
      SystemModstamp: stamp(day),
    });
    sf.contacts.set(id('003A00000000C01'), contact(ACME, 'wile', 'VP Ops', '01'));
    sf.contacts.set(id('003A00000000C02'), contact(GLOBEX, 'hank', 'CEO', '02'));
    sf.contacts.set(id('003A00000000C03'), contact(GONE, 'ghost', 'CTO', '02'));
    const opp = (
      accountId: string,
      amount: number,
      close: string,
      won: boolean,
      closed: boolean,
      type: string,
      day: string,
    ) => ({
      AccountId: accountId,
      Name: `${type} ${close}`,
      Amount: amount,
      CloseDate: close,
      IsWon: won,
      IsClosed: closed,
      Type: type,
      SystemModstamp: stamp(day),
    });
    sf.opportunities.set(
      id('006A00000000O01'),
      opp(ACME, 60000, '2024-09-01', true, true, 'New Business', '01'),
    );
    sf.opportunities.set(id('006A00000000O02'), opp(ACME, 66000, '2025-09-01', true, true, 'Renewal', '02'));
    sf.opportunities.set(
      id('006A00000000O03'),
      opp(ACME, 70000, '2026-09-01', false, false, 'Renewal', '03'),
    );
    await upsertUsers(store.db, [{ id: 'alice', email: 'alice@vigil.test', role: 'csm' }], AT);
    await upsertAccounts(
      store.db,
      [
        // a 15-character id in the trait matches the 18-character record id
        {
          id: 'acme',
          name: 'Acme',
          segment: 'smb',
          owner: null,
          traits: { salesforceId: '001A0000006Vm9r' },
        },
        { id: 'globex', name: 'Globex', segment: 'smb', owner: null, traits: { domain: 'globex.io' } },
      ],
      AT,
    );
    await saveConnection(
      ctx,
      {
        id: 'sf',
        kind: 'salesforce',
        settings: { instanceUrl: sf.url, read: { termMonths: 12 } },
        secrets: { accessToken: sf.token },
      },
      { source: 'api', actor: 'test' },
    );
  });
  afterEach(async () => {
    await store.close();
  });

  it('reads Users, Accounts, Contacts and Opportunities by SOQL, following nextRecordsUrl', async () => {
    const r = await readCrm(ctx, 'sf', { sleep });
    expect(r.status, r.message).toBe('ok');
    const accounts = await store.db.selectFrom('accounts').select(['id', 'owner']).orderBy('id').execute();
    expect(accounts).toEqual([
      { id: 'acme', owner: 'alice' },
      { id: 'globex', owner: null },
    ]);
    expect(r.unknownOwners.map((u) => [u.email, u.records])).toEqual([['carol@elsewhere.example', [GLOBEX]]]);
    expect(await contacts()).toEqual([
      `sf:${id('003A00000000C01')}@acme:user:VP Ops`,
      `sf:${id('003A00000000C02')}@globex:user:CEO`,
    ]);
    const ks = (await store.db.selectFrom('contracts').selectAll().orderBy('start_date').execute()).map(
      toContract,
    );
    // two won terms of 12 months; the second ends the day before the open renewal's close date
    expect(ks.map((k) => [k.start, k.end, k.arr])).toEqual([
      ['2024-09-01', '2025-08-31', 60000],
      ['2025-09-01', '2026-08-31', 66000],
    ]);
    expect(r.unmatched.map((u) => u.object)).toEqual(['contacts']);
    // three Opportunities at 2 a page: one query and one queryMore
    expect(
      sf.requests.filter((q) => q.path.startsWith(`${sf.base}/query/01gTEST`)).length,
    ).toBeGreaterThanOrEqual(1);
    expect(queries().some((q) => q.startsWith('SELECT Id, AccountId, Name, Amount, CloseDate'))).toBe(true);
  });

  it('a 429 mid-read (REQUEST_LIMIT_EXCEEDED) is waited out and the read completes', async () => {
    let n = 0;
    sf.failNext((q) => q.path.startsWith(`${sf.base}/query`) && ++n === 3, {
      status: 429,
      headers: { 'Retry-After': '1' },
      body: [{ errorCode: 'REQUEST_LIMIT_EXCEEDED', message: 'ConcurrentPerOrgLongTxn Limit exceeded.' }],
    });
    const r = await readCrm(ctx, 'sf', { sleep });
    expect(r.status, r.message).toBe('ok');
    expect(r.objects.deals.applied).toBe(3);
    expect((await contacts()).length).toBe(2);
    // the refused request was sent again (jsforce retries 429 itself, 0.5 s later)
    const qs = sf.requests.filter((q) => q.path.startsWith(`${sf.base}/query`));
    expect(qs[2]?.query.get('q')).toContain('FROM Contact');
    expect(qs[3]?.query.get('q')).toBe(qs[2]?.query.get('q'));
  });

  it('incremental on SystemModstamp; a failed queryMore resumes from the committed cursor', async () => {
    await readCrm(ctx, 'sf', { sleep });
    sf.requests.length = 0;
    sf.opportunities.set(id('006A00000000O03'), {
      ...(sf.opportunities.get(id('006A00000000O03')) as Record<string, unknown>),
      CloseDate: '2026-10-01',
      SystemModstamp: stamp('20'),
    });
    for (let i = 4; i < 9; i++)
      sf.contacts.set(id(`003A00000000C0${i}`), {
        AccountId: GLOBEX,
        Name: `p${i}`,
        Title: 'Analyst',
        SystemModstamp: stamp('2' + i),
      });
    // contacts come 2 a page: [C02 C03] [C04 C05] [C06 C07] [C08]; the third page fails: its query
    // locator expired (a 5xx would be retried by jsforce itself, 5 times with backoff)
    sf.failNext((q) => q.path.startsWith(`${sf.base}/query/01gTEST`) && q.path.endsWith('-4'), {
      status: 400,
      body: [{ errorCode: 'INVALID_QUERY_LOCATOR', message: 'invalid query locator' }],
    });
    const first = await readCrm(ctx, 'sf', { sleep });
    expect(first.status).toBe('failed');
    expect(first.message).toContain('INVALID_QUERY_LOCATOR');
    expect(queries().find((q) => q.includes('FROM Contact'))).toContain(
      'WHERE SystemModstamp >= 2026-06-02T08:00:00Z',
    );
    expect(first.objects.contacts.applied).toBe(2);
    sf.requests.length = 0;
    const second = await readCrm(ctx, 'sf', { sleep });
    expect(second.status, second.message).toBe('ok');
    // from the last committed page's instant (C05), not from the start
    expect(queries().find((q) => q.includes('FROM Contact'))).toContain(
      'WHERE SystemModstamp >= 2026-06-25T08:00:00Z',
    );
    expect(first.objects.contacts.applied + second.objects.contacts.applied).toBe(5);
    expect((await contacts()).length).toBe(7);
    expect(second.objects.deals.applied).toBe(1);
    const ks = (await store.db.selectFrom('contracts').selectAll().orderBy('start_date').execute()).map(
      toContract,
    );
    expect(ks.map((k) => k.end)).toEqual(['2025-08-31', '2026-09-30']);
  });
});
