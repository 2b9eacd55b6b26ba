import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contextForStore } from '../../src/engine/context.ts';
import { generateDemo } from '../../src/engine/demo/generate-demo.ts';
import { importFiles } from '../../src/engine/import/import-files.ts';
import { backfillScores } from '../../src/engine/scoring/backfill-scores.ts';
import { recomputeScores } from '../../src/engine/scoring/recompute-scores.ts';
import { openStore } from '../../src/store/database.ts';

/** The repository root, for the e2e tests. */
export const ROOT = join(import.meta.dirname, '..', '..');

/** The newest modification time of the dashboard's sources. */
function webSourcesTime(): number {
  const newest = (dir: string): number =>
    Math.max(
      ...readdirSync(dir, { withFileTypes: true }).map((e) =>
        e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs,
      ),
    );
  return Math.max(newest(join(ROOT, 'web', 'src')), statSync(join(ROOT, 'web', 'index.html')).mtimeMs);
}

/** Waits for the lock folder `lock`, runs `f`, releases it (a lock older than 10 minutes is a dead process's). */
async function withLock<T>(lock: string, f: () => Promise<T> | T): Promise<T> {
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 600_000)
        rmSync(lock, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    return await f();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * Puts a dashboard build, current with its sources, into `outDir` (each test file serves its own
 * folder). Vite builds once into test-artifacts/web-dist-shared (under a lock, so two files never
 * build into one folder at once) and each file copies that build: one build per run instead of
 * one per e2e file.
 */
export async function buildWeb(outDir: string) {
  const sources = webSourcesTime();
  const fresh = (dir: string) =>
    existsSync(join(dir, 'index.html')) && statSync(join(dir, 'index.html')).mtimeMs >= sources;
  if (fresh(outDir)) return;
  const shared = join(ROOT, 'test-artifacts', 'web-dist-shared');
  mkdirSync(join(ROOT, 'test-artifacts'), { recursive: true });
  await withLock(`${shared}.lock`, () => {
    if (fresh(shared)) return;
    execFileSync(
      process.execPath,
      [
        join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'),
        'build',
        '--config',
        join(ROOT, 'web', 'vite.config.ts'),
        '--outDir',
        shared,
        '--emptyOutDir',
        '--logLevel',
        'warn',
      ],
      { cwd: ROOT, stdio: 'inherit' },
    );
  });
  // copy into a new folder, then swap it in; the copied index.html keeps the build's time
  const tmp = `${outDir}.copy-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  cpSync(shared, tmp, { recursive: true, preserveTimestamps: true });
  rmSync(outDir, { recursive: true, force: true });
  renameSync(tmp, outDir);
}

/** A demo portfolio as the e2e files build it: generated, imported, backfilled and scored. */
export type DemoSpec = {
  accounts: number;
  months: number;
  seed: number;
  /** score snapshots every 30 days from this many days ago (none when absent) */
  backfillDays?: number;
};

const CACHE = join(tmpdir(), 'vigil-e2e-demo-cache');
const DAY = 86_400_000;

/** A digest of every non-test source file: a cached database is reused only for the same code. */
function sourceDigest(): string {
  const h = createHash('sha256');
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (!e.name.endsWith('.test.ts')) h.update(p).update(readFileSync(p));
    }
  };
  walk(join(ROOT, 'src'));
  return h.digest('hex');
}

async function buildDemo(spec: DemoSpec, today: string, file: string) {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-e2e-demo-build-'));
  try {
    await generateDemo({
      outDir: dir,
      accounts: spec.accounts,
      months: spec.months,
      seed: spec.seed,
      endDate: today,
    });
    const store = await openStore({ url: join(dir, 'vigil.db') });
    try {
      const ctx = contextForStore(store);
      await importFiles(ctx, { paths: [dir] });
      if (spec.backfillDays !== undefined) {
        const from = new Date(Date.parse(today) - spec.backfillDays * DAY).toISOString().slice(0, 10);
        await backfillScores(ctx, { from, to: today, stepDays: 30 });
      }
      await recomputeScores(ctx, { all: true });
    } finally {
      await store.close();
    }
    // closing the last connection checkpoints the WAL into the file: the file alone is the database
    if (existsSync(join(dir, 'vigil.db-wal')) && statSync(join(dir, 'vigil.db-wal')).size > 0)
      throw new Error('the demo database still has a WAL after closing');
    copyFileSync(join(dir, 'vigil.db'), `${file}.partial`);
    renameSync(`${file}.partial`, file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Copies a built and scored demo database for `spec` (ending today) into `outDir` and returns
 * its path. Building it (generate, import, backfill, rescore: 5–15 s under load) happens once per
 * spec, day and source tree, in a cache under the system temp folder shared by the test files
 * and by later runs (a lock folder makes two workers build it once); each test file gets its own
 * copy, so the files stay independent.
 */
export async function copyDemoDatabase(spec: DemoSpec, outDir: string): Promise<string> {
  const today = new Date().toISOString().slice(0, 10);
  mkdirSync(CACHE, { recursive: true });
  // <sources>-<day>-<spec>.db: a change to the sources or the day makes the old files unused
  const prefix = `${sourceDigest().slice(0, 16)}-${today}-`;
  const file = join(
    CACHE,
    `${prefix}${createHash('sha256').update(JSON.stringify(spec)).digest('hex').slice(0, 16)}.db`,
  );
  await withLock(`${file}.lock`, async () => {
    if (!existsSync(file)) await buildDemo(spec, today, file);
  });
  // drop the databases of other sources or days (~15 MB each) once no run can still be copying them
  for (const f of readdirSync(CACHE))
    if (f.endsWith('.db') && !f.startsWith(prefix) && Date.now() - statSync(join(CACHE, f)).mtimeMs > 600_000)
      rmSync(join(CACHE, f), { force: true });
  const out = join(outDir, 'vigil.db');
  copyFileSync(file, out);
  return out;
}
