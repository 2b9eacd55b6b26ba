import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMapping } from '../../core/import/mapping.ts';
import type { Store } from '../../store/database.ts';
import { openTestStore, TEST_STORE_KINDS } from '../../store/test-stores.ts';
import { contextForStore, type EngineContext, fixedClock } from '../context.ts';
import { importFiles } from './import-files.ts';

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-import-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const ACCOUNTS = `id,name,segment,industry,owner,parent_id,lifecycle_stage,created_at,trait:plan,trait:employees
a1,Acme,enterprise,manufacturing,csm1,,mature,2024-01-01,gold,1200
a2,"Beta, Inc.",smb,retail,csm2,,,2024-03-01,silver,40
a3,,smb,retail,csm2,,,2024-03-01,silver,12
`;
const CONTRACTS = `id,account_id,start,end,arr,currency,seats,plan,products,status,churned_at,churn_reason
k1,a1,2024-01-01,2024-12-31,120000,USD,100,enterprise,core;analytics,renewed,,
k2,a1,2025-01-01,2025-12-31,150000,USD,120,enterprise,core;analytics,active,,
k3,a2,2024-03-01,2025-02-28,12000,USD,10,team,core,churned,2025-02-28,budget
k4,zz,2024-03-01,2025-02-28,12000,USD,10,team,core,active,,
k5,a2,2025-03-01,2025-01-01,12000,USD,10,team,core,active,,
`;
const USAGE = `id,account_id,contact_id,type,time,key,count
u1,a1,c1,login,2025-01-02T10:00:00.000Z,,1
u2,a1,c1,feature_used,2025-01-02T10:05:00.000Z,reports,3
u3,a1,c2,integration_used,2025-01-02T11:00:00Z,salesforce,2
u4,a9,c1,login,2025-01-02T10:00:00.000Z,,1
u5,a2,,feature_used,2025-01-03T10:00:00.000Z,,1
u6,a2,,login,not-a-date,,1
u7,a2,c9,login,2025-01-03T08:00:00.000Z,,2,extra
`;
const EVENTS = `{"id":"e1","accountId":"a1","type":"nps_response","time":"2025-01-05T00:00:00Z","properties":{"score":9,"comment":"love it"}}
{"id":"e2","accountId":"a1","type":"nps_response","time":"2025-01-05T00:00:00Z","properties":{"score":11}}
{"id":"e3","accountId":"a2","type":"meeting","time":"2025-01-05T00:00:00Z","properties":{"kind":"qbr","status":"held"}}
not json
{"id":"e4","accountId":"a1","type":"login","time":"2025-01-06T09:00:00Z","properties":{"count":4}}
`;

describe.each(TEST_STORE_KINDS)('importFiles on %s', (kind) => {
  let store: Store;
  let ctx: EngineContext;
  beforeAll(async () => {
    store = await openTestStore(kind);
    ctx = contextForStore(store, { clock: fixedClock('2025-02-01T00:00:00Z') });
  });
  afterAll(async () => {
    await store?.close();
  });

  it('lands good rows, rejects bad ones with file, line, field and reason, and keeps them', async () => {
    const dir = folder({
      'accounts.csv': ACCOUNTS,
      'contracts.csv': CONTRACTS,
      'usage-2025-01.csv': USAGE,
      'events-2025-01.ndjson': EVENTS,
      'notes.txt': 'not an import file',
    });
    const r = await importFiles(ctx, { paths: [dir] });
    const byName: Record<string, (typeof r.files)[number]> = Object.fromEntries(
      r.files.map((f) => [f.path.split('/').pop(), f]),
    );
    expect(byName['accounts.csv']).toMatchObject({ rows: 3, accepted: 2, rejected: 1 });
    expect(byName['accounts.csv']!.rejects[0]).toMatchObject({
      line: 4,
      field: 'name',
      reason: 'is required',
    });
    expect(byName['contracts.csv']).toMatchObject({ rows: 5, accepted: 3, rejected: 2 });
    expect(byName['contracts.csv']!.rejects.map((x) => [x.line, x.field])).toEqual([
      [6, 'end'],
      [5, 'account_id'],
    ]);
    const usage = byName['usage-2025-01.csv']!;
    expect(usage).toMatchObject({ rows: 7, accepted: 3, rejected: 4 });
    expect(usage.rejects.map((x) => `${x.line} ${x.field}`)).toEqual([
      '5 account_id',
      '6 key',
      '7 time',
      '8 null',
    ]);
    expect(usage.rejects[3]!.reason).toBe('expected 7 columns, found 8');
    const events = byName['events-2025-01.ndjson']!;
    expect(events).toMatchObject({ rows: 5, accepted: 3, rejected: 2 });
    expect(events.rejects.map((x) => `${x.line} ${x.field}`)).toEqual(['2 properties.score', '4 null']);
    expect(r.rejected).toBe(9);

    const rejects = await store.db.selectFrom('rejects').selectAll().execute();
    expect(rejects).toHaveLength(9);
    expect(
      rejects.every((x) => x.raw.length > 0 && x.source.endsWith('.csv') !== x.source.endsWith('.ndjson')),
    ).toBe(true);

    const acc = await store.db
      .selectFrom('accounts')
      .selectAll()
      .where('id', '=', 'a2')
      .executeTakeFirstOrThrow();
    expect(acc.name).toBe('Beta, Inc.');
    expect(JSON.parse(acc.traits)).toEqual({ plan: 'silver', employees: 40 });
    const daily = await store.db
      .selectFrom('usage_daily')
      .selectAll()
      .orderBy('account_id')
      .orderBy('day')
      .execute();
    expect(
      daily.map((d) => [
        d.account_id,
        d.day,
        Number(d.logins),
        Number(d.events),
        Number(d.integration_events),
      ]),
    ).toEqual([
      ['a1', '2025-01-02', 1, 6, 2],
      ['a1', '2025-01-06', 4, 4, 0],
    ]);
    const features = await store.db.selectFrom('feature_monthly').selectAll().orderBy('feature').execute();
    expect(features.map((f) => [f.feature, f.month, Number(f.days), Number(f.count)])).toEqual([
      ['integration:salesforce', '2025-01', 0b10, 2],
      ['reports', '2025-01', 0b10, 3],
    ]);
    const users = await store.db.selectFrom('user_monthly').selectAll().orderBy('contact_id').execute();
    expect(users.map((u) => [u.contact_id, Number(u.days), Number(u.events)])).toEqual([
      ['c1', 0b10, 4],
      ['c2', 0b10, 2],
    ]);
    const dirty = await store.db
      .selectFrom('dirty_accounts')
      .select('account_id')
      .orderBy('account_id')
      .execute();
    expect(dirty.map((d) => d.account_id)).toEqual(['a1', 'a2']);

    // the same files again: nothing changes
    const again = await importFiles(ctx, { paths: [dir] });
    expect(again.accepted).toBe(0);
    expect(again.rejected).toBe(0);
    expect(again.files.filter((f) => f.status === 'unchanged')).toHaveLength(4);
    const daily2 = await store.db.selectFrom('usage_daily').select(['events']).execute();
    expect(daily2.map((d) => Number(d.events)).sort()).toEqual([4, 6]);
    expect(await store.db.selectFrom('rejects').select('id').execute()).toHaveLength(9);
  });

  it('re-importing edited entity files reports unchanged rows as duplicates and applies only changes', async () => {
    const dir = folder({
      'accounts.csv': `${ACCOUNTS}a4,Delta,mid-market,tech,csm1,,,2024-05-01,gold,300\n`.replace(
        'Acme',
        'Acme Corp',
      ),
    });
    const r = await importFiles(ctx, { paths: [dir] });
    expect(r.files[0]).toMatchObject({ accepted: 1, updated: 1, duplicates: 1, rejected: 1 });
    const a1 = await store.db
      .selectFrom('accounts')
      .select('name')
      .where('id', '=', 'a1')
      .executeTakeFirstOrThrow();
    expect(a1.name).toBe('Acme Corp');
  });

  it('events re-sent under the same id change nothing, also in a new file', async () => {
    const dir = folder({ 'events-resend.ndjson': EVENTS.split('\n').slice(0, 3).join('\n') });
    const r = await importFiles(ctx, { paths: [dir] });
    expect(r.files[0]).toMatchObject({ accepted: 0, duplicates: 2, rejected: 1 });
  });

  it('loads a foreign export through a mapping: renames, value maps, date format, taxonomy', async () => {
    const mapping = parseMapping(`
name: crm export
files:
  - match: "customers*.csv"
    kind: accounts
    columns: { id: CustomerID, name: Company, segment: Tier, owner: CSM }
    values: { segment: { SMB: smb, MM: mid-market, ENT: enterprise } }
    traits: [Plan, Churned]
  - match: "subs*.csv"
    kind: contracts
    columns: { id: SubID, account_id: CustomerID, start: Start, end: End, arr: MRR }
    revenueIsMonthly: true
    dateFormat: MM/DD/YYYY
    decimal: "."
  - match: "track*.csv"
    kind: usage
    columns: { id: event_id, account_id: org, contact_id: user, time: ts }
    eventNameColumn: event
    dateFormat: epoch-s
    taxonomy:
      "Signed In": login
      "Report Built": { type: feature_used, key: reports }
      "API Call": { type: integration_used, key: api }
    ignore: ["Page Viewed"]
`);
    const dir = folder({
      'customers.csv':
        'CustomerID,Company,Tier,CSM,Plan,Churned\nm1,Mapped One,MM,csm1,Pro,No\nm2,Mapped Two,XL,csm2,Basic,Yes\n',
      'subs.csv':
        'SubID,CustomerID,Start,End,MRR\ns1,m1,01/15/2025,01/14/2026,"1,000"\ns2,m1,13/01/2025,01/14/2026,10\n',
      'track.csv':
        'event_id,org,user,ts,event\nt1,m1,p1,1736935200,Signed In\nt2,m1,p1,1736935260,Report Built\nt3,m1,p2,1736935300,API Call\nt4,m1,p1,1736935400,Page Viewed\nt5,m1,p1,1736935500,Mystery\n',
    });
    const r = await importFiles(ctx, { paths: [dir], mapping });
    const [customers, subs, track] = [
      r.files.find((f) => f.kind === 'accounts')!,
      r.files.find((f) => f.kind === 'contracts')!,
      r.files.find((f) => f.kind === 'usage')!,
    ];
    expect(customers).toMatchObject({ accepted: 2, rejected: 0 });
    const m1 = await store.db
      .selectFrom('accounts')
      .selectAll()
      .where('id', '=', 'm1')
      .executeTakeFirstOrThrow();
    expect(m1.segment).toBe('mid-market');
    expect(JSON.parse(m1.traits)).toEqual({ Plan: 'Pro', Churned: 'No' });
    const m2 = await store.db
      .selectFrom('accounts')
      .selectAll()
      .where('id', '=', 'm2')
      .executeTakeFirstOrThrow();
    expect(m2.segment).toBe('XL'); // unmapped values pass through
    expect(subs).toMatchObject({ accepted: 1, rejected: 1 });
    expect(subs.rejects[0]).toMatchObject({ line: 3, field: 'start' });
    const s1 = await store.db
      .selectFrom('contracts')
      .selectAll()
      .where('id', '=', 's1')
      .executeTakeFirstOrThrow();
    expect([s1.start_date, s1.end_date, Number(s1.arr)]).toEqual(['2025-01-15', '2026-01-14', 12000]);
    expect(track).toMatchObject({ rows: 5, accepted: 3, ignored: 1, rejected: 1 });
    expect(track.rejects[0]!.reason).toContain('"Mystery" is not in the mapping');
    const f = await store.db
      .selectFrom('feature_monthly')
      .selectAll()
      .where('account_id', '=', 'm1')
      .orderBy('feature')
      .execute();
    expect(f.map((x) => [x.feature, x.month, Number(x.days)])).toEqual([
      ['integration:api', '2025-01', 1 << 14],
      ['reports', '2025-01', 1 << 14],
    ]);
  });

  it('fails a file with a missing required column up front, naming it, and leaves nothing behind', async () => {
    // `end` may be absent (open-ended subscriptions); `arr` may not
    const dir = folder({ 'contracts-bad.csv': 'id,account_id,start,end\nq1,a1,2025-01-01,2025-12-31\n' });
    await expect(importFiles(ctx, { paths: [dir] })).rejects.toThrow(
      /contracts-bad.csv:1: missing column "arr"/,
    );
    expect(await store.db.selectFrom('contracts').select('id').where('id', '=', 'q1').execute()).toHaveLength(
      0,
    );
    expect(
      await store.db.selectFrom('imports').select('id').where('path', 'like', '%contracts-bad.csv').execute(),
    ).toHaveLength(0);
  });
});

describe('parseMapping', () => {
  it('names the line and field of a mistake', () => {
    expect(() => parseMapping('files:\n  - match: "a*.csv"\n    kind: acounts\n', 'm.yaml')).toThrow(
      /m.yaml:3 files.0.kind/,
    );
    expect(() => parseMapping('files:\n  - match: x\n    kind: usage\n    colums: {}\n', 'm.yaml')).toThrow(
      /m.yaml:4 files.0.colums: unknown key "colums"; did you mean "columns"\?/,
    );
    expect(() => parseMapping('files: [\n', 'm.yaml')).toThrow(/m.yaml:\d/);
  });
});
