import { execFileSync } from 'node:child_process';
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../store/database.ts';
import { openTestStore, TEST_STORE_KINDS } from '../../store/test-stores.ts';
import { contextForStore, type EngineContext, fixedClock } from '../context.ts';
import { ingestEvents } from '../ingest/ingest-events.ts';
import { importFiles } from './import-files.ts';

// issue 20 items 7 and 12 and the file-reading minors: each a regression test.
const HEADER = 'id,account_id,contact_id,type,time,key,count';
const login = (id: string, acc = 'a1', day = '01') => `${id},${acc},,login,2025-01-${day}T10:00:00.000Z,,1`;

describe.each(TEST_STORE_KINDS)('file and row edge cases on %s', (kind) => {
  let store: Store;
  let ctx: EngineContext;
  const dir = () => mkdtempSync(join(tmpdir(), 'vigil-edge-'));
  const put = (d: string, name: string, text: string | Buffer) => {
    writeFileSync(join(d, name), text);
    return join(d, name);
  };
  const logins = async () =>
    Number(
      (
        await store.db
          .selectFrom('usage_daily')
          .select(sql<number>`coalesce(sum(logins), 0)`.as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  beforeAll(async () => {
    store = await openTestStore(kind);
    ctx = contextForStore(store, { clock: fixedClock('2026-01-01T00:00:00Z') });
    await importFiles(ctx, { paths: [put(dir(), 'accounts.csv', 'id,name,owner\na1,A,csm1\na2,B,csm1\n')] });
  });
  afterAll(async () => {
    await store?.close();
  });

  it('item 12: one unbalanced quote in a 49-row file is one reject on its line; the other 48 rows land', async () => {
    const before = await logins();
    const rows = Array.from({ length: 49 }, (_, i) => login(`uq${i}`));
    rows[9] = `uq9,a1,,"login,2025-01-01T10:00:00.000Z,,1`;
    const r = await importFiles(ctx, {
      paths: [put(dir(), 'usage-quote.csv', `${HEADER}\n${rows.join('\n')}\n`)],
    });
    expect(r.files[0]).toMatchObject({ rows: 49, accepted: 48, rejected: 1 });
    expect(r.files[0]!.rejects[0]).toMatchObject({ line: 11, reason: expect.stringMatching(/unbalanced/) });
    expect((await logins()) - before).toBe(48);
  });

  it('line numbers stay right after blank lines', async () => {
    const text = `${HEADER}\n\n${login('ub1')}\n\n\n${login('ub2', 'nope')}\n`;
    const r = await importFiles(ctx, { paths: [put(dir(), 'usage-blank.csv', text)] });
    expect(r.files[0]!.rejects.map((x) => [x.line, x.field])).toEqual([[6, 'account_id']]);
  });

  it('a header naming a column twice is refused with its line and column, and nothing lands', async () => {
    const p = put(dir(), 'usage-dup.csv', `id,account_id,type,time,account_id\n${login('ud1')}\n`);
    await expect(importFiles(ctx, { paths: [p] })).rejects.toThrow(
      /usage-dup.csv:1: column "account_id" appears twice/,
    );
    expect(await store.db.selectFrom('seen_events').select('id').where('id', '=', 'ud1').execute()).toEqual(
      [],
    );
  });

  it('an NDJSON file starting with a byte-order mark keeps its first line', async () => {
    const line = (id: string) =>
      JSON.stringify({
        id,
        accountId: 'a1',
        type: 'nps_response',
        time: '2025-01-05T00:00:00Z',
        properties: { score: 9 },
      });
    const r = await importFiles(ctx, {
      paths: [put(dir(), 'events-bom.ndjson', `\uFEFF${line('eb1')}\n${line('eb2')}\n`)],
    });
    expect(r.files[0]).toMatchObject({ rows: 2, accepted: 2, rejected: 0 });
  });

  it('empty, header-only, dangling-symlink and FIFO files do not stop (or hang) a folder import', async () => {
    const d = dir();
    put(d, 'usage-0-empty.csv', '');
    put(d, 'usage-1-header.csv', `${HEADER}\n`);
    symlinkSync(join(d, 'gone.csv'), join(d, 'usage-2-dangling.csv'));
    execFileSync('mkfifo', [join(d, 'usage-3-fifo.csv')]);
    put(d, 'usage-4-good.csv', `${HEADER}\n${login('uf1')}\n`);
    const r = await importFiles(ctx, { paths: [d] });
    const by = Object.fromEntries(r.files.map((f) => [f.path.split('/').pop(), f]));
    expect(by['usage-0-empty.csv']).toMatchObject({
      status: 'skipped',
      note: expect.stringMatching(/empty/),
    });
    expect(by['usage-1-header.csv']).toMatchObject({ status: 'imported', rows: 0 });
    expect(by['usage-2-dangling.csv']).toMatchObject({
      status: 'skipped',
      note: expect.stringMatching(/dangling/),
    });
    expect(by['usage-3-fifo.csv']).toMatchObject({ status: 'skipped', note: expect.stringMatching(/FIFO/) });
    expect(by['usage-4-good.csv']).toMatchObject({ status: 'imported', accepted: 1 });
    // a device named on the command line is skipped too, not read forever
    const dev = await importFiles(ctx, { paths: ['/dev/zero'] });
    expect(dev.files[0]).toMatchObject({ status: 'skipped', note: expect.stringMatching(/device/) });
  }, 30_000);

  it('a file refused whole does not stop the rest of the folder', async () => {
    const d = dir();
    put(d, 'usage-a-dup.csv', `id,id,account_id,type,time\n`);
    put(d, 'usage-b-good.csv', `${HEADER}\n${login('ur1')}\n`);
    await expect(importFiles(ctx, { paths: [d] })).rejects.toThrow(
      /appears twice.*the other 1 file\(s\) were imported/,
    );
    expect(
      await store.db.selectFrom('seen_events').select('id').where('id', '=', 'ur1').execute(),
    ).toHaveLength(1);
  });

  it('a rejected row cut to 20,000 characters says so', async () => {
    const long = `ul1,a1,,login,${'9'.repeat(50_000)},,1`;
    const r = await importFiles(ctx, { paths: [put(dir(), 'usage-long.csv', `${HEADER}\n${long}\n`)] });
    const importId = r.files[0]!.importId!;
    const row = await store.db
      .selectFrom('rejects')
      .select('raw')
      .where('import_id', '=', importId)
      .executeTakeFirstOrThrow();
    expect(row.raw.length).toBeLessThan(20_200);
    expect(row.raw).toMatch(/\[cut: \d{2},\d{3} characters, the first 20,000 kept\]$/);
  });

  it('ids with spaces around them are refused, never trimmed into an existing account', async () => {
    const r = await importFiles(ctx, {
      paths: [put(dir(), 'accounts-pad.csv', 'id,name,owner\n a1,Imposter,csm9\na3 ,C,csm1\na4,D,csm1\n')],
    });
    expect(r.files[0]).toMatchObject({ accepted: 1, rejected: 2 });
    expect(r.files[0]!.rejects.map((x) => [x.line, x.field])).toEqual([
      [2, 'id'],
      [3, 'id'],
    ]);
    const a1 = await store.db
      .selectFrom('accounts')
      .select(['name', 'owner'])
      .where('id', '=', 'a1')
      .executeTakeFirstOrThrow();
    expect(a1).toEqual({ name: 'A', owner: 'csm1' });
    const u = await importFiles(ctx, {
      paths: [put(dir(), 'usage-pad.csv', `${HEADER}\nup1, a1,,login,2025-01-01T10:00:00.000Z,,1\n`)],
    });
    expect(u.files[0]!.rejects[0]).toMatchObject({
      line: 2,
      field: 'account_id',
      reason: expect.stringMatching(/spaces around/),
    });
  });

  it('item 7: a NUL in a CSV cell is one reject with its file and line; the rest of the file lands', async () => {
    const text = `${HEADER}\n${login('un1')}\nun2,a1,,feature_used,2025-01-01T10:00:00.000Z,rep\u0000orts,1\n${login('un3')}\n`;
    const r = await importFiles(ctx, { paths: [put(dir(), 'usage-nul.csv', text)] });
    expect(r.files[0]).toMatchObject({ accepted: 2, rejected: 1 });
    expect(r.files[0]!.rejects[0]).toMatchObject({
      source: expect.stringMatching(/usage-nul.csv$/),
      line: 3,
      field: 'key',
      reason: expect.stringMatching(/NUL/),
    });
    const ent = await importFiles(ctx, {
      paths: [put(dir(), 'accounts-nul.csv', 'id,name\na5,Fi\u0000ve\na6,Six\n')],
    });
    expect(ent.files[0]).toMatchObject({ accepted: 1, rejected: 1 });
    const nd = await importFiles(ctx, {
      paths: [
        put(
          dir(),
          'events-nul.ndjson',
          `${JSON.stringify({ id: 'en\u00001', accountId: 'a1', type: 'nps_response', time: '2025-01-05T00:00:00Z', properties: { score: 9 } })}\n`,
        ),
      ],
    });
    expect(nd.files[0]).toMatchObject({ accepted: 0, rejected: 1 });
  });

  it('item 7: a NUL in an API event id or key rejects that event only, not the batch', async () => {
    const base = { accountId: 'a1', time: '2025-01-03T10:00:00.000Z' };
    const r = await ingestEvents(ctx, [
      { ...base, id: 'api-ok', type: 'login' },
      { ...base, id: 'api\u0000bad', type: 'login' },
      { ...base, id: 'api-key', type: 'feature_used', key: 'rep\u0000orts' },
      { ...base, id: 'api-props', type: 'note', properties: { text: 'a\u0000b' } },
    ]);
    expect(r.accepted).toBe(1);
    expect(r.rejected.map((x) => [x.index, x.field])).toEqual([
      [1, 'id'],
      [2, 'key'],
      [3, 'properties.text'],
    ]);
    expect(
      await store.db.selectFrom('seen_events').select('id').where('id', '=', 'api-ok').execute(),
    ).toHaveLength(1);
  });
});
