import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMapping } from '../../core/import/mapping.ts';
import type { Store } from '../../store/database.ts';
import { openTestStore, TEST_STORE_KINDS } from '../../store/test-stores.ts';
import { contextForStore, type EngineContext, fixedClock } from '../context.ts';
import { importFiles } from './import-files.ts';

function folder(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-mapping-'));
  for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), body);
  return dir;
}

const reconciles = (f: {
  rows: number;
  accepted: number;
  updated: number;
  duplicates: number;
  rejected: number;
  ignored: number;
}) => f.accepted + f.updated + f.duplicates + f.rejected + f.ignored === f.rows;

describe.each(TEST_STORE_KINDS)('mapped exports on %s', (kind) => {
  let store: Store;
  let ctx: EngineContext;
  beforeAll(async () => {
    store = await openTestStore(kind);
    ctx = contextForStore(store, { clock: fixedClock('2025-06-01T00:00:00Z') });
    await importFiles(ctx, {
      paths: [folder({ 'accounts.csv': 'id,name\nC001,Café Müller\nC002,Beta\nC 003,Gamma\n' })],
    });
  });
  afterAll(async () => {
    await store?.close();
  });

  it('a space-padded purchase log with YYYYMMDD dates and no row id loads, and re-imports idempotently', async () => {
    const log = [
      'CUSTOMER  DATE       AMOUNT  SKU',
      'C001      20240105    120.50 PRO-1',
      'C002      20240229     99.00 BASIC',
      'C001      20240105    120.50 PRO-1',
      'C002      20240301           BASIC',
      '',
    ].join('\n');
    const mapping = parseMapping(`
files:
  - match: "purchases*.txt"
    kind: events
    dateFormat: YYYYMMDD
    columns:
      id: { hash: row }
      account_id: CUSTOMER
      time: DATE
      type: { constant: invoice_paid }
      properties.invoiceId: { hash: row }
      properties.amount: { column: AMOUNT, type: number }
      properties.sku: SKU
`);
    const dir = folder({ 'purchases-2024.txt': log });
    const r = await importFiles(ctx, { paths: [dir], mapping });
    const f = r.files[0]!;
    expect(f).toMatchObject({ rows: 4, accepted: 4, rejected: 0 });
    const rows = await store.db
      .selectFrom('events')
      .select(['account_id', 'time', 'properties'])
      .where('type', '=', 'invoice_paid')
      .orderBy('time')
      .execute();
    expect(rows.map((e) => [e.account_id, e.time.slice(0, 10), JSON.parse(e.properties).amount])).toEqual([
      ['C001', '2024-01-05', 120.5],
      ['C001', '2024-01-05', 120.5], // a repeated purchase is a second purchase, with its own stable id
      ['C002', '2024-02-29', 99],
      ['C002', '2024-03-01', undefined], // a blank fixed-width cell
    ]);
    // the same rows in a new file (another name, same content plus a line) add only the new line
    const again = await importFiles(ctx, {
      paths: [folder({ 'purchases-2024b.txt': `${log}C002      20240302      5.00 ADDON\n` })],
      mapping,
    });
    expect(again.files[0]).toMatchObject({ rows: 5, accepted: 1, duplicates: 4, rejected: 0 });
  });

  it('latin-1: decoded when declared, a reject naming the line otherwise', async () => {
    const bytes = Buffer.from('id,account_id,type,time,properties.text\n', 'latin1');
    const body = Buffer.concat([
      bytes,
      Buffer.from('n1,C001,csm_note,2025-01-02T00:00:00Z,Caf\xe9 M\xfcller is happy\n', 'latin1'),
    ]);
    const entryYaml = (enc: string) => `
files:
  - match: "notes*.csv"
    kind: events
    ${enc}
    columns:
      properties.text: properties.text
`;
    const bad = await importFiles(ctx, {
      paths: [folder({ 'notes-a.csv': body })],
      mapping: parseMapping(entryYaml('')),
    });
    expect(bad.files[0]).toMatchObject({ rows: 1, accepted: 0, rejected: 1 });
    expect(bad.files[0]!.rejects[0]).toMatchObject({ line: 2, field: 'properties.text' });
    expect(bad.files[0]!.rejects[0]!.reason).toMatch(/invalid UTF-8.*encoding: latin1/);
    const good = await importFiles(ctx, {
      paths: [folder({ 'notes-b.csv': body })],
      mapping: parseMapping(entryYaml('encoding: latin1')),
    });
    expect(good.files[0]).toMatchObject({ accepted: 1, rejected: 0 });
    const note = await store.db
      .selectFrom('events')
      .select('properties')
      .where('id', '=', 'n1')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(note.properties).text).toBe('Café Müller is happy');
  });

  it('timestamps without a zone are read in the mapping zone, whatever the machine TZ', async () => {
    const mapping = parseMapping(`
timeZone: America/Los_Angeles
files:
  - match: "logins*.csv"
    kind: usage
    columns: { type: { constant: login } }
`);
    const before = process.env.TZ;
    const days: string[][] = [];
    try {
      for (const [i, tz] of ['UTC', 'Asia/Tokyo'].entries()) {
        process.env.TZ = tz;
        const acct = `tz${i}`;
        await importFiles(ctx, {
          paths: [folder({ [`accounts-${acct}.csv`]: `id,name\n${acct},TZ ${i}\n` })],
        });
        await importFiles(ctx, {
          paths: [
            folder({
              [`logins-${i}.csv`]: `id,account_id,time\nl${i}a,${acct},2025-01-01 20:00:00\nl${i}b,${acct},2025-01-02 07:00:00\n`,
            }),
          ],
          mapping,
        });
        const rows = await store.db
          .selectFrom('usage_daily')
          .select(['day', 'logins'])
          .where('account_id', '=', acct)
          .orderBy('day')
          .execute();
        days.push(rows.map((r) => `${r.day}:${r.logins}`));
      }
    } finally {
      if (before === undefined) delete process.env.TZ;
      else process.env.TZ = before;
    }
    // 20:00 PST on Jan 1 is 04:00 UTC Jan 2; 07:00 PST Jan 2 is 15:00 UTC Jan 2
    expect(days).toEqual([['2025-01-02:2'], ['2025-01-02:2']]);
  });

  it('reports a glob that matches nothing and a file nothing matches', async () => {
    const mapping = parseMapping(`
files:
  - { match: "customers*.csv", kind: accounts }
  - { match: "nothing-like-this*.csv", kind: contacts }
`);
    const r = await importFiles(ctx, {
      paths: [folder({ 'customers.csv': 'id,name\nC001,Café Müller\n', 'stray.csv': 'x\n1\n' })],
      mapping,
    });
    expect(r.warnings).toEqual([
      expect.stringMatching(/stray.csv: no files entry of the mapping matches this file/),
      expect.stringMatching(/mapping entry "nothing-like-this\*.csv" .* matched no file/),
    ]);
  });

  it('a lookup against the database; a miss is a reject that names the key', async () => {
    await importFiles(ctx, {
      paths: [folder({ 'contracts.csv': 'id,account_id,start,end,arr\nK1,C001,2024-01-01,,1200\n' })],
    });
    const mapping = parseMapping(`
files:
  - match: "seats*.csv"
    kind: events
    columns:
      id: row_id
      account_id: { lookup: "db:contracts", by: contract }
      type: { constant: expansion_signal }
      time: { column: day, format: DD/MM/YYYY }
      properties.kind: { constant: seat_request }
`);
    const r = await importFiles(ctx, {
      paths: [folder({ 'seats.csv': 'row_id,contract,day\nq1,K1,31/01/2025\nq2,K9,01/02/2025\n' })],
      mapping,
    });
    const f = r.files[0]!;
    expect(f).toMatchObject({ rows: 2, accepted: 1, rejected: 1 });
    expect(f.rejects[0]).toMatchObject({
      line: 3,
      field: 'account_id',
      reason: 'no row with id "K9" in db:contracts (looked up by column contract)',
    });
    expect(reconciles(f)).toBe(true);
  });

  it('an open-ended contract is stored without an end, with its status history', async () => {
    const mapping = parseMapping(`
files:
  - match: "subs*.csv"
    kind: contracts
    columns: { billing_period: every, auto_renew: auto, status: state }
    values: { status: { live: active, cancelled: churned } }
`);
    const first = await importFiles(ctx, {
      paths: [
        folder({
          'subs-1.csv':
            'id,account_id,start,end,arr,every,auto,state\nS1,C002,2024-05-01,,600,monthly,yes,live\n',
        }),
      ],
      mapping,
    });
    expect(first.files[0]).toMatchObject({ accepted: 1 });
    const second = await importFiles(ctx, {
      paths: [
        folder({
          'subs-2.csv':
            'id,account_id,start,end,arr,every,auto,state\nS1,C002,2024-05-01,2025-03-31,600,monthly,no,cancelled\n',
        }),
      ],
      mapping,
    });
    expect(second.files[0]).toMatchObject({ updated: 1 });
    const history = await store.db
      .selectFrom('contract_status_history')
      .select(['status', 'effective_on'])
      .where('contract_id', '=', 'S1')
      .orderBy('id')
      .execute();
    expect(history).toEqual([
      { status: 'active', effective_on: '2024-05-01' },
      { status: 'churned', effective_on: '2025-03-31' },
    ]);
  });
});
