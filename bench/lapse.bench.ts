/**
 * Learning from a business without contracts: the demo's non-contractual mode, the lapse label
 * (no activity or purchase for 60 days = churned), `vigil train` fitted on the early months and
 * judged on the held-out last months, against the baselines it must beat on the very same
 * snapshots and split: days since the last activity alone, and a recency/frequency/monetary
 * logistic regression fitted by scikit-learn (bench/lapse-rfm-sklearn.py). The baselines' features
 * are read from the generated files, not from Vigil's database.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CUSTOMER_ACTIVITY_EVENT_TYPES } from '../src/core/learning/label-lapse.ts';
import { heldOutCutoff, splitByTime } from '../src/core/learning/time-split.ts';
import { contextForStore, fixedClock } from '../src/engine/context.ts';
import { DEMO_REFERENCE_END_DATE, generateDemo } from '../src/engine/demo/generate-demo.ts';
import { importFiles } from '../src/engine/import/import-files.ts';
import { buildTrainingSet } from '../src/engine/learning/build-training-set.ts';
import { resolveModel } from '../src/engine/learning/resolve-model.ts';
import { trainModel } from '../src/engine/learning/train-model.ts';
import { openStore } from '../src/store/database.ts';
import type { BenchOptions, BenchRow } from './bench-row.ts';

const here = dirname(fileURLToPath(import.meta.url));
const PYTHON = '/usr/bin/python3';
const LAPSE = 60;
const TEST_MONTHS = 8;
const DAY = 86_400_000;
const dayOf = (iso: string) => Math.round(Date.parse(`${iso.slice(0, 10)}T00:00:00Z`) / DAY);

type Raw = { activity: Map<string, number[]>; orders: Map<string, { day: number; amount: number }[]> };

function readRaw(dir: string): Raw {
  const sets = new Map<string, Set<number>>();
  const orders = new Map<string, { day: number; amount: number }[]>();
  const add = (id: string, d: number) => {
    if (!sets.has(id)) sets.set(id, new Set());
    sets.get(id)?.add(d);
  };
  const types = new Set<string>(CUSTOMER_ACTIVITY_EVENT_TYPES);
  for (const f of readdirSync(dir)) {
    const text = readFileSync(join(dir, f), 'utf8');
    if (f.startsWith('usage-'))
      for (const line of text.split('\n').slice(1)) {
        const c = line.split(',');
        if (c.length > 4) add(c[1] as string, dayOf(c[4] as string));
      }
    if (f.endsWith('.ndjson'))
      for (const line of text.split('\n')) {
        if (!line) continue;
        const e = JSON.parse(line) as {
          accountId: string;
          type: string;
          time: string;
          properties: { amount?: number };
        };
        if (types.has(e.type)) add(e.accountId, dayOf(e.time));
        if (e.type === 'invoice_issued') {
          if (!orders.has(e.accountId)) orders.set(e.accountId, []);
          orders.get(e.accountId)?.push({ day: dayOf(e.time), amount: e.properties.amount ?? 0 });
        }
      }
  }
  const activity = new Map<string, number[]>();
  for (const [id, s] of sets)
    activity.set(
      id,
      [...s].sort((a, b) => a - b),
    );
  return { activity, orders };
}

/** Recency, frequency (90 and 365 days) and monetary value (365 days) as of a date: only the past. */
function rfm(raw: Raw, accountId: string, asOf: string): number[] {
  const t = dayOf(asOf);
  const days = (raw.activity.get(accountId) ?? []).filter((d) => d <= t);
  const last = days.at(-1);
  const recency = last === undefined ? 3650 : t - last;
  const f90 = days.filter((d) => d > t - 90).length;
  const f365 = days.filter((d) => d > t - 365).length;
  const m365 = (raw.orders.get(accountId) ?? [])
    .filter((o) => o.day <= t && o.day > t - 365)
    .reduce((s, o) => s + o.amount, 0);
  return [recency, f90, f365, m365];
}

export default async function lapseBench({ quick }: BenchOptions): Promise<BenchRow[]> {
  if (spawnSync(PYTHON, ['-c', 'import sklearn'], { stdio: 'ignore' }).status !== 0)
    throw new Error(
      'scikit-learn missing: apt-get install -y python3-sklearn (Debian python at /usr/bin/python3)',
    );
  const accounts = quick ? 600 : 3000;
  const work = mkdtempSync(join(tmpdir(), 'vigil-bench-lapse-'));
  const end = DEMO_REFERENCE_END_DATE;
  try {
    const dir = join(work, 'demo');
    await generateDemo({ outDir: dir, accounts, months: 24, seed: 7, endDate: end, mode: 'noncontractual' });
    const store = await openStore({ url: join(work, 'vigil.db') });
    const ctx = contextForStore(store, { clock: fixedClock(`${end}T12:00:00Z`) });
    try {
      await importFiles(ctx, { paths: [dir] });
      const t0 = performance.now();
      const r = await trainModel(ctx, {
        label: 'lapse',
        lapseDays: LAPSE,
        testMonths: TEST_MONTHS,
        bootstrapIterations: 50,
      });
      const trainMs = performance.now() - t0;
      // the same snapshots and the same time split as training used
      const current = await resolveModel(ctx, r.currentVersion);
      const set = await buildTrainingSet(ctx, {
        model: { version: current.version, document: current.document },
        mode: 'lapse',
        lapseDays: LAPSE,
        horizonDays: r.horizonDays,
      });
      const split = splitByTime(set.snapshots, {
        cutoff: heldOutCutoff(set.to, TEST_MONTHS),
        horizonDays: r.horizonDays,
      });
      if (split.test.length !== r.heldOut.snapshots || split.train.length !== r.fit.snapshots)
        throw new Error('baseline split differs from the training split');
      const raw = readRaw(dir);
      const csv = (rows: typeof split.train) =>
        `recency,frequency90,frequency365,monetary365,label\n${rows
          .map((s) => [...rfm(raw, s.accountId, s.asOf), s.label].join(','))
          .join('\n')}\n`;
      writeFileSync(join(work, 'train.csv'), csv(split.train));
      writeFileSync(join(work, 'test.csv'), csv(split.test));
      const ref = JSON.parse(
        execFileSync(
          PYTHON,
          [join(here, 'lapse-rfm-sklearn.py'), join(work, 'train.csv'), join(work, 'test.csv')],
          {
            encoding: 'utf8',
          },
        ).trim(),
      ) as { rfmAuc: number; recencyAuc: number; frequencyAuc: number };
      const auc = r.proposed.auc ?? 0;
      const workload = `lapse label, ${accounts} non-contractual customers, held-out ${TEST_MONTHS} months (${r.heldOut.snapshots} snapshots, ${r.heldOut.churned} lapsed)`;
      return [
        {
          workload,
          metric: 'held-out ROC AUC vs days since last activity',
          vigil: auc,
          reference: ref.recencyAuc,
          referenceName: 'recency alone',
          unit: 'AUC',
          lowerIsBetter: false,
        },
        {
          workload,
          metric: 'held-out ROC AUC vs RFM logistic regression',
          vigil: auc,
          reference: ref.rfmAuc,
          referenceName: 'scikit-learn RFM LogisticRegression',
          unit: 'AUC',
          lowerIsBetter: false,
          note: `default model ${r.current.auc?.toFixed(3)}; frequency alone ${ref.frequencyAuc.toFixed(3)}`,
        },
        {
          workload,
          metric: 'train time',
          vigil: trainMs,
          reference: null,
          referenceName: null,
          unit: 'ms',
          lowerIsBetter: true,
        },
      ];
    } finally {
      await store.close();
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
