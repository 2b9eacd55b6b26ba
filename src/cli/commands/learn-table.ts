import type { Command } from 'commander';
import { z } from 'zod';
import { scoreTableRows } from '../../core/learning/score-table-rows.ts';
import {
  type LearnFromTableReport,
  learnFromTable,
  readCsvTable,
  readTabularModel,
} from '../../engine/learning/learn-from-table.ts';
import { formatTable } from '../print-table.ts';
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
  process.stdout.write(formatLearnReport(r, top));
}

function printScored(rows: Scored, top: number) {
  process.stdout.write(formatScored(rows, top));
}

type Scored = NonNullable<LearnFromTableReport['scored']>;

/**
 * What `learn-table` learned, for people: the data, the held-out quality, the traits by importance
 * as a table (importance and effect per sd rounded), rejected rows, then the scored rows if any.
 */
export function formatLearnReport(r: LearnFromTableReport, top: number): string {
  const e = r.evaluation;
  const n = (x: number) => x.toLocaleString('en-US');
  const lines = [
    `Learned from ${r.table}: ${n(r.rows.used)} rows (${n(r.rows.rejected.length)} rejected), churn rate ${pct(r.baseRate)}`,
    `  ${r.featureCount} features; fitted on ${n(r.rows.train)} rows, evaluated on ${n(r.rows.test)} held-out rows`,
    '',
    'Held-out quality',
    formatTable(
      [
        ['ROC AUC', num(e.auc), `95% CI ${num(e.aucCi.lower)}–${num(e.aucCi.upper)}`],
        ['PR AUC', num(e.averagePrecision), ''],
        ['Brier score', num(e.brier, 4), ''],
        [
          'Lift, riskiest 10%',
          `${num(e.topDecile.lift, 2)}×`,
          `precision ${pct(e.topDecile.precision)}, recall ${pct(e.topDecile.recall)}`,
        ],
      ],
      [
        { header: 'METRIC', value: (x) => x[0] },
        { header: 'VALUE', value: (x) => x[1], align: 'right' },
        { header: 'NOTE', value: (x) => x[2] },
      ],
    ).trimEnd(),
    '',
    'Traits by importance (held-out AUC lost when the trait is shuffled)',
    formatTable(r.importance, [
      { header: 'TRAIT', value: (t) => t.trait },
      { header: 'IMPORTANCE', value: (t) => t.permutationImportance.toFixed(4), align: 'right' },
      {
        header: 'STRONGEST EFFECT',
        value: (t) => {
          const strongest = [...t.features].sort(
            (a, b) => Math.abs(b.standardizedCoefficient) - Math.abs(a.standardizedCoefficient),
          )[0];
          return strongest
            ? `${strongest.feature} ${strongest.standardizedCoefficient > 0 ? 'raises' : 'lowers'} churn (${strongest.standardizedCoefficient.toFixed(2)}/sd)`
            : '';
        },
      },
    ]).trimEnd(),
  ];
  for (const rej of r.rows.rejected.slice(0, 5)) lines.push(`  rejected row ${rej.row}: ${rej.reason}`);
  if (r.savedTo) lines.push('', `Model saved to ${r.savedTo}`);
  let text = `${lines.join('\n')}\n`;
  if (r.scored)
    text += `\n${formatScored(
      [...r.scored].sort((a, b) => b.churnProbability - a.churnProbability),
      top,
    )}`;
  return text;
}

/** Scored rows, riskiest first: id, churn probability (one decimal), the traits driving it. */
export function formatScored(rows: Scored, top: number): string {
  return `Scored ${rows.length.toLocaleString('en-US')} row(s), riskiest first${rows.length > top ? ` (top ${top})` : ''}\n${formatTable(
    rows.slice(0, top),
    [
      { header: 'ID', value: (s) => s.id },
      { header: 'CHURN', value: (s) => pct(s.churnProbability), align: 'right' },
      { header: 'DRIVERS', value: (s) => s.drivers.map((d) => d.trait).join(', ') },
    ],
  )}`;
}
