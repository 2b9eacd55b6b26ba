import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { z } from 'zod';
import { AppError } from '../../core/errors.ts';
import { parseMapping } from '../../core/import/mapping.ts';
import { type ImportReport, importFiles } from '../../engine/import/import-files.ts';
import { listPresets, loadPreset } from '../../engine/import/presets.ts';
import { EXIT_BAD_INPUT } from '../handle-error.ts';
import { printJson, withContext } from '../with-context.ts';

const optionsSchema = z.object({
  mapping: z.string().optional(),
  preset: z.string().optional(),
  json: z.boolean().default(false),
});

export function register(program: Command) {
  program
    .command('import')
    .description(
      'import CSV / NDJSON files or folders (accounts, contracts, contacts, users, catalog, events, usage)',
    )
    .argument('<paths...>', 'files or folders')
    .option(
      '--mapping <file>',
      'YAML/JSON mapping for foreign exports (renames, lookups, computed columns, value maps, taxonomy)',
    )
    .option('--preset <name>', `a shipped mapping for a common export (${listPresets().join(', ')})`)
    .option('--json', 'print the report as JSON')
    .action(async (paths: string[], raw: unknown, cmd: Command) => {
      const opts = optionsSchema.parse(raw);
      if (opts.mapping && opts.preset)
        throw new AppError('BAD_INPUT', 'give --mapping or --preset, not both');
      const mapping = opts.preset
        ? loadPreset(opts.preset)
        : opts.mapping
          ? parseMapping(readMapping(opts.mapping), opts.mapping)
          : null;
      const report = await withContext(cmd, async (ctx) => {
        const bar =
          process.stderr.isTTY && !opts.json
            ? new cliProgress.SingleBar(
                {
                  format: 'importing [{bar}] {percentage}% | {value}/{total} MB | {rows} rows | {file}',
                  stream: process.stderr,
                  hideCursor: true,
                },
                cliProgress.Presets.shades_classic,
              )
            : null;
        let started = false;
        const r = await importFiles(ctx, {
          paths,
          mapping,
          onProgress: (p) => {
            if (!bar) return;
            const total = Math.max(1, Math.round(p.bytesTotal / 1e6));
            const payload = { rows: p.rows.toLocaleString('en-US'), file: relative(process.cwd(), p.file) };
            if (!started) {
              bar.start(total, 0, payload);
              started = true;
            }
            bar.update(Math.round(p.bytesDone / 1e6), payload);
          },
        });
        bar?.stop();
        return r;
      });
      if (opts.json) printJson(report);
      else printImportReport(report);
      if (report.rejected > 0) process.exitCode = EXIT_BAD_INPUT;
    });
}

function readMapping(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new AppError('BAD_INPUT', `cannot read mapping ${path}: ${(e as Error).message}`);
  }
}

export function printImportReport(r: ImportReport) {
  const out = (s: string) => process.stdout.write(`${s}\n`);
  for (const f of r.files) {
    let name = relative(process.cwd(), f.path) || f.path;
    if (f.status === 'skipped') {
      out(`  skipped   ${name}: ${f.note}`);
      continue;
    }
    if (f.status === 'unchanged') {
      out(`  unchanged ${name}: ${f.note}`);
      continue;
    }
    if (f.entry) name = `${name} [${f.entry}]`;
    out(
      `  ${f.kind?.padEnd(9)} ${name}: ${f.rows.toLocaleString('en-US')} rows, ${f.accepted.toLocaleString('en-US')} accepted, ${f.updated} updated, ${f.duplicates.toLocaleString('en-US')} duplicates, ${f.rejected} rejected${f.ignored ? `, ${f.ignored} ignored` : ''}`,
    );
    for (const rej of f.rejects) out(`    ${name}:${rej.line ?? '?'} ${rej.field ?? '(row)'}: ${rej.reason}`);
    if (f.rejected > f.rejects.length)
      out(`    ... and ${f.rejected - f.rejects.length} more: vigil rejects list --import ${f.importId}`);
  }
  for (const w of r.warnings) out(`  warning: ${w}`);
  const secs = r.ms / 1000;
  out(
    `Imported ${r.files.filter((f) => f.status === 'imported').length} file(s): ${r.rows.toLocaleString('en-US')} rows, ${r.accepted.toLocaleString('en-US')} accepted, ${r.updated} updated, ${r.duplicates.toLocaleString('en-US')} duplicates, ${r.rejected} rejected, ${r.ignored} ignored in ${secs.toFixed(1)} s (${r.rowsPerSecond.toLocaleString('en-US')} rows/s, ${r.mbPerSecond.toFixed(1)} MB/s)`,
  );
  if (r.rejected > 0) out('Rejected rows are kept for review: vigil rejects list');
}
