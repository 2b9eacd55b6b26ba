import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { AppError } from '../../core/errors.ts';
import { approveModel } from '../../engine/learning/approve-model.ts';
import { createModel } from '../../engine/learning/create-model.ts';
import { diffModels, type ModelDiff } from '../../engine/learning/diff-models.ts';
import { listModels } from '../../engine/learning/list-models.ts';
import { printTable } from '../print-table.ts';
import { printJson, withContext } from '../with-context.ts';

const version = z.coerce.number().int().positive();
/** diff also accepts 0: the built-in default model. */
const anyVersion = z.coerce.number().int().nonnegative();
const jsonOpt = z.object({ json: z.boolean().default(false) });
const out = (s: string) => process.stdout.write(`${s}\n`);
const fmt = (v: unknown) =>
  v === undefined
    ? '(none)'
    : typeof v === 'number'
      ? Number.isInteger(v)
        ? String(v)
        : v.toFixed(4)
      : JSON.stringify(v);

export function register(program: Command) {
  const model = program.command('model').description('health model versions: list, compare, approve');

  model
    .command('create')
    .description(
      'store a new proposed model: a whole document, or the active (or --base) model with custom signals and other changes from a YAML/JSON file',
    )
    .requiredOption(
      '--file <path>',
      'YAML or JSON: a model document, or e.g. `custom: [{ id, label, weight, source, thresholds }]`',
    )
    .option('--base <version>', 'apply the file as changes to this version (default: the active model)')
    .option('--name <name>', 'name of the new version')
    .option('--by <name>', 'recorded as the creator (default: your login name)')
    .option('--json', 'print JSON')
    .action(async (raw: unknown, cmd: Command) => {
      const opts = jsonOpt
        .extend({
          file: z.string().min(1),
          base: z.coerce.number().int().positive().optional(),
          name: z.string().min(1).optional(),
          by: z.string().min(1).optional(),
        })
        .parse(raw);
      let document: unknown;
      try {
        document = parseYaml(readFileSync(opts.file, 'utf8'));
      } catch (e) {
        throw new AppError('BAD_INPUT', `${opts.file}: ${(e as Error).message}`);
      }
      if (typeof document !== 'object' || document === null || Array.isArray(document))
        throw new AppError('BAD_INPUT', `${opts.file}: expected a mapping (a model document or changes)`);
      await withContext(cmd, async (ctx) => {
        const r = await createModel(ctx, {
          document: document as Record<string, unknown>,
          base: opts.base,
          name: opts.name,
          by: opts.by ?? userInfo().username,
        });
        if (opts.json) return printJson(r);
        out(
          `Created model ${r.version} (${r.name}), proposed${r.baseVersion !== null ? `, from model ${r.baseVersion}` : ''}; custom signals: ${r.customSignals.join(', ') || 'none'}`,
        );
        for (const w of r.warnings) out(`  warning: ${w}`);
        out(
          `Backtest it with \`vigil backtest --model ${r.version}\`, approve with \`vigil model approve ${r.version}\`.`,
        );
      });
    });

  model
    .command('list', { isDefault: true })
    .description('list model versions, newest first')
    .option('--json', 'print JSON')
    .action(async (raw: unknown, cmd: Command) => {
      const opts = jsonOpt.parse(raw);
      await withContext(cmd, async (ctx) => {
        const rows = await listModels(ctx);
        if (opts.json) return printJson(rows);
        if (rows.length > 0)
          printTable(rows, [
            { header: 'VERSION', value: (m) => `v${m.version}` },
            { header: 'STATUS', value: (m) => m.status },
            { header: 'NAME', value: (m) => m.name.slice(0, 32) },
            { header: 'CREATED', value: (m) => m.createdAt.slice(0, 10) },
            { header: 'APPROVED BY', value: (m) => m.approvedBy },
            { header: 'AUC', value: (m) => m.backtest?.auc?.toFixed(3), align: 'right' },
            {
              header: 'MEDIAN LEAD',
              value: (m) => (m.backtest?.medianLeadDays == null ? null : `${m.backtest.medianLeadDays} d`),
              align: 'right',
            },
            {
              header: 'HORIZON',
              value: (m) => (m.backtest?.horizonDays == null ? null : `${m.backtest.horizonDays} d`),
              align: 'right',
            },
          ]);
        if (rows.length === 0) out('no model versions yet');
      });
    });

  model
    .command('diff')
    .description('compare two model versions: settings (weights first) and backtests side by side')
    .argument('<a>', 'version A (e.g. the active one; 0 = built-in default)')
    .argument('<b>', 'version B (e.g. the proposal)')
    .option('--json', 'print JSON')
    .action(async (a: string, b: string, raw: unknown, cmd: Command) => {
      const opts = jsonOpt.parse(raw);
      await withContext(cmd, async (ctx) => {
        const d = await diffModels(ctx, anyVersion.parse(a), anyVersion.parse(b));
        if (opts.json) return printJson(d);
        printDiff(d);
      });
    });

  model
    .command('approve')
    .description('make a proposed model version active (the current one is retired)')
    .argument('<version>', 'the proposed version')
    .option('--by <name>', 'who approves (default: your login name)')
    .option('--json', 'print JSON')
    .action(async (v: string, raw: unknown, cmd: Command) => {
      const opts = jsonOpt.extend({ by: z.string().min(1).optional() }).parse(raw);
      await withContext(cmd, async (ctx) => {
        const r = await approveModel(ctx, version.parse(v), opts.by ?? userInfo().username);
        if (opts.json) return printJson(r);
        out(
          `model ${r.version} is now active (approved by ${r.approvedBy}); ${r.previous === null ? 'no previous model' : `model ${r.previous} retired`}; ${r.accountsQueued} accounts queued for rescoring`,
        );
      });
    });
}

type Side = {
  auc?: number | null;
  aucCi?: { lower: number | null; upper: number | null };
  averagePrecision?: number | null;
  topDecile?: { precision: number; lift: number | null; recall: number | null };
  calibration?: { brier: number } | null;
  leadTime?: { atRisk?: { median: number | null }; critical?: { median: number | null } };
  bandChurnRates?: { band: string; rate: number | null }[];
};

function printDiff(d: ModelDiff) {
  out(`A: model ${d.a.version} (${d.a.status}) ${d.a.name}`);
  out(`B: model ${d.b.version} (${d.b.status}) ${d.b.name}`);
  out('');
  out(
    `${'SIGNAL (share of the score)'.padEnd(48)} ${'A'.padStart(10)} ${'B'.padStart(10)} ${'CHANGE'.padStart(9)}`,
  );
  const pc = (v: number) => `${(v * 100).toFixed(1)}%`;
  for (const w of d.effectiveWeights)
    out(
      `${w.signalId.padEnd(48)} ${pc(w.a).padStart(10)} ${pc(w.b).padStart(10)} ${`${w.delta > 0 ? '+' : ''}${(w.delta * 100).toFixed(1)}`.padStart(9)}`,
    );
  // Weights are in the table above; every other signal setting (e.g. learned thresholds) is listed.
  const other = d.changes.filter(
    (c) => !/^(signals\.[^.]+|categories\.[^.]+|custom\[[^\]]+\])\.weight$/.test(c.path),
  );
  out('');
  out(`${'OTHER SETTINGS'.padEnd(48)} ${'A'.padStart(10)} ${'B'.padStart(10)} ${'CHANGE'.padStart(9)}`);
  for (const c of other)
    out(
      `${c.path.slice(0, 48).padEnd(48)} ${fmt(c.a).slice(0, 10).padStart(10)} ${fmt(c.b).slice(0, 10).padStart(10)} ${c.delta === null ? '' : `${c.delta > 0 ? '+' : ''}${c.delta.toFixed(4)}`.padStart(9)}`,
    );
  if (other.length === 0) out('(none)');
  // A trained model stores its own backtest next to the one of the model it challenged, on the same held-out period.
  const stored = (d.backtests.b ?? d.backtests.a) as {
    proposed?: Side;
    current?: Side;
    heldOut?: { from: string; to: string };
  } | null;
  if (!stored?.proposed) return;
  const p = stored.proposed;
  const c = stored.current ?? {};
  out('');
  out(
    `Backtest on the held-out period${stored.heldOut ? ` ${stored.heldOut.from} – ${stored.heldOut.to}` : ''}: current vs proposed`,
  );
  const row = (label: string, x: string, y: string) =>
    out(`  ${label.padEnd(30)} ${x.padStart(16)} ${y.padStart(16)}`);
  const n = (v: number | null | undefined, k = 3) => (v === null || v === undefined ? '-' : v.toFixed(k));
  row('', 'current', 'proposed');
  row('ROC AUC', n(c.auc), n(p.auc));
  row('  95% CI', `${n(c.aucCi?.lower)}–${n(c.aucCi?.upper)}`, `${n(p.aucCi?.lower)}–${n(p.aucCi?.upper)}`);
  row('PR AUC', n(c.averagePrecision), n(p.averagePrecision));
  row('lift in riskiest 10%', n(c.topDecile?.lift, 2), n(p.topDecile?.lift, 2));
  row('Brier score', n(c.calibration?.brier, 4), n(p.calibration?.brier, 4));
  row('median lead, at-risk (days)', n(c.leadTime?.atRisk?.median, 0), n(p.leadTime?.atRisk?.median, 0));
  row('median lead, critical (days)', n(c.leadTime?.critical?.median, 0), n(p.leadTime?.critical?.median, 0));
  for (const band of ['critical', 'at-risk', 'healthy']) {
    const rate = (s: Side) => s.bandChurnRates?.find((b) => b.band === band)?.rate;
    const pc = (v: number | null | undefined) =>
      v === null || v === undefined ? '-' : `${(v * 100).toFixed(1)}%`;
    row(`churn rate, ${band}`, pc(rate(c)), pc(rate(p)));
  }
}
