import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseMapping } from '../../core/import/mapping.ts';
import type { Store } from '../../store/database.ts';
import { openTestStore } from '../../store/test-stores.ts';
import { contextForStore, fixedClock } from '../context.ts';
import { importFiles } from './import-files.ts';

/**
 * Issue 14 item 4: the usage fast path (cells read by index) is kept only
 * because it equals the validated path (an object per row through mapRow):
 * for any usage file, both accept the same rows, reject the same lines on the
 * same field, and write the same rollups. Each generated row has at most one
 * defect (with several, the two paths may name a different first field).
 */
const GOOD = {
  id: 'u',
  account_id: 'a1',
  contact_id: 'c1',
  type: 'feature_used',
  time: '2025-01-02T10:00:00.000Z',
  key: 'reports',
  count: '2',
};
type Cells = typeof GOOD;
const DEFECTS: Partial<Cells>[] = [
  {},
  { id: '' },
  { account_id: '' },
  { account_id: 'nobody' },
  { type: 'meeting' },
  { type: 'login', key: '' },
  { type: 'integration_used', key: 'api' },
  { type: 'usage_custom', key: 'shipments' },
  { type: 'feature_used', key: '' },
  { time: '' },
  { time: 'not-a-date' },
  { time: '2025-02-30T00:00:00Z' },
  { time: '2031-01-01T00:00:00.000Z' },
  { time: '1969-12-31T00:00:00.000Z' },
  { time: '2025-01-03 23:30:00' },
  { time: '2025-01-04' },
  { time: '2025-01-04T01:00:00+02:00' },
  { count: '' },
  { count: '0' },
  { count: '2.5' },
  { count: '-1' },
  { count: '1,000' },
  { contact_id: '' },
];
const rowArb = fc.record({
  defect: fc.constantFrom(...DEFECTS),
  account: fc.constantFrom('a1', 'a2'),
  day: fc.integer({ min: 1, max: 28 }),
  key: fc.constantFrom('reports', 'alerts'),
  contact: fc.constantFrom('c1', 'c2', ''),
});

async function run(store: Store, csv: string, general: boolean) {
  const ctx = contextForStore(store, { clock: fixedClock('2025-06-01T00:00:00Z') });
  await importFiles(ctx, { paths: [write('accounts.csv', 'id,name\na1,A\na2,B\n')] });
  // a value map that changes nothing sends every row through mapRow (the validated path)
  const mapping = general
    ? parseMapping(
        'files:\n  - match: "usage*.csv"\n    kind: usage\n    values: { type: { signin: login } }\n',
      )
    : null;
  const f = (await importFiles(ctx, { paths: [write('usage-p.csv', csv)], mapping })).files[0]!;
  const q = (t: 'usage_daily' | 'feature_monthly' | 'user_monthly') =>
    store.db.selectFrom(t).selectAll().execute();
  const sortRows = (rows: Record<string, unknown>[]) => rows.map((r) => JSON.stringify(r)).sort();
  return {
    counts: [f.rows, f.accepted, f.rejected, f.ignored],
    rejects: f.rejects.map((r) => `${r.line}:${r.field}`),
    usage: sortRows(await q('usage_daily')),
    features: sortRows(await q('feature_monthly')),
    users: sortRows(await q('user_monthly')),
  };
}

function write(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-fastpath-'));
  writeFileSync(join(dir, name), text);
  return join(dir, name);
}

describe('usage fast path', () => {
  it('equals the validated path on any usage file (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(rowArb, { minLength: 1, maxLength: 40 }), async (rows) => {
        const lines = rows.map((r, i) => {
          const cells: Cells = {
            ...GOOD,
            id: `u${i}`,
            account_id: r.account,
            contact_id: r.contact,
            key: r.key,
            time: `2025-01-${String(r.day).padStart(2, '0')}T10:00:00.000Z`,
            ...r.defect,
          };
          return Object.values(cells).join(',');
        });
        const csv = `${Object.keys(GOOD).join(',')}\n${lines.join('\n')}\n`;
        const [a, b] = [await openTestStore('sqlite'), await openTestStore('sqlite')];
        try {
          const fast = await run(a, csv, false);
          const validated = await run(b, csv, true);
          expect(fast).toEqual(validated);
        } finally {
          await a.close();
          await b.close();
        }
      }),
      { numRuns: 30 },
    );
  }, 180_000);
});
