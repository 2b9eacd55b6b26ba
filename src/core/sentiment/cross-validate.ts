import { computeRocAuc } from '../learning/roc-auc.ts';
import type { LabelledText } from './labelled-set.ts';
import { naiveBayesNegative, trainNaiveBayes } from './naive-bayes.ts';

/** Stratified, deterministic fold of each row: the k-th negative goes to fold k mod folds, and so on. */
export function stratifiedFolds(rows: readonly LabelledText[], folds: number): number[] {
  const seen = [0, 0];
  return rows.map((r) => {
    const f = (seen[r.label] as number) % folds;
    seen[r.label] = (seen[r.label] as number) + 1;
    return f;
  });
}

export type Scorer = {
  name: string;
  /** Trained on the other folds (or not at all); returns "how negative", higher = more negative. */
  fit(train: readonly LabelledText[]): (text: string) => number;
  /** The cut above which a text counts as negative. */
  threshold: number;
};

export type CrossValidation = { name: string; auc: number | null; accuracy: number; scores: number[] };

/** Out-of-fold scores of each scorer on the same folds, with ROC AUC and accuracy. */
export function crossValidate(
  rows: readonly LabelledText[],
  scorers: readonly Scorer[],
  folds = 5,
): CrossValidation[] {
  const fold = stratifiedFolds(rows, folds);
  const labels = rows.map((r) => r.label);
  return scorers.map((s) => {
    const scores = new Array<number>(rows.length).fill(0);
    for (let k = 0; k < folds; k++) {
      const score = s.fit(rows.filter((_, i) => fold[i] !== k));
      rows.forEach((r, i) => {
        if (fold[i] === k) scores[i] = score(r.text);
      });
    }
    const correct = scores.filter((x, i) => (x > s.threshold ? 1 : 0) === labels[i]).length;
    return { name: s.name, auc: computeRocAuc(scores, labels), accuracy: correct / rows.length, scores };
  });
}

/** The Naive Bayes scorer: P(negative), trained on the given rows. */
export const naiveBayesScorer: Scorer = {
  name: 'naive-bayes',
  threshold: 0.5,
  fit(train) {
    const m = trainNaiveBayes(
      train.map((r) => r.text),
      train.map((r) => r.label),
    );
    return (t) => naiveBayesNegative(m, t);
  },
};
