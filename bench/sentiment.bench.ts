/**
 * Sentiment of customer text (tickets, NPS/CSAT comments, CSM notes, churn feedback, email
 * replies): 5-fold cross-validation on the labelled set shipped in the package
 * (src/core/sentiment/training/labelled-texts.tsv, written for Vigil, Apache-2.0), comparing
 * VADER + the B2B lexicon, the shipped Naive Bayes classifier (trained on the other folds), and
 * their blend, against scikit-learn's MultinomialNB and TF-IDF LogisticRegression on the same folds.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crossValidate, naiveBayesScorer, stratifiedFolds } from '../src/core/sentiment/cross-validate.ts';
import { SENTIMENT_SCORERS } from '../src/core/sentiment/customer-sentiment.ts';
import {
  LABELLED_SET_PATH,
  type LabelledText,
  parseLabelledTexts,
} from '../src/core/sentiment/labelled-set.ts';
import type { BenchOptions, BenchRow } from './bench-row.ts';

const here = dirname(fileURLToPath(import.meta.url));
const PYTHON = '/usr/bin/python3';

export default async function sentimentBench(_: BenchOptions): Promise<BenchRow[]> {
  if (spawnSync(PYTHON, ['-c', 'import sklearn'], { stdio: 'ignore' }).status !== 0)
    throw new Error(
      'scikit-learn missing: apt-get install -y python3-sklearn (Debian python at /usr/bin/python3)',
    );
  const rows: LabelledText[] = parseLabelledTexts(readFileSync(join(here, '..', LABELLED_SET_PATH), 'utf8'));
  const folds = stratifiedFolds(rows, 5);
  const t0 = performance.now();
  const cv = crossValidate(rows, [naiveBayesScorer, ...SENTIMENT_SCORERS]);
  const ms = performance.now() - t0;
  const work = mkdtempSync(join(tmpdir(), 'vigil-bench-sentiment-'));
  try {
    const path = join(work, 'data.tsv');
    writeFileSync(
      path,
      `fold\tlabel\ttext\n${rows.map((r, i) => `${folds[i]}\t${r.label}\t${r.text}`).join('\n')}\n`,
    );
    const ref = JSON.parse(
      execFileSync(PYTHON, [join(here, 'sentiment-sklearn.py'), path], { encoding: 'utf8' }),
    ) as {
      nb: { auc: number; accuracy: number };
      tfidfLr: { auc: number; accuracy: number };
    };
    const negatives = rows.filter((r) => r.label === 1).length;
    const workload = `negative vs not, ${rows.length} labelled customer texts (${negatives} negative), 5-fold CV`;
    const out: BenchRow[] = [];
    for (const r of cv) {
      out.push({
        workload,
        metric: `ROC AUC: ${r.name}`,
        vigil: r.auc ?? 0,
        reference: ref.nb.auc,
        referenceName: 'scikit-learn MultinomialNB',
        unit: 'AUC',
        lowerIsBetter: false,
        note: `accuracy ${r.accuracy.toFixed(3)} (sklearn NB ${ref.nb.accuracy.toFixed(3)}, TF-IDF LR AUC ${ref.tfidfLr.auc.toFixed(3)} acc ${ref.tfidfLr.accuracy.toFixed(3)}; majority class ${Math.max(negatives, rows.length - negatives) / rows.length > 0 ? (Math.max(negatives, rows.length - negatives) / rows.length).toFixed(3) : '-'})`,
      });
    }
    out.push({
      workload,
      metric: 'cross-validation time (all scorers)',
      vigil: ms,
      reference: null,
      referenceName: null,
      unit: 'ms',
      lowerIsBetter: true,
    });
    return out;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
