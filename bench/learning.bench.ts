import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BacktestSnapshot, evaluateBacktest } from '../src/core/learning/evaluate-backtest.ts';
import { fitSignalChurnModel } from '../src/core/learning/fit-signal-churn-model.ts';
import { fitTabularModel } from '../src/core/learning/fit-tabular-model.ts';
import { addDays } from '../src/core/learning/iso-days.ts';
import {
  fitLogisticRegression,
  predictProbabilities,
  sigmoid,
} from '../src/core/learning/logistic-regression.ts';
import { createPrng } from '../src/core/learning/prng.ts';
import { computeRocAuc } from '../src/core/learning/roc-auc.ts';
import { stratifiedSplit } from '../src/core/learning/stratified-split.ts';
import { generateSyntheticTelco, TELCO_MAPPING } from '../src/core/learning/synthetic-telco.ts';
import { tableMappingSchema } from '../src/core/learning/table-mapping.ts';
import { encodeTableRows } from '../src/core/learning/tabular-encoder.ts';
import { heldOutCutoff, splitByTime } from '../src/core/learning/time-split.ts';
import { contextForStore, fixedClock } from '../src/engine/context.ts';
import { DEMO_REFERENCE_END_DATE } from '../src/engine/demo/generate-demo.ts';
import { importFiles } from '../src/engine/import/import-files.ts';
import { backtestModel } from '../src/engine/learning/backtest-model.ts';
import { buildTrainingSet, type TrainingSnapshot } from '../src/engine/learning/build-training-set.ts';
import { resolveModel } from '../src/engine/learning/resolve-model.ts';
import { SCORING } from '../src/engine/learning/scoring-port.ts';
import { openStore } from '../src/store/database.ts';
import type { BenchOptions, BenchRow } from './bench-row.ts';
import { benchPortfolio } from './import.bench.ts';

const here = dirname(fileURLToPath(import.meta.url));
const PYTHON = '/usr/bin/python3';
const SKLEARN = 'scikit-learn LogisticRegression';

/** scikit-learn from Debian's python3-sklearn, installed when missing (needs root). */
function ensureSklearn(): string | null {
  const probe = () => spawnSync(PYTHON, ['-c', 'import sklearn'], { stdio: 'ignore' }).status === 0;
  if (probe()) return null;
  if (process.getuid?.() === 0) {
    process.stderr.write('  installing python3-sklearn (apt-get) for the reference ...\n');
    spawnSync('apt-get', ['install', '-y', 'python3-sklearn'], {
      stdio: 'ignore',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    if (probe()) return null;
  }
  return 'python3-sklearn not available (apt-get install python3-sklearn as root)';
}

function python<T>(args: string[]): T {
  const out = execFileSync(PYTHON, [join(here, 'learning-sklearn.py'), ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  return JSON.parse(out.trim()) as T;
}

function writeMatrix(path: string, x: Float64Array, y: ArrayLike<number>, d: number) {
  const lines = [Array.from({ length: d + 1 }, (_, j) => (j < d ? `f${j}` : 'y')).join(',')];
  for (let i = 0; i < y.length; i++) {
    const row: string[] = [];
    for (let j = 0; j < d; j++) row.push(String(x[i * d + j]));
    row.push(String(y[i]));
    lines.push(row.join(','));
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
}

/** Synthetic signal snapshots: 12 sub-scores (0–100), five informative, the rest noise, ~8% churn. */
function signalSnapshots(n: number, seed: number) {
  const d = 12;
  const beta = [-0.04, -0.03, -0.02, -0.015, -0.01, 0, 0, 0, 0, 0, 0, 0];
  const prng = createPrng(seed);
  const x = new Float64Array(n * d);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let e = 1.6;
    for (let j = 0; j < d; j++) {
      const v = Math.round(prng.next() * 1000) / 10;
      x[i * d + j] = v;
      e += (beta[j] as number) * v;
    }
    y[i] = prng.next() < sigmoid(e) ? 1 : 0;
  }
  return { x, y, d, names: beta.map((_, j) => `signal-${j}`) };
}

function time<T>(fn: () => T): { ms: number; value: T } {
  const t = performance.now();
  const value = fn();
  return { ms: performance.now() - t, value };
}

/** Best of three runs (the first pays for JIT compilation), as the scikit-learn side does. */
function best3<T>(fn: () => T): { ms: number; value: T } {
  let best = time(fn);
  for (let i = 0; i < 2; i++) {
    const r = time(fn);
    if (r.ms < best.ms) best = r;
  }
  return best;
}

export default async function run({ quick }: BenchOptions): Promise<BenchRow[]> {
  const missing = ensureSklearn();
  const ref = (v: number) => (missing ? null : v);
  const refName = missing ? null : SKLEARN;
  const work = mkdtempSync(join(tmpdir(), 'vigil-bench-learning-'));
  const rows: BenchRow[] = [];
  try {
    // 1. Tabular snapshot (Telco-shaped, 7,043 rows like the public sample): same split, same features.
    const mapping = tableMappingSchema.parse(TELCO_MAPPING);
    const table = generateSyntheticTelco(7043, 1);
    const tab = time(() => fitTabularModel(table, mapping, { seed: 42, bootstrapIterations: 200 }));
    // The split fitTabularModel made (same seed, same routine), so sklearn sees the same rows.
    const enc = tab.value.model.encoder;
    const split = stratifiedSplit(
      table.map((r) => (r.Churn === 'Yes' ? 1 : 0)),
      0.25,
      createPrng(42),
    );
    const inTrain = new Set(split.train);
    const trainRows = table.filter((_, i) => inTrain.has(i));
    const testRows = table.filter((_, i) => !inTrain.has(i));
    const d = enc.featureNames.length;
    const label = (r: (typeof table)[number]) => (r.Churn === 'Yes' ? 1 : 0);
    writeMatrix(join(work, 'tab-train.csv'), encodeTableRows(enc, trainRows), trainRows.map(label), d);
    writeMatrix(join(work, 'tab-test.csv'), encodeTableRows(enc, testRows), testRows.map(label), d);
    // Fit-only timing for Vigil too (the report above also bootstraps and permutes).
    const xTr = encodeTableRows(enc, trainRows);
    const fitOnly = best3(() =>
      fitLogisticRegression(xTr, Float64Array.from(trainRows, label), enc.featureNames, { l2: 1 }),
    );
    const sk = missing
      ? null
      : python<{ fitMs: number; auc: number }>([
          'fit',
          join(work, 'tab-train.csv'),
          join(work, 'tab-test.csv'),
        ]);
    const w1 = `tabular churn table, ${table.length.toLocaleString('en-US')} rows × ${d} one-hot features`;
    rows.push(
      {
        workload: w1,
        metric: 'held-out ROC AUC',
        vigil: tab.value.evaluation.auc as number,
        reference: sk ? ref(sk.auc) : null,
        referenceName: refName,
        unit: 'AUC',
        lowerIsBetter: false,
        note: `same split (${testRows.length} test rows), L2 C=1 on standardised features`,
      },
      {
        workload: w1,
        metric: 'fit time',
        vigil: fitOnly.ms,
        reference: sk ? ref(sk.fitMs) : null,
        referenceName: refName,
        unit: 'ms',
        lowerIsBetter: true,
        note: 'IRLS (Vigil) vs lbfgs, excluding CSV parsing',
      },
      {
        workload: w1,
        metric: 'full learn-table report',
        vigil: tab.ms,
        reference: null,
        referenceName: null,
        unit: 'ms',
        lowerIsBetter: true,
        note: 'split, encode, fit, AUC + 200 bootstrap, permutation importance',
      },
    );

    // 2. Signal sub-score snapshots: 10,000 accounts × 24 months.
    const n = quick ? 24_000 : 240_000;
    const train = signalSnapshots(n, 1);
    const test = signalSnapshots(Math.round(n / 2), 2);
    writeMatrix(join(work, 'sig-train.csv'), train.x, train.y, train.d);
    writeMatrix(join(work, 'sig-test.csv'), test.x, test.y, test.d);
    const fit = best3(() => fitLogisticRegression(train.x, train.y, train.names, { l2: 1 }));
    const vAuc = computeRocAuc(predictProbabilities(fit.value, test.x), test.y) as number;
    const sk2 = missing
      ? null
      : python<{ fitMs: number; auc: number }>([
          'fit',
          join(work, 'sig-train.csv'),
          join(work, 'sig-test.csv'),
        ]);
    const w2 = `fit churn model on ${n.toLocaleString('en-US')} snapshots × 12 sub-scores`;
    rows.push(
      {
        workload: w2,
        metric: 'fit time (best of 3)',
        vigil: fit.ms,
        reference: sk2 ? ref(sk2.fitMs) : null,
        referenceName: refName,
        unit: 'ms',
        lowerIsBetter: true,
        note: `${fit.value.iterations} Newton steps`,
      },
      {
        workload: w2,
        metric: 'held-out ROC AUC',
        vigil: vAuc,
        reference: sk2 ? ref(sk2.auc) : null,
        referenceName: refName,
        unit: 'AUC',
        lowerIsBetter: false,
      },
    );

    // 3. Backtest metrics over 10,000 accounts × 24 monthly snapshots.
    const accounts = quick ? 1000 : 10_000;
    const snaps = backtestSnapshots(accounts, 24, 3);
    const iterations = 200;
    const bt = time(() => evaluateBacktest(snaps, { horizonDays: 180, bootstrapIterations: iterations }));
    writeFileSync(
      join(work, 'metrics.csv'),
      `risk,label,prob\n${snaps.map((s) => `${100 - s.score},${s.label},${s.churnProbability}`).join('\n')}\n`,
    );
    const sk3 = missing
      ? null
      : python<{ ms: number; auc: number }>(['metrics', join(work, 'metrics.csv'), String(iterations)]);
    rows.push({
      workload: `backtest metrics, ${snaps.length.toLocaleString('en-US')} account-snapshots`,
      metric: `AUC + ${iterations}× bootstrap CI, PR AUC, decile lift, bands, calibration, Brier, lead time`,
      vigil: bt.ms,
      reference: sk3 ? ref(sk3.ms) : null,
      referenceName: missing ? null : 'scikit-learn metrics (no lead time, no bands)',
      unit: 'ms',
      lowerIsBetter: true,
      note: sk3 ? `AUC ${bt.value.auc?.toFixed(4)} vs ${sk3.auc.toFixed(4)}` : undefined,
    });
    rows.push(...(await demoPortfolio(quick, work, missing)));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return rows;
}

/**
 * The real path on the demo portfolio: as-of snapshots scored from history (the expensive part),
 * the backtest report, and the churn model fitted on the fit period and judged on the held-out
 * year, with scikit-learn fitting the same features on the same split.
 */
async function demoPortfolio(quick: boolean, work: string, missing: string | null): Promise<BenchRow[]> {
  const accounts = quick ? 1000 : 10_000;
  const dir = await benchPortfolio(accounts, 24);
  const store = await openStore({ url: join(work, 'demo.db') });
  const ctx = contextForStore(store, { clock: fixedClock(`${DEMO_REFERENCE_END_DATE}T12:00:00Z`) });
  try {
    const files = readdirSync(dir)
      .filter((f) => /\.(csv|ndjson)$/.test(f))
      .map((f) => join(dir, f));
    await importFiles(ctx, { paths: files });
    const model = await resolveModel(ctx);
    const build = await time2(() =>
      buildTrainingSet(ctx, { model: { version: model.version, document: model.document } }),
    );
    const set = build.value;
    const n = set.snapshots.length + set.leadTimeSnapshots.length;
    const w = `demo portfolio ${accounts.toLocaleString('en-US')} accounts × 24 months`;
    const rows: BenchRow[] = [
      {
        workload: w,
        metric: 'as-of snapshots scored from history',
        vigil: n / (build.ms / 1000),
        reference: null,
        referenceName: null,
        unit: 'snapshots/s',
        lowerIsBetter: false,
        note: `${n.toLocaleString('en-US')} snapshots in ${(build.ms / 1000).toFixed(1)} s (no reference tool computes Vigil's 38 signals)`,
      },
    ];
    const bt = await time2(() => backtestModel(ctx, { bootstrapIterations: 200, record: false }));
    rows.push({
      workload: w,
      metric: 'full backtest (snapshots + metrics), default model',
      vigil: bt.ms / 1000,
      reference: null,
      referenceName: null,
      unit: 's',
      lowerIsBetter: true,
      note: `AUC ${bt.value.metrics.auc?.toFixed(3)}; metrics alone ${(bt.value.timings.metricsMs / 1000).toFixed(2)} s`,
    });

    // Backtest from stored scores, as after scoring's backfill: the scores computed above are
    // written to the scores table (a few days before each date, like a weekly backfill).
    const stored = [...set.snapshots, ...set.leadTimeSnapshots].map((s) => ({
      account_id: s.accountId,
      as_of: addDays(s.asOf, -3),
      model_version: model.version,
      score: s.score,
      band: s.band,
      coverage: 1,
      detail: '{}',
      computed_at: set.to,
    }));
    for (let i = 0; i < stored.length; i += 1000)
      await store.db
        .insertInto('scores')
        .values(stored.slice(i, i + 1000))
        .execute();
    const fast = await time2(() =>
      backtestModel(ctx, { bootstrapIterations: 200, record: false, scores: 'stored' }),
    );
    rows.push({
      workload: w,
      metric: `backtest from stored scores (${fast.value.metrics.snapshots.toLocaleString('en-US')} snapshots)`,
      vigil: fast.ms / 1000,
      reference: null,
      referenceName: null,
      unit: 's',
      lowerIsBetter: true,
      note: `labels, lookup, AUC + 200× bootstrap, calibration, lead time; AUC ${fast.value.metrics.auc?.toFixed(3)}`,
    });

    const cutoff = heldOutCutoff(set.to, 12);
    const split = splitByTime(set.snapshots, { cutoff, horizonDays: set.horizonDays });
    const ids = SCORING.signalIds(model.document);
    // Dated rows, as `vigil train` passes them: λ is chosen on the latest fit-period dates.
    const toRows = (xs: TrainingSnapshot[]) =>
      xs.map((s) => ({
        subScores: s.subScores,
        label: s.label,
        group: s.accountId,
        asOf: s.asOf,
        outcomeBy: s.outcomeBy,
      }));
    const full = time(() => fitSignalChurnModel(toRows(split.train), ids));
    const fitted = full.value;
    // Same features both sides: the kept signals, missing values filled with the fit-period mean.
    const matrix = (xs: TrainingSnapshot[]) => {
      const d = fitted.signalIds.length;
      const x = new Float64Array(xs.length * d);
      xs.forEach((s, i) => {
        fitted.signalIds.forEach((id, j) => {
          const v = s.subScores[id];
          x[i * d + j] = typeof v === 'number' ? v : (fitted.fillValues[j] as number);
        });
      });
      return x;
    };
    const d = fitted.signalIds.length;
    const xTrain = matrix(split.train);
    const xTest = matrix(split.test);
    const yTrain = Float64Array.from(split.train, (s) => s.label);
    const yTest = Float64Array.from(split.test, (s) => s.label);
    const plain = best3(() => fitLogisticRegression(xTrain, yTrain, fitted.signalIds, { l2: 1 }));
    const auc = computeRocAuc(predictProbabilities(plain.value, xTest), yTest) as number;
    writeMatrix(join(work, 'demo-train.csv'), xTrain, yTrain, d);
    writeMatrix(join(work, 'demo-test.csv'), xTest, yTest, d);
    const sk = missing
      ? null
      : python<{ fitMs: number; auc: number }>([
          'fit',
          join(work, 'demo-train.csv'),
          join(work, 'demo-test.csv'),
        ]);
    const wf = `${w}: churn model on ${split.train.length.toLocaleString('en-US')} fit-period snapshots × ${d} signals`;
    rows.push(
      {
        workload: wf,
        metric: 'fit time (L2 C=1)',
        vigil: plain.ms,
        reference: sk ? sk.fitMs : null,
        referenceName: sk ? SKLEARN : null,
        unit: 'ms',
        lowerIsBetter: true,
      },
      {
        workload: wf,
        metric: `held-out ROC AUC (${split.test.length.toLocaleString('en-US')} snapshots from ${cutoff})`,
        vigil: auc,
        reference: sk ? sk.auc : null,
        referenceName: sk ? SKLEARN : null,
        unit: 'AUC',
        lowerIsBetter: false,
      },
      {
        workload: wf,
        metric: 'learning incl. λ cross-validation and signal elimination',
        vigil: full.ms,
        reference: null,
        referenceName: null,
        unit: 'ms',
        lowerIsBetter: true,
        note: `λ=${fitted.l2} (${fitted.l2Validation} validation), ${fitted.signalIds.length} signals kept`,
      },
    );
    return rows;
  } finally {
    await store.close();
  }
}

async function time2<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = performance.now();
  const value = await fn();
  return { ms: performance.now() - t, value };
}

/** Monthly snapshots of accounts whose health drifts down before they churn. */
function backtestSnapshots(accounts: number, months: number, seed: number): BacktestSnapshot[] {
  const prng = createPrng(seed);
  const out: BacktestSnapshot[] = [];
  for (let a = 0; a < accounts; a++) {
    const churnMonth = prng.next() < 0.25 ? 6 + prng.int(months + 6) : null;
    let health = 55 + prng.next() * 40;
    for (let m = 0; m < months; m++) {
      if (churnMonth !== null && m >= churnMonth) break;
      const toChurn = churnMonth === null ? null : churnMonth - m;
      if (toChurn !== null && toChurn <= 8) health -= 3 + prng.next() * 5;
      const score = Math.max(0, Math.min(100, health + (prng.next() - 0.5) * 20));
      const month = String((m % 12) + 1).padStart(2, '0');
      const asOf = `${2023 + Math.floor(m / 12)}-${month}-01`;
      const churnDate =
        churnMonth !== null && toChurn !== null && toChurn <= 6
          ? `${2023 + Math.floor(churnMonth / 12)}-${String((churnMonth % 12) + 1).padStart(2, '0')}-15`
          : null;
      out.push({
        accountId: `acct-${a}`,
        asOf,
        score,
        band: score < 40 ? 'critical' : score < 65 ? 'at-risk' : 'healthy',
        churnProbability: sigmoid(-0.08 * score + 3),
        label: churnDate ? 1 : 0,
        churnDate,
      });
    }
  }
  return out;
}
