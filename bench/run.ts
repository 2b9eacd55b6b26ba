/**
 * Benchmark harness: `npm run bench [-- [--quick] [name...]]`. Runs every
 * bench/<name>.bench.ts (or the named ones), each measuring Vigil and a
 * reference tool doing the same work in the same run, and prints one table.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Benchmark, BenchRow } from './bench-row.ts';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const names = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--minutes');
const files = readdirSync(here)
  // the soak (bench/soak.ts, 10 minutes by default) runs only when named: npm run bench -- soak [--minutes N]
  .filter((f) => f.endsWith('.bench.ts') || (f === 'soak.ts' && names.includes('soak')))
  .filter((f) => names.length === 0 || names.includes(f.replace(/(\.bench)?\.ts$/, '')))
  .sort();
if (files.length === 0) {
  console.error(`no benchmark matches ${names.join(', ')}`);
  process.exit(2);
}

const fmt = (n: number | null) =>
  n === null ? '-' : Math.abs(n) >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(n >= 10 ? 1 : 3);

const rows: BenchRow[] = [];
const failed: string[] = [];
for (const f of files) {
  const mod = (await import(pathToFileURL(join(here, f)).href)) as { default: Benchmark };
  const t = performance.now();
  process.stderr.write(`running ${f}${quick ? ' (quick)' : ''} ...\n`);
  try {
    const r = await mod.default({ quick });
    process.stderr.write(`  done in ${((performance.now() - t) / 1000).toFixed(1)} s\n`);
    rows.push(...r);
  } catch (err) {
    // one failing benchmark (a missing reference tool, a crashed server) must not lose the others' rows
    failed.push(f);
    process.stderr.write(
      `  FAILED after ${((performance.now() - t) / 1000).toFixed(1)} s: ${(err as Error).stack ?? err}\n`,
    );
  }
}

const header = ['workload', 'metric', 'vigil', 'reference', 'ratio', 'unit', 'note'];
const lines = rows.map((r) => {
  // ratio > 1 always means Vigil is better
  const ratio =
    r.reference === null || r.reference === 0 || r.vigil === 0
      ? null
      : r.lowerIsBetter
        ? r.reference / r.vigil
        : r.vigil / r.reference;
  return [
    r.workload,
    r.metric,
    fmt(r.vigil),
    r.reference === null ? '-' : `${fmt(r.reference)} (${r.referenceName})`,
    ratio === null ? '-' : `${ratio.toFixed(2)}x`,
    r.unit,
    r.note ?? '',
  ];
});
console.log(`\n| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|`);
for (const l of lines) console.log(`| ${l.join(' | ')} |`);
console.log('\nratio: how many times better Vigil is than the reference (>1 better, <1 worse)');
if (failed.length > 0) {
  console.log(`\nfailed: ${failed.join(', ')} (see stderr)`);
  process.exitCode = 1;
}
