import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_HEADERS } from '../../core/demo/demo-headers.ts';
import type { DemoTruth } from '../../core/demo/demo-types.ts';
import { isAppError } from '../../core/errors.ts';
import { detectKind } from '../../core/import/mapping.ts';
import type { Store } from '../../store/database.ts';
import { openTestStore, TEST_STORE_KINDS } from '../../store/test-stores.ts';
import { contextForStore, fixedClock } from '../context.ts';
import { importFiles } from '../import/import-files.ts';
import { DEMO_DEFAULTS, type GenerateDemoReport, GROUND_TRUTH_FILE, generateDemo } from './generate-demo.ts';

const tmp = (tag: string) => mkdtempSync(join(tmpdir(), `vigil-demo-${tag}-`));
const OPTS = { accounts: 30, months: 6, seed: 11, endDate: '2026-06-30' } as const;
const MONTHS = ['2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06'];

const lines = (path: string) => readFileSync(path, 'utf8').split('\n').filter(Boolean);
const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('generateDemo', () => {
  let dir: string;
  let report: GenerateDemoReport;
  const progress: [number, number][] = [];

  beforeAll(async () => {
    dir = tmp('a');
    report = await generateDemo({ outDir: dir, ...OPTS, onProgress: (d, t) => progress.push([d, t]) });
  });

  it('writes the native import layout, one usage and one events file per month, and the ground truth', () => {
    const expected = [
      'accounts.csv',
      'catalog.csv',
      'contacts.csv',
      'contracts.csv',
      'users.csv',
      ...MONTHS.map((m) => `usage-${m}.csv`),
      ...MONTHS.map((m) => `events-${m}.ndjson`),
      GROUND_TRUTH_FILE,
    ].sort();
    expect(readdirSync(dir).sort()).toEqual(expected);
    expect(report.files.map((f) => basename(f)).sort()).toEqual(expected);
    // the importer takes every file but the ground truth
    expect(readdirSync(dir).filter((f) => detectKind(f) === null)).toEqual([GROUND_TRUTH_FILE]);
    for (const kind of ['users', 'catalog', 'accounts', 'contracts', 'contacts'] as const)
      expect(lines(join(dir, `${kind}.csv`))[0]).toBe(DEMO_HEADERS[kind].join(','));
    for (const m of MONTHS) expect(lines(join(dir, `usage-${m}.csv`))[0]).toBe(DEMO_HEADERS.usage.join(','));
  });

  it('reports what it wrote', () => {
    const count = (name: string) => lines(join(dir, name)).length - 1;
    expect(report.accounts).toBe(30);
    expect(count('accounts.csv')).toBe(30);
    expect(count('users.csv')).toBe(report.users);
    expect(count('contracts.csv')).toBe(report.contracts);
    expect(count('contacts.csv')).toBe(report.contacts);
    expect(MONTHS.reduce((s, m) => s + count(`usage-${m}.csv`), 0)).toBe(report.usageRows);
    expect(MONTHS.reduce((s, m) => s + count(`events-${m}.ndjson`) + 1, 0)).toBe(report.events);
    expect(report.usageRows).toBeGreaterThan(1000);
    const bytes = readdirSync(dir).reduce((s, f) => s + readFileSync(join(dir, f)).length, 0);
    expect(report.bytes).toBe(bytes);
    expect(progress.at(-1)).toEqual([30, 30]);
  });

  it('keeps one ground-truth record per account, consistent with the report', () => {
    const truth = JSON.parse(readFileSync(report.groundTruthFile, 'utf8')) as {
      seed: number;
      accountsTruth: DemoTruth[];
    };
    expect(truth.seed).toBe(11);
    expect(truth.accountsTruth.map((t) => t.accountId)).toEqual(
      lines(join(dir, 'accounts.csv'))
        .slice(1)
        .map((l) => l.split(',')[0]),
    );
    expect(truth.accountsTruth.filter((t) => t.churned)).toHaveLength(report.churned);
    for (const t of truth.accountsTruth)
      expect(Object.keys(t.health).every((m) => MONTHS.includes(m))).toBe(true);
  });

  it('is deterministic: the same options write byte-identical files, another seed does not', async () => {
    const again = tmp('b');
    await generateDemo({ outDir: again, ...OPTS });
    for (const f of readdirSync(dir)) expect(sha(join(again, f)), f).toBe(sha(join(dir, f)));
    const other = tmp('c');
    await generateDemo({ outDir: other, ...OPTS, seed: 12 });
    expect(sha(join(other, 'usage-2026-03.csv'))).not.toBe(sha(join(dir, 'usage-2026-03.csv')));
    // regenerating into its own folder replaces the files with the same bytes
    await generateDemo({ outDir: again, ...OPTS });
    expect(sha(join(again, 'events-2026-06.ndjson'))).toBe(sha(join(dir, 'events-2026-06.ndjson')));
  });

  it('refuses a folder that holds other import files, and leaves them alone', async () => {
    const mixed = tmp('d');
    writeFileSync(join(mixed, 'usage-1999-01.csv'), 'id\n');
    writeFileSync(join(mixed, 'notes.txt'), 'keep me');
    const err = await generateDemo({ outDir: mixed, ...OPTS }).catch((e: unknown) => e);
    expect(isAppError(err) && err.code).toBe('BAD_INPUT');
    expect((err as Error).message).toContain('usage-1999-01.csv');
    expect(readdirSync(mixed).sort()).toEqual(['notes.txt', 'usage-1999-01.csv']);
  });

  it.each([
    [{ accounts: 0 }, 'accounts'],
    [{ accounts: 2.5 }, 'accounts'],
    [{ months: 0 }, 'months'],
    [{ months: 121 }, 'months'],
    [{ seed: 1.5 }, 'seed'],
    [{ endDate: '2026-02-30' }, 'end date'],
    [{ endDate: '15/11/2026' }, 'end date'],
  ])('rejects bad options %j', async (bad, word) => {
    const out = tmp('e');
    const err = await generateDemo({ outDir: out, ...OPTS, ...bad }).catch((e: unknown) => e);
    expect(isAppError(err) && err.code).toBe('BAD_INPUT');
    expect((err as Error).message).toContain(word);
    expect(readdirSync(out)).toEqual([]);
  });

  it('defaults to 300 accounts, 24 months, seed 42, ending today', async () => {
    expect(DEMO_DEFAULTS).toEqual({ accounts: 300, months: 24, seed: 42 });
    const before = new Date().toISOString().slice(0, 10);
    const r = await generateDemo({ outDir: tmp('today'), accounts: 2, months: 1 });
    const after = new Date().toISOString().slice(0, 10);
    expect([before, after]).toContain(r.endDate);
  });
});

describe.each(TEST_STORE_KINDS)('a generated portfolio imports cleanly into %s', (kind) => {
  let store: Store;
  let dir: string;
  let gen: GenerateDemoReport;
  beforeAll(async () => {
    dir = tmp('import');
    gen = await generateDemo({ outDir: dir, ...OPTS, accounts: 15 });
    store = await openTestStore(kind);
  });
  afterAll(async () => {
    await store?.close();
  });

  it('lands every row with no rejects, and a second import adds nothing', async () => {
    const ctx = contextForStore(store, { clock: fixedClock('2026-06-30T12:00:00Z') });
    const r = await importFiles(ctx, { paths: [dir] });
    expect(r.rejected).toBe(0);
    expect(r.usageEvents).toBe(gen.usageRows);
    expect(r.files.find((f) => basename(f.path) === GROUND_TRUTH_FILE)).toBeUndefined();
    const accounts = await store.db.selectFrom('accounts').select('id').execute();
    expect(accounts).toHaveLength(15);
    const contracts = await store.db.selectFrom('contracts').select('id').execute();
    expect(contracts).toHaveLength(gen.contracts);
    const again = await importFiles(ctx, { paths: [dir] });
    expect(again.accepted).toBe(0);
    expect(again.rejected).toBe(0);
  });
});
