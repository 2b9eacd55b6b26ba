// Child process of bench/import.bench.ts: imports a portfolio folder into a fresh SQLite file,
// entities and timeline events first, then the usage files (the timed part), and prints JSON.
import { readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { detectKind } from '../../src/core/import/mapping.ts';
import { contextForStore } from '../../src/engine/context.ts';
import { importFiles } from '../../src/engine/import/import-files.ts';
import { openStore } from '../../src/store/database.ts';

const [dir, dbPath] = process.argv.slice(2) as [string, string];
const store = await openStore({ url: dbPath });
const ctx = contextForStore(store);
const all = readdirSync(dir)
  .filter((f) => detectKind(basename(f)) !== null)
  .map((f) => join(dir, f));
const usage = all.filter((f) => /\/usage[^/]*\.csv$/.test(f));
const rest = all.filter((f) => !usage.includes(f));
const t0 = performance.now();
const other = await importFiles(ctx, { paths: rest });
const t1 = performance.now();
const u = await importFiles(ctx, { paths: usage });
const t2 = performance.now();
await store.close();
const usageBytes = usage.reduce((s, f) => s + statSync(f).size, 0);
process.stdout.write(
  `${JSON.stringify({
    otherMs: t1 - t0,
    otherRows: other.rows,
    usageMs: t2 - t1,
    usageEvents: u.usageEvents,
    usageRejected: u.rejected,
    usageBytes,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    dbBytes: statSync(dbPath).size + (safeSize(`${dbPath}-wal`) ?? 0),
  })}\n`,
);

function safeSize(p: string) {
  try {
    return statSync(p).size;
  } catch {
    return null;
  }
}
