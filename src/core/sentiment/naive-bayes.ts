/**
 * A small multinomial Naive Bayes text classifier (negative vs not negative) over words and word
 * pairs, with negation marking: after "not", "no", "never", "n't"... words are read as NOT_word
 * until the next punctuation, so "not happy" and "happy" are different evidence. Trained at build
 * time from a labelled set (scripts/train-sentiment.ts) and shipped as data: nothing is downloaded
 * at run time. Pure and deterministic.
 */
export type NaiveBayesModel = {
  /** log P(negative) − log P(not negative). */
  prior: number;
  /** token → log P(token | negative) − log P(token | not negative), Laplace-smoothed. */
  weights: Record<string, number>;
  /** Applied to tokens never seen in training (0: no evidence either way). */
  unknown: number;
};

const NEGATORS = new Set([
  'not',
  'no',
  'never',
  'nothing',
  'nobody',
  'none',
  'cannot',
  'cant',
  'dont',
  'doesnt',
  'didnt',
  'isnt',
  'wasnt',
  'wont',
  'without',
]);

/** Lower-cased words and adjacent pairs, with NOT_ marking inside a negated clause. */
export function tokenize(text: string): string[] {
  const clauses = text
    .toLowerCase()
    .replace(/n['’]t\b/g, ' not')
    .replace(/['’]/g, '')
    .split(/[.!?;:,()\n]+/);
  const out: string[] = [];
  for (const clause of clauses) {
    const words = clause.match(/[a-z0-9]+/g) ?? [];
    let negated = false;
    let prev: string | null = null;
    for (const w of words) {
      if (NEGATORS.has(w)) {
        negated = true;
        out.push(w);
        prev = w;
        continue;
      }
      const t = negated ? `NOT_${w}` : w;
      out.push(t);
      if (prev !== null) out.push(`${prev} ${t}`);
      prev = t;
    }
  }
  return out;
}

export function trainNaiveBayes(
  texts: readonly string[],
  labels: readonly (0 | 1)[],
  alpha = 1,
): NaiveBayesModel {
  const counts = [new Map<string, number>(), new Map<string, number>()] as const;
  const totals: [number, number] = [0, 0];
  const docs: [number, number] = [0, 0];
  for (let i = 0; i < texts.length; i++) {
    const y = labels[i] as 0 | 1;
    docs[y]++;
    for (const t of tokenize(texts[i] as string)) {
      counts[y].set(t, (counts[y].get(t) ?? 0) + 1);
      totals[y]++;
    }
  }
  const vocab = new Set([...counts[0].keys(), ...counts[1].keys()]);
  const v = vocab.size;
  const weights: Record<string, number> = {};
  for (const t of [...vocab].sort()) {
    const p1 = Math.log(((counts[1].get(t) ?? 0) + alpha) / (totals[1] + alpha * v));
    const p0 = Math.log(((counts[0].get(t) ?? 0) + alpha) / (totals[0] + alpha * v));
    weights[t] = Math.round((p1 - p0) * 1e4) / 1e4;
  }
  return {
    prior: Math.round(Math.log((docs[1] + 1) / (docs[0] + 1)) * 1e4) / 1e4,
    weights,
    unknown: 0,
  };
}

/** Log-odds that the text is negative (positive number = negative). */
export function naiveBayesLogOdds(model: NaiveBayesModel, text: string): number {
  let z = model.prior;
  for (const t of tokenize(text)) z += model.weights[t] ?? model.unknown;
  return z;
}

/** Probability that the text is negative. */
export function naiveBayesNegative(model: NaiveBayesModel, text: string): number {
  const z = naiveBayesLogOdds(model, text);
  return 1 / (1 + Math.exp(-Math.max(-30, Math.min(30, z))));
}
