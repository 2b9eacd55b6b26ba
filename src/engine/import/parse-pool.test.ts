import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import type { Store } from '../../store/database.ts';
import { openTestStore } from '../../store/test-stores.ts';
import { contextForStore, fixedClock } from '../context.ts';
import { importFiles } from './import-files.ts';
import { closeParsePool } from './parse-pool.ts';

/**
 * Issue 21 item 2: an import gives the same result whatever the number of parse threads — the
 * same rollups, timeline, ledger and report, and the same rejected rows with the same file,
 * line and field. The files are large enough to span several parse chunks (40,000 lines), hold
 * ids repeated inside a file and across files (the ledger's slow path), and bad rows of each kind.
 */
const ACCOUNTS = 40;
const TYPES = ['login', 'feature_used', 'integration_used', 'usage_custom'] as const;

/** A deterministic pseudo-random sequence (the test's data, not the code under test). */
function lcg(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

type Expect = { events: number; seen: Set<string> };

function usageFile(path: string, rows: number, seed: number, exp: Expect) {
  const rnd = lcg(seed);
  const lines = ['id,account_id,contact_id,type,time,key,count'];
  for (let i = 0; i < rows; i++) {
    const acc = `a${Math.floor(rnd() * ACCOUNTS)}`;
    const type = TYPES[Math.floor(rnd() * TYPES.length)]!;
    const day = String(1 + Math.floor(rnd() * 28)).padStart(2, '0');
    const month = String(1 + Math.floor(rnd() * 5)).padStart(2, '0');
    const count = 1 + Math.floor(rnd() * 4);
    const contact = rnd() < 0.7 ? `${acc}-c${Math.floor(rnd() * 5)}` : '';
    const key = type === 'login' ? '' : `k${Math.floor(rnd() * 6)}`;
    // ids repeat inside the file and across files (a shared pool), so some chunks hold duplicates
    const id = rnd() < 0.02 ? `shared-${Math.floor(rnd() * 500)}` : `${path.slice(-12)}-${i}`;
    const r = rnd();
    let line = `${id},${acc},${contact},${type},2025-${month}-${day}T10:00:00.000Z,${key},${count}`;
    let bad = true;
    if (r < 0.004)
      line = `${id},nobody,${contact},${type},2025-${month}-${day}T10:00:00.000Z,${key},${count}`;
    else if (r < 0.008)
      line = `${id},${acc},${contact},teleport,2025-${month}-${day}T10:00:00.000Z,${key},${count}`;
    else if (r < 0.012) line = `${id},${acc},${contact},${type},2031-01-01T10:00:00.000Z,${key},${count}`;
    else if (r < 0.016) line = `${id},${acc},${contact},${type},2025-${month}-${day}T10:00:00.000Z,${key},-2`;
    else if (r < 0.018) line = `${id},${acc},${contact}`;
    else bad = false;
    if (!bad && !exp.seen.has(id)) {
      exp.seen.add(id);
      exp.events += count;
    }
    lines.push(line);
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
}

function eventsFile(path: string, rows: number, seed: number, exp: Expect) {
  const rnd = lcg(seed);
  const lines: string[] = [];
  for (let i = 0; i < rows; i++) {
    const acc = `a${Math.floor(rnd() * ACCOUNTS)}`;
    const r = rnd();
    const id = r < 0.05 ? `ev-shared-${Math.floor(rnd() * 50)}` : `${path.slice(-14)}-${i}`;
    if (r > 0.97) lines.push('{"id": "broken", ');
    else if (r > 0.95)
      lines.push(JSON.stringify({ id, accountId: acc, type: 'csm_note', time: 'yesterday' }));
    else if (r > 0.9) {
      lines.push(
        JSON.stringify({ id: `u-${id}`, accountId: acc, type: 'login', time: '2025-03-02T10:00:00.000Z' }),
      );
      if (!exp.seen.has(`u-${id}`)) {
        exp.seen.add(`u-${id}`);
        exp.events += 1;
      }
    } else
      lines.push(
        JSON.stringify({
          id,
          accountId: acc,
          type: 'csm_note',
          time: `2025-0${1 + Math.floor(rnd() * 5)}-1${Math.floor(rnd() * 9)}T09:00:00.000Z`,
          properties: { text: `note ${i} "quoted" \\ back`, author: 'csm' },
        }),
      );
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
}

async function snapshot(store: Store) {
  const q = async (text: string) => (await sql.raw(text).execute(store.db)).rows;
  return {
    usage: await q('select * from usage_daily order by account_id, day'),
    feature: await q('select * from feature_monthly order by account_id, feature, month'),
    user: await q('select * from user_monthly order by account_id, contact_id, month'),
    events: await q('select id, account_id, contact_id, type, time, properties from events order by id'),
    ledger: await q('select count(*) as n, sum(units) as units from seen_events'),
    rejects: await q('select source, line, field, reason, raw from rejects order by source, line'),
    dirty: await q('select account_id from dirty_accounts order by account_id'),
  };
}

afterAll(async () => {
  await closeParsePool();
});

describe('parse threads', () => {
  it('give the same rollups, timeline, ledger, report and rejects for 0, 1 and 2 threads', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-pool-'));
    writeFileSync(
      join(dir, 'accounts.csv'),
      `id,name\n${Array.from({ length: ACCOUNTS }, (_, i) => `a${i},Account ${i}`).join('\n')}\n`,
    );
    const exp: Expect = { events: 0, seen: new Set() };
    // events files are imported before usage files (kind order), so their usage rows claim first
    eventsFile(join(dir, 'events-2025-01.ndjson'), 42_000, 4, exp);
    eventsFile(join(dir, 'events-2025-02.ndjson'), 2_000, 5, exp);
    usageFile(join(dir, 'usage-2025-01.csv'), 50_000, 1, exp);
    usageFile(join(dir, 'usage-2025-02.csv'), 30_000, 2, exp);
    usageFile(join(dir, 'usage-2025-03.csv'), 10_000, 3, exp);

    const results = [];
    for (const threads of [0, 1, 2]) {
      const store = await openTestStore('sqlite');
      try {
        const ctx = contextForStore(store, { clock: fixedClock('2025-06-01T00:00:00Z') });
        const report = await importFiles(ctx, { paths: [dir], threads });
        const files = report.files.map(({ ms: _ms, importId: _id, ...f }) => f);
        results.push({ threads, files, usageEvents: report.usageEvents, db: await snapshot(store) });
      } finally {
        await store.close();
      }
    }
    const [inline, one, two] = results;
    // the data is what the files say (checked once; the thread counts are compared below)
    const usageTotal = inline!.db.usage.reduce<number>(
      (s, r) => s + Number((r as { events: number }).events),
      0,
    );
    expect(usageTotal).toBe(exp.events);
    expect(inline!.db.rejects.length).toBeGreaterThan(300);
    expect(inline!.files.some((f) => f.duplicates > 0 && f.kind === 'usage')).toBe(true);
    expect(inline!.db.events.length).toBeGreaterThan(30_000);
    for (const other of [one!, two!]) {
      expect(other.usageEvents).toBe(inline!.usageEvents);
      expect(other.files).toEqual(inline!.files);
      expect(other.db).toEqual(inline!.db);
    }
  }, 180_000);
});
