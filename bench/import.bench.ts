import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO_REFERENCE_END_DATE, generateDemo } from '../src/engine/demo/generate-demo.ts';
import type { BenchOptions, BenchRow } from './bench-row.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Generates (once, cached under bench/.cache) the portfolio the import benchmark loads. */
export async function benchPortfolio(accounts: number, months = 24): Promise<string> {
  const dir = join(root, 'bench', '.cache', `portfolio-${accounts}x${months}`);
  if (existsSync(join(dir, '.complete'))) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const t = performance.now();
  const r = await generateDemo({ outDir: dir, accounts, months, seed: 42, endDate: DEMO_REFERENCE_END_DATE });
  writeFileSync(join(dir, '.complete'), JSON.stringify(r));
  process.stderr.write(
    `  generated ${accounts} accounts in ${((performance.now() - t) / 1000).toFixed(1)} s\n`,
  );
  return dir;
}

function child<T>(script: string, args: string[]): T {
  const out = execFileSync(process.execPath, [join(root, 'bin/run-ts.js'), join(root, script), ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(out.trim().split('\n').pop()!) as T;
}

type VigilRun = {
  threads: number;
  entityMs: number;
  entityRows: number;
  eventsMs: number;
  eventsRows: number;
  usageMs: number;
  usageEvents: number;
  usageBytes: number;
  usageMainCpuMs: number;
  usageCpuMs: number;
  months: { file: string; events: number; ms: number }[];
  maxRssBytes: number;
  dbBytes: number;
};
type DuckRun = { ms: number; cpuMs: number; rows: number; maxRssBytes: number; dbBytes: number };
type MappedRun = { ms: number; usageEvents: number; rejected: number; rows: number };

/**
 * `npm run bench -- import`: 10,000 accounts (`--quick`: 1,000). VIGIL_BENCH_IMPORT_ACCOUNTS=30000
 * runs another size (the portfolio is generated once, ~3 GB of CSV at 30,000 accounts);
 * VIGIL_BENCH_IMPORT_MAPPED=0 skips the three mapped-import runs.
 */
export default async function run({ quick }: BenchOptions): Promise<BenchRow[]> {
  const accounts = Number(process.env.VIGIL_BENCH_IMPORT_ACCOUNTS || (quick ? 1000 : 10_000));
  const withMapped = process.env.VIGIL_BENCH_IMPORT_MAPPED !== '0';
  const dir = await benchPortfolio(accounts);
  const work = join(tmpdir(), `vigil-bench-import-${process.pid}`);
  mkdirSync(work, { recursive: true });
  try {
    const mapped = (variant: string) =>
      child<MappedRun>('bench/workers/import-mapped.ts', [dir, join(work, `mapped-${variant}.db`), variant]);
    const v = child<VigilRun>('bench/workers/import-vigil.ts', [dir, join(work, 'vigil.db')]);
    rmSync(join(work, 'vigil.db'), { force: true });
    rmSync(join(work, 'vigil.db-wal'), { force: true });
    const d = child<DuckRun>('bench/workers/import-duckdb.ts', [dir, join(work, 'ref.duckdb')]);
    const w = `import ${accounts.toLocaleString('en-US')} accounts, ${(v.usageEvents / 1e6).toFixed(1)}M usage events`;
    const mb = v.usageBytes / 1e6;
    // the usage rate of each monthly file, in import order (the database grows month by month)
    const rates = v.months.map((m) => ({ file: m.file, rate: m.events / (m.ms / 1000) }));
    process.stderr.write(
      `  usage rate per month (events/s, ${v.threads} parse thread(s)): ${rates
        .map((r) => `${r.file.replace(/^usage-|\.csv$/g, '')} ${Math.round(r.rate / 1000)}k`)
        .join(', ')}\n`,
    );
    const rateOf = (ms: typeof v.months) =>
      ms.reduce((s, m) => s + m.events, 0) / (ms.reduce((s, m) => s + m.ms, 0) / 1000);
    const quarter = Math.max(1, Math.floor(v.months.length / 4));
    const usageUs = (v.usageMs * 1000) / v.usageEvents;
    const rows: BenchRow[] = [
      {
        workload: w,
        metric: 'usage events/s (parse, validate, aggregate, persist)',
        vigil: v.usageEvents / (v.usageMs / 1000),
        reference: d.rows / (d.ms / 1000),
        referenceName: 'DuckDB read_csv + group by',
        unit: 'events/s',
        lowerIsBetter: false,
      },
      {
        workload: w,
        metric: 'usage throughput',
        vigil: mb / (v.usageMs / 1000),
        reference: mb / (d.ms / 1000),
        referenceName: 'DuckDB',
        unit: 'MB/s',
        lowerIsBetter: false,
      },
      {
        workload: w,
        metric: 'usage import time',
        vigil: v.usageMs / 1000,
        reference: d.ms / 1000,
        referenceName: 'DuckDB',
        unit: 's',
        lowerIsBetter: true,
      },
      {
        workload: w,
        metric: 'peak RSS',
        vigil: v.maxRssBytes / 1e6,
        reference: d.maxRssBytes / 1e6,
        referenceName: 'DuckDB',
        unit: 'MB',
        lowerIsBetter: true,
      },
      {
        workload: w,
        metric: 'database size (rollups only for DuckDB)',
        vigil: v.dbBytes / 1e6,
        reference: d.dbBytes / 1e6,
        referenceName: 'DuckDB',
        unit: 'MB',
        lowerIsBetter: true,
        note: 'Vigil also holds accounts, contracts, contacts and timeline events',
      },
      {
        workload: w,
        metric: 'usage CPU time, all threads (main thread: writes)',
        vigil: v.usageCpuMs / 1000,
        reference: d.cpuMs / 1000,
        referenceName: 'DuckDB',
        unit: 's',
        lowerIsBetter: true,
        note: `Vigil's main (writing) thread ${(v.usageMainCpuMs / 1000).toFixed(1)} s; ${v.threads} parse thread(s)`,
      },
      {
        workload: w,
        metric: 'usage rate, last quarter of the months vs first quarter (steady as the database grows)',
        vigil: rateOf(v.months.slice(-quarter)),
        reference: rateOf(v.months.slice(0, quarter)),
        referenceName: 'Vigil, first quarter of the months',
        unit: 'events/s',
        lowerIsBetter: false,
        note: `per month: ${rates.map((r) => Math.round(r.rate / 1000)).join(' ')} (k events/s)`,
      },
      {
        workload: w,
        metric: 'timeline event row cost (target: within 3x of a usage row)',
        vigil: (v.eventsMs * 1000) / v.eventsRows,
        reference: usageUs,
        referenceName: 'Vigil, one usage row',
        unit: 'µs/row',
        lowerIsBetter: true,
        note: `${v.eventsRows.toLocaleString('en-US')} timeline rows in ${(v.eventsMs / 1000).toFixed(1)} s`,
      },
      {
        workload: w,
        metric: 'entities import (accounts, contracts, contacts, users, catalog)',
        vigil: v.entityMs / 1000,
        reference: null,
        referenceName: null,
        unit: 's',
        lowerIsBetter: true,
        note: `${v.entityRows.toLocaleString('en-US')} rows`,
      },
    ];
    if (!withMapped) return rows;
    const fast = mapped('fast');
    const plain = mapped('plain');
    const lookup = mapped('lookup');
    rows.push({
      workload: w,
      metric: 'mapped usage import: lookup join + computed columns vs plain mapping (general path)',
      vigil: lookup.usageEvents / (lookup.ms / 1000),
      reference: plain.usageEvents / (plain.ms / 1000),
      referenceName: 'Vigil, plain mapping (renames + value map)',
      unit: 'events/s',
      lowerIsBetter: false,
      note: `${lookup.rejected + plain.rejected} rejects; the plain rename-only mapping (fast path) ran at ${Math.round(fast.usageEvents / (fast.ms / 1000)).toLocaleString('en-US')} events/s`,
    });
    return rows;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
