import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { z } from 'zod';
import { AppError } from '../../core/errors.ts';
import { parseMapping } from '../../core/import/mapping.ts';
import { type FileImportReport, type ImportReport, importFiles } from '../../engine/import/import-files.ts';
import { listPresets, loadPreset } from '../../engine/import/presets.ts';
import { EXIT_BAD_INPUT } from '../handle-error.ts';
import { formatTable } from '../print-table.ts';
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
  process.stdout.write(formatImportReport(r));
}

/**
 * The import report for people: one row per file (kind, counts with thousands separators, a note
 * for skipped or unchanged files), then each rejected row as `file:line field: reason`, warnings
 * and the totals. `--json` prints the report itself.
 */
export function formatImportReport(r: ImportReport, cwd = process.cwd()): string {
  const name = (f: FileImportReport) => {
    const n = relative(cwd, f.path) || f.path;
    return f.entry ? `${n} [${f.entry}]` : n;
  };
  const counted = (f: FileImportReport, n: number) => (f.status === 'imported' ? n : null);
  const lines = [
    formatTable(r.files, [
      { header: 'KIND', value: (f) => (f.status === 'imported' ? (f.kind ?? '–') : f.status) },
      { header: 'FILE', value: name },
      { header: 'ROWS', value: (f) => counted(f, f.rows), align: 'right' },
      { header: 'ACCEPTED', value: (f) => counted(f, f.accepted), align: 'right' },
      { header: 'UPDATED', value: (f) => counted(f, f.updated), align: 'right' },
      { header: 'DUPLICATES', value: (f) => counted(f, f.duplicates), align: 'right' },
      { header: 'REJECTED', value: (f) => counted(f, f.rejected), align: 'right' },
      { header: 'IGNORED', value: (f) => counted(f, f.ignored), align: 'right' },
      { header: 'NOTE', value: (f) => f.note ?? '' },
    ]).trimEnd(),
  ];
  for (const f of r.files) {
    if (f.status !== 'imported') continue;
    for (const rej of f.rejects)
      lines.push(`  ${name(f)}:${rej.line ?? '?'} ${rej.field ?? '(row)'}: ${rej.reason}`);
    if (f.rejected > f.rejects.length)
      lines.push(
        `  ... and ${f.rejected - f.rejects.length} more: vigil rejects list --import ${f.importId}`,
      );
  }
  for (const w of r.warnings) lines.push(`warning: ${w}`);
  const n = (x: number) => Math.round(x).toLocaleString('en-US');
  lines.push(
    `Imported ${r.files.filter((f) => f.status === 'imported').length} file(s): ${n(r.rows)} rows, ${n(r.accepted)} accepted, ${n(r.updated)} updated, ${n(r.duplicates)} duplicates, ${n(r.rejected)} rejected, ${n(r.ignored)} ignored in ${(r.ms / 1000).toFixed(1)} s (${n(r.rowsPerSecond)} rows/s, ${r.mbPerSecond.toFixed(1)} MB/s)`,
  );
  if (r.rejected > 0) lines.push('Rejected rows are kept for review: vigil rejects list');
  return `${lines.join('\n')}\n`;
}
