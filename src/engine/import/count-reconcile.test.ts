import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openTestStore } from '../../store/test-stores.ts';
import { contextForStore, fixedClock } from '../context.ts';
import { importFiles } from './import-files.ts';

/**
 * Counts reconcile (issue 15 item 4): for every file, rows = accepted +
 * updated + duplicates + rejected + ignored, and each row is counted as if
 * the rows were applied one at a time. The oracle is that sequential model,
 * written independently of the batched upsert: a new id is accepted; a
 * repeat (in the same file or batch, or of a stored row) identical to the
 * current value is a duplicate, a different one an update; a bad row a reject.
 * Timeline events are immutable by id: any repeat is a duplicate.
 */
type Row = { id: string; name: string; bad: boolean };

function model(files: Row[][]) {
  const state = new Map<string, string>();
  return files.map((rows) => {
    const c = { rows: rows.length, accepted: 0, updated: 0, duplicates: 0, rejected: 0, ignored: 0 };
    for (const r of rows) {
      if (r.bad) c.rejected++;
      else if (!state.has(r.id)) c.accepted++;
      else if (state.get(r.id) === r.name) c.duplicates++;
      else c.updated++;
      if (!r.bad) state.set(r.id, r.name);
    }
    return { counts: c, state: new Map(state) };
  });
}

const rowArb = fc.record({
  id: fc.constantFrom('a1', 'a2', 'a3', 'a 4', 'a5'),
  name: fc.constantFrom('Acme', 'Beta', 'Gamma'),
  bad: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
});

describe('import counts reconcile (property)', () => {
  it('accounts: in-file repeats, cross-file repeats and rejects, against a sequential model', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(rowArb, { minLength: 1, maxLength: 25 }), { minLength: 1, maxLength: 3 }),
        async (files) => {
          const store = await openTestStore('sqlite');
          try {
            const ctx = contextForStore(store, { clock: fixedClock('2025-06-01T00:00:00Z') });
            const expected = model(files);
            for (const [i, rows] of files.entries()) {
              const dir = mkdtempSync(join(tmpdir(), 'vigil-reconcile-'));
              // a bad row has no name (required): a reject
              const body = rows.map((r) => `${r.id},${r.bad ? '' : r.name}`).join('\n');
              // trailing blank lines make each file's bytes unique: identical content is recognised
              // by its hash before any row is read (a separate rule, tested elsewhere)
              writeFileSync(join(dir, `accounts-${i}.csv`), `id,name\n${body}\n${'\n'.repeat(i)}`);
              const f = (await importFiles(ctx, { paths: [dir] })).files[0]!;
              const got = {
                rows: f.rows,
                accepted: f.accepted,
                updated: f.updated,
                duplicates: f.duplicates,
                rejected: f.rejected,
                ignored: f.ignored,
              };
              expect(got).toEqual(expected[i]!.counts);
              expect(f.accepted + f.updated + f.duplicates + f.rejected + f.ignored).toBe(f.rows);
              const stored = await store.db.selectFrom('accounts').select(['id', 'name']).execute();
              expect(new Map(stored.map((s) => [s.id, s.name]))).toEqual(expected[i]!.state);
            }
          } finally {
            await store.close();
          }
        },
      ),
      { numRuns: 40 },
    );
  }, 120_000);

  it('events: repeats of an id are duplicates, whatever their content', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(rowArb, { minLength: 1, maxLength: 30 }), async (rows) => {
        const store = await openTestStore('sqlite');
        try {
          const ctx = contextForStore(store, { clock: fixedClock('2025-06-01T00:00:00Z') });
          const dir = mkdtempSync(join(tmpdir(), 'vigil-reconcile-'));
          writeFileSync(join(dir, 'accounts.csv'), 'id,name\nacc,Acme\n');
          writeFileSync(
            join(dir, 'events.ndjson'),
            rows
              .map((r) =>
                JSON.stringify({
                  id: r.id,
                  accountId: 'acc',
                  type: 'csm_note',
                  time: '2025-01-01T00:00:00Z',
                  properties: r.bad ? {} : { text: r.name },
                }),
              )
              .join('\n'),
          );
          const f = (await importFiles(ctx, { paths: [dir] })).files.find((x) => x.kind === 'events')!;
          const good = rows.filter((r) => !r.bad);
          const distinct = new Set(good.map((r) => r.id)).size;
          expect([f.rows, f.accepted, f.duplicates, f.rejected, f.updated, f.ignored]).toEqual([
            rows.length,
            distinct,
            good.length - distinct,
            rows.length - good.length,
            0,
            0,
          ]);
        } finally {
          await store.close();
        }
      }),
      { numRuns: 30 },
    );
  }, 120_000);
});
