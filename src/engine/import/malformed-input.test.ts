import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../store/database.ts';
import { openTestStore } from '../../store/test-stores.ts';
import { contextForStore, type EngineContext, fixedClock } from '../context.ts';
import { importFiles } from './import-files.ts';

// A corpus of broken files: each must be handled without a crash, its good
// rows landing and every bad row reported with its line and a reason.
const HEADER = 'id,account_id,contact_id,type,time,key,count';
let store: Store;
let ctx: EngineContext;
let n = 0;

function file(name: string, content: string | Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bad-'));
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

async function usage(content: string | Buffer) {
  const r = await importFiles(ctx, { paths: [file(`usage-${n++}.csv`, content)] });
  return r.files[0]!;
}

beforeAll(async () => {
  store = await openTestStore('sqlite');
  ctx = contextForStore(store, { clock: fixedClock('2026-01-01T00:00:00Z') });
  await importFiles(ctx, { paths: [file('accounts.csv', 'id,name\na1,A\na2,B\n')] });
});
afterAll(async () => {
  await store?.close();
});

describe('malformed usage CSV', () => {
  it('a BOM and CRLF line endings are fine', async () => {
    const r = await usage(`\uFEFF${HEADER}\r\nx1,a1,,login,2025-01-01T00:00:00.000Z,,1\r\n`);
    expect(r).toMatchObject({ accepted: 1, rejected: 0 });
  });

  it('broken quoting is reported on its line and the rest still lands', async () => {
    const r = await usage(
      `${HEADER}\nq1,a1,,login,2025-01-01T00:00:00.000Z,,1\nq2,a1,,"feature_used,2025-01-01T00:00:00.000Z,reports,1\nq3,a1,,login,2025-01-02T00:00:00.000Z,,1\n`,
    );
    expect(r.accepted).toBeGreaterThanOrEqual(1);
    expect(r.rejected).toBeGreaterThanOrEqual(1);
    expect(r.rejects[0]!.line).toBe(3);
  });

  it('a quoted cell with newlines keeps later line numbers true', async () => {
    const r = await usage(
      `${HEADER}\nm1,a1,,feature_used,2025-01-01T00:00:00.000Z,"multi\nline\nkey",1\nm2,a9,,login,2025-01-01T00:00:00.000Z,,1\n`,
    );
    expect(r.rejects).toHaveLength(1);
    expect(r.rejects[0]).toMatchObject({ line: 5, field: 'account_id' });
  });

  it('a huge field is one reject, not a crash', async () => {
    const r = await usage(
      `${HEADER}\nh1,a1,,login,${'9'.repeat(2_000_000)},,1\nh2,a1,,login,2025-01-01T00:00:00.000Z,,1\n`,
    );
    expect(r).toMatchObject({ accepted: 1, rejected: 1 });
    expect(r.rejects[0]).toMatchObject({ line: 2, field: 'time' });
  });

  it('invalid UTF-8 bytes do not crash the import', async () => {
    const bad = Buffer.concat([
      Buffer.from(`${HEADER}\nb1,a1,,feature_used,2025-01-01T00:00:00.000Z,caf`),
      Buffer.from([0xe9, 0xff]),
      Buffer.from(',1\n'),
    ]);
    const r = await usage(bad);
    expect(r.rows).toBe(1);
    expect(r.accepted + r.rejected).toBe(1);
  });

  it('wrong types, dates before 1970 and in the future are rejected with the field', async () => {
    const r = await usage(
      [
        HEADER,
        't1,a1,,login,1969-12-31T23:00:00.000Z,,1',
        't2,a1,,login,2030-01-01T00:00:00.000Z,,1',
        't3,a1,,login,2025-01-01T00:00:00.000Z,,many',
        't4,a1,,login,2025-01-01T00:00:00.000Z,,-2',
        't5,a1,,click,2025-01-01T00:00:00.000Z,,1',
        't6,a1,,login,2025-02-30,,1',
        ',a1,,login,2025-01-01T00:00:00.000Z,,1',
      ].join('\n'),
    );
    expect(r.accepted).toBe(0);
    expect(r.rejects.map((x) => `${x.line}:${x.field}`)).toEqual([
      '2:time',
      '3:time',
      '4:count',
      '5:count',
      '6:type',
      '7:time',
      '8:id',
    ]);
    expect(r.rejects[1]!.reason).toMatch(/in the future/);
  });

  it('an empty file and a header-only file are clear', async () => {
    // an empty file is skipped with a warning, so it never stops the rest of a folder
    expect(await usage('')).toMatchObject({
      status: 'skipped',
      rows: 0,
      note: expect.stringMatching(/empty/),
    });
    const r = await usage(`${HEADER}\n`);
    expect(r).toMatchObject({ rows: 0, accepted: 0, rejected: 0 });
  });

  it('any garbage never throws and every row is accounted for', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.string({ maxLength: 12 }), { minLength: 1, maxLength: 9 }), { maxLength: 12 }),
        async (rows) => {
          const body = rows.map((r) => r.join(',')).join('\n');
          const r = await usage(`${HEADER}\n${body}\n`);
          expect(r.accepted + r.rejected + r.ignored).toBe(r.rows);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('malformed NDJSON', () => {
  it('a truncated last line and non-object lines are rejects; good lines land', async () => {
    const p = file(
      'events-trunc.ndjson',
      '{"id":"n1","accountId":"a1","type":"csm_note","time":"2025-01-01T00:00:00Z","properties":{"text":"ok"}}\n[1,2]\n"str"\n{"id":"n2","accountId":"a1","type":"csm_note","time":"2025-01-01T00:00:00Z","properties":{"te',
    );
    const r = (await importFiles(ctx, { paths: [p] })).files[0]!;
    expect(r).toMatchObject({ rows: 4, accepted: 1, rejected: 3 });
    expect(r.rejects.map((x) => x.line)).toEqual([2, 3, 4]);
  });

  it('a deeply nested or oversized properties object is rejected, not a crash', async () => {
    const deep = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
    const p = file(
      'events-deep.ndjson',
      `{"id":"d1","accountId":"a1","type":"csm_note","time":"2025-01-01T00:00:00Z","properties":{"text":"${'x'.repeat(30_000)}"}}\n{"id":"d2","accountId":"a1","type":"csm_note","time":"2025-01-01T00:00:00Z","properties":{"text":"fine","nested":${deep}}}\n`,
    );
    const r = (await importFiles(ctx, { paths: [p] })).files[0]!;
    expect(r.rows).toBe(2);
    expect(r.rejects[0]).toMatchObject({ line: 1, field: 'properties.text' });
  });
});
