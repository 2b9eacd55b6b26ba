import type { Command } from 'commander';
import { z } from 'zod';
import { scoreTableRows } from '../../core/learning/score-table-rows.ts';
import {
  type LearnFromTableReport,
  learnFromTable,
  readCsvTable,
  readTabularModel,
} from '../../engine/learning/learn-from-table.ts';
import { printJson } from '../with-context.ts';

const optionsSchema = z.object({
  mapping: z.string().min(1).optional(),
  model: z.string().min(1).optional(),
  score: z.string().min(1).optional(),
  save: z.string().min(1).optional(),
  testFraction: z.coerce.number().gt(0).lt(1).default(0.25),
  seed: z.coerce.number().int().default(42),
  top: z.coerce.number().int().positive().default(20),
  json: z.boolean().default(false),
});

const out = (s: string) => process.stdout.write(`${s}\n`);
const pct = (v: number | null | undefined) =>
  v === null || v === undefined ? '-' : `${(v * 100).toFixed(1)}%`;
const num = (v: number | null | undefined, d = 3) => (v === null || v === undefined ? '-' : v.toFixed(d));

export function register(program: Command) {
  program
    .command('learn-table')
    .description(
      'learn which traits predict churn from a customer table (CSV + mapping), or score rows with a saved model',
    )
    .argument('<file>', 'CSV with one row per customer and a churned yes/no column')
    .option(
      '--mapping <file>',
      'JSON/YAML mapping: idColumn, labelColumn, positiveValues, numericColumns, categoricalColumns',
    )
    .option('--model <file>', 'score <file> with a model saved earlier by --save (no learning)')
    .option('--score <file>', 'after learning, score the customers in this CSV')
    .option('--save <file>', 'write the learned model to this JSON file')
    .option('--test-fraction <share>', 'share of rows held out for evaluation', '0.25')
    .option('--seed <n>', 'seed of the hold-out split', '42')
    .option('--top <n>', 'scored rows to print, riskiest first', '20')
    .option('--json', 'print JSON')
    .action(async (file: string, raw: unknown) => {
      const opts = optionsSchema.parse(raw);
      if (opts.model) {
        const scored = scoreTableRows(readTabularModel(opts.model), readCsvTable(file)).sort(
          (a, b) => b.churnProbability - a.churnProbability,
        );
        if (opts.json) printJson(scored);
        else printScored(scored, opts.top);
        return;
      }
      if (!opts.mapping) {
        process.stderr.write('error: --mapping <file> is required to learn (or pass --model to score)\n');
        process.exit(2);
      }
      const report = learnFromTable({
        tablePath: file,
        mappingPath: opts.mapping,
        scorePath: opts.score,
        savePath: opts.save,
        testFraction: opts.testFraction,
        seed: opts.seed,
      });
      if (opts.json) printJson(report);
      else printReport(report, opts.top);
    });
}

function printReport(r: LearnFromTableReport, top: number) {
  const e = r.evaluation;
  out(
    `Learned from ${r.table}: ${r.rows.used} rows (${r.rows.rejected.length} rejected), churn rate ${pct(r.baseRate)}`,
  );
  out(
    `  ${r.featureCount} features; fitted on ${r.rows.train} rows, evaluated on ${r.rows.test} held-out rows`,
  );
  out('');
  out(`Held-out quality`);
  out(`  ROC AUC            ${num(e.auc)}  (95% CI ${num(e.aucCi.lower)}–${num(e.aucCi.upper)})`);
  out(`  PR AUC             ${num(e.averagePrecision)}`);
  out(`  Brier score        ${num(e.brier, 4)}`);
  out(
    `  Riskiest 10%       precision ${pct(e.topDecile.precision)}, recall ${pct(e.topDecile.recall)}, lift ${num(e.topDecile.lift, 2)}×`,
  );
  out('');
  out('Traits by importance (held-out AUC lost when the trait is shuffled)');
  for (const t of r.importance) {
    const strongest = [...t.features].sort(
      (a, b) => Math.abs(b.standardizedCoefficient) - Math.abs(a.standardizedCoefficient),
    )[0];
    const effect = strongest
      ? `${strongest.feature} ${strongest.standardizedCoefficient > 0 ? 'raises' : 'lowers'} churn (${strongest.standardizedCoefficient.toFixed(2)}/sd)`
      : '';
    out(`  ${t.trait.padEnd(22)} ${t.permutationImportance.toFixed(4).padStart(8)}  ${effect}`);
  }
  for (const rej of r.rows.rejected.slice(0, 5)) out(`  rejected row ${rej.row}: ${rej.reason}`);
  if (r.savedTo) out(`\nModel saved to ${r.savedTo}`);
  if (r.scored) {
    out('');
    printScored(
      [...r.scored].sort((a, b) => b.churnProbability - a.churnProbability),
      top,
    );
  }
}

function printScored(rows: LearnFromTableReport['scored'] & object, top: number) {
  out(`Scored ${rows.length} row(s), riskiest first`);
  for (const s of rows.slice(0, top))
    out(
      `  ${s.id.padEnd(20)} ${pct(s.churnProbability).padStart(6)}  ${s.drivers.map((d) => d.trait).join(', ')}`,
    );
}
