// Child process of bench/import.bench.ts: imports a portfolio folder into a fresh SQLite file in
// three timed phases (entities, timeline events, usage), and prints JSON: times, rows, the usage
// rate of each monthly file in import order (the rate as the database grows), peak RSS, and the
// CPU time of the main (writing) thread against the whole process's (parse threads included).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { detectKind } from '../../src/core/import/mapping.ts';
import { contextForStore } from '../../src/engine/context.ts';
import { importFiles } from '../../src/engine/import/import-files.ts';
import { importThreads } from '../../src/engine/import/parse-pool.ts';
import { openStore } from '../../src/store/database.ts';

const [dir, dbPath] = process.argv.slice(2) as [string, string];
const store = await openStore({ url: dbPath });
const ctx = contextForStore(store);
const all = readdirSync(dir)
  .filter((f) => detectKind(basename(f)) !== null)
  .map((f) => join(dir, f));
const usage = all.filter((f) => /\/usage[^/]*\.csv$/.test(f));
const events = all.filter((f) => /\/events[^/]*\.ndjson$/.test(f));
const entities = all.filter((f) => !usage.includes(f) && !events.includes(f));

/** CPU ms of this process's main thread (Linux: its task's utime + stime). */
function mainThreadCpuMs(): number {
  const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
}
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

const t0 = performance.now();
const ent = await importFiles(ctx, { paths: entities });
const t1 = performance.now();
const ev = await importFiles(ctx, { paths: events });
const t2 = performance.now();
const main0 = mainThreadCpuMs();
const cpu0 = cpuMs();
// when each usage file was done (its last progress report), for the per-month rate
const doneAt = new Map<string, number>();
const u = await importFiles(ctx, {
  paths: usage,
  onProgress: (p) => doneAt.set(p.file, performance.now()),
});
const t3 = performance.now();
const mainCpu = mainThreadCpuMs() - main0;
const cpu = cpuMs() - cpu0;
await store.close();
let prev = t2;
const months = u.files.map((f) => {
  const at = doneAt.get(f.path) ?? prev;
  const ms = at - prev;
  prev = at;
  return { file: basename(f.path), events: f.accepted, ms };
});
const usageBytes = usage.reduce((s, f) => s + statSync(f).size, 0);
process.stdout.write(
  `${JSON.stringify({
    threads: importThreads(),
    entityMs: t1 - t0,
    entityRows: ent.rows,
    eventsMs: t2 - t1,
    eventsRows: ev.rows,
    usageMs: t3 - t2,
    usageEvents: u.usageEvents,
    usageRejected: u.rejected,
    usageBytes,
    usageMainCpuMs: mainCpu,
    usageCpuMs: cpu,
    months,
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
