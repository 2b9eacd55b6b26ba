import { copyFileSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contextForStore } from '../src/engine/context.ts';
import { generateDemo } from '../src/engine/demo/generate-demo.ts';
import { importFiles } from '../src/engine/import/import-files.ts';
import { recomputeScores } from '../src/engine/scoring/recompute-scores.ts';
import { openStore } from '../src/store/database.ts';

const root = join(import.meta.dirname, '..');

/**
 * The stall bench's prepared demo database (generated, imported and scored as of today), cached
 * under bench/.cache: preparing 10,000 accounts takes ~16 minutes, so later runs on the same day
 * copy the cached file instead (opening the copy applies any migration added since). The key holds
 * the account count and today's date (the demo ends today and is scored as of today); set
 * `VIGIL_BENCH_FRESH=1` to rebuild it (e.g. after a scoring change). Returns the path of a fresh
 * copy in `dir` that the caller may write to.
 */
export async function preparedStallDb(
  accounts: number,
  dir: string,
): Promise<{ path: string; cached: boolean }> {
  const day = new Date().toISOString().slice(0, 10);
  const cacheDir = join(root, 'bench', '.cache', `stall-${accounts}-${day}`);
  const cached = join(cacheDir, 'vigil.db');
  const hit = existsSync(join(cacheDir, '.complete')) && process.env.VIGIL_BENCH_FRESH !== '1';
  if (!hit) {
    rmSync(cacheDir, { recursive: true, force: true });
    mkdirSync(cacheDir, { recursive: true });
    const work = mkdtempSync(join(tmpdir(), 'vigil-stall-prep-'));
    try {
      await generateDemo({ outDir: join(work, 'demo'), accounts, months: 13, seed: 20, endDate: day });
      const building = join(cacheDir, 'building.db');
      const store = await openStore({ url: building });
      try {
        const ctx = contextForStore(store);
        await importFiles(ctx, { paths: [join(work, 'demo')] });
        await recomputeScores(ctx, { all: true });
        await store.db.deleteFrom('dirty_accounts').execute();
        // one self-contained file: fold the write-ahead log back in before copying it
        store.sqlite?.pragma('wal_checkpoint(TRUNCATE)');
      } finally {
        await store.close();
      }
      renameSync(building, cached);
      writeFileSync(join(cacheDir, '.complete'), `${accounts} accounts as of ${day}\n`);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  const path = join(dir, 'vigil.db');
  copyFileSync(cached, path);
  return { path, cached: hit };
}

// `node bin/run-ts.js bench/stall-db.ts 10000`: prepare the cache ahead of a bench run
if (process.argv[1]?.endsWith('stall-db.ts')) {
  const n = Number(process.argv[2] ?? 10_000);
  const t0 = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'vigil-stall-copy-'));
  const r = await preparedStallDb(n, dir);
  rmSync(dir, { recursive: true, force: true });
  process.stderr.write(
    `stall db: ${n} accounts ${r.cached ? 'cached' : 'prepared'} in ${((performance.now() - t0) / 1000).toFixed(0)} s\n`,
  );
}
