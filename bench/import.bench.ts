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
  otherMs: number;
  otherRows: number;
  usageMs: number;
  usageEvents: number;
  usageBytes: number;
  maxRssBytes: number;
  dbBytes: number;
};
type DuckRun = { ms: number; rows: number; maxRssBytes: number; dbBytes: number };
type MappedRun = { ms: number; usageEvents: number; rejected: number; rows: number };

export default async function run({ quick }: BenchOptions): Promise<BenchRow[]> {
  const accounts = quick ? 1000 : 10_000;
  const dir = await benchPortfolio(accounts);
  const work = join(tmpdir(), `vigil-bench-import-${process.pid}`);
  mkdirSync(work, { recursive: true });
  try {
    const mapped = (variant: string) =>
      child<MappedRun>('bench/workers/import-mapped.ts', [dir, join(work, `mapped-${variant}.db`), variant]);
    const fast = mapped('fast');
    const plain = mapped('plain');
    const lookup = mapped('lookup');
    const v = child<VigilRun>('bench/workers/import-vigil.ts', [dir, join(work, 'vigil.db')]);
    const d = child<DuckRun>('bench/workers/import-duckdb.ts', [dir, join(work, 'ref.duckdb')]);
    const w = `import ${accounts.toLocaleString('en-US')} accounts, ${(v.usageEvents / 1e6).toFixed(1)}M usage events`;
    const mb = v.usageBytes / 1e6;
    return [
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
        metric: 'mapped usage import: lookup join + computed columns vs plain mapping (general path)',
        vigil: lookup.usageEvents / (lookup.ms / 1000),
        reference: plain.usageEvents / (plain.ms / 1000),
        referenceName: 'Vigil, plain mapping (renames + value map)',
        unit: 'events/s',
        lowerIsBetter: false,
        note: `${lookup.rejected + plain.rejected} rejects; the plain rename-only mapping (fast path) ran at ${Math.round(fast.usageEvents / (fast.ms / 1000)).toLocaleString('en-US')} events/s`,
      },
      {
        workload: w,
        metric: 'entities + timeline events import',
        vigil: v.otherMs / 1000,
        reference: null,
        referenceName: null,
        unit: 's',
        lowerIsBetter: true,
        note: `${v.otherRows.toLocaleString('en-US')} rows`,
      },
    ];
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
