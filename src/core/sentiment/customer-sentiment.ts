import vader from 'vader-sentiment';
import type { Scorer } from './cross-validate.ts';
import { naiveBayesNegative, trainNaiveBayes } from './naive-bayes.ts';
import { SENTIMENT_MODEL } from './sentiment-model.generated.ts';

/**
 * Terms VADER's general-purpose lexicon misses or misreads in B2B customer
 * text (support tickets, NPS comments, CSM notes), with valences on VADER's
 * −4..4 scale. VADER reads "unhelpful" as positive (it knows "helpful"), and
 * has no entry for "unreliable", "crashes" or "deal breaker".
 */
const B2B_TERMS: [RegExp, number][] = [
  [/\bunhelpful\b/i, -2],
  [/\bunresponsive\b/i, -2],
  [/\bunreliable\b/i, -2],
  [/\bcrash(es|ed|ing)?\b/i, -2],
  [/\bdeal[- ]breaker\b/i, -2],
  [/\bnightmare\b/i, -2.5],
  [/\b(too|very|so) expensive\b/i, -1.5],
  [/\boverpriced\b/i, -2],
  [/\bcannot justify|can't justify|can not justify\b/i, -2],
  [/\bhates?\b/i, -2.5],
  [/\btoo complicated|too complex\b/i, -1.5],
  [/\bslow\b/i, -1],
  [/\bblocked\b/i, -1.5],
  [/\boutage\b/i, -1.5],
  [/\bbroken|broke\b/i, -1.5],
  [/\bwithout fixing\b/i, -2],
  [/\bcancel(l?ing|l?ed)?\b/i, -1.5],
  [/\b(switch|moving|move) to (a |another )?(competitor|vendor)\b/i, -2.5],
  [/\bbugs?\b/i, -1],
  [/\bnobody (uses|is using)\b/i, -2],
];

/** VADER's compound score (−1..1) adjusted by the B2B lexicon. */
export function vaderLexiconSentiment(text: string): number {
  const base = vader.SentimentIntensityAnalyzer.polarity_scores(text).compound;
  let domain = 0;
  for (const [re, v] of B2B_TERMS) if (re.test(text)) domain += v;
  return Math.max(-1, Math.min(1, base + 0.35 * domain));
}

/** VADER alone, for comparison in tests and benchmarks. */
export const vaderCompound = (text: string) =>
  vader.SentimentIntensityAnalyzer.polarity_scores(text).compound;

/**
 * The classifier shipped with Vigil (Naive Bayes trained on the labelled customer texts) blended
 * with VADER + lexicon: −1 most negative .. +1 most positive. The classifier decides whether a text
 * is negative; VADER keeps the grading of clearly positive or negative wording it knows. Chosen by
 * 5-fold cross-validation (bench/sentiment.bench.ts; docs/adr/0014-learning-sentiment.md).
 */
export function classifierSentiment(text: string): number {
  return blend(naiveBayesNegative(SENTIMENT_MODEL, text), vaderLexiconSentiment(text));
}

const blend = (pNegative: number, vaderScore: number) =>
  Math.max(-1, Math.min(1, 0.5 * (1 - 2 * pNegative) + 0.5 * vaderScore));

/** The candidates compared in cross-validation, as "how negative" scorers (higher = more negative). */
export const SENTIMENT_SCORERS: Scorer[] = [
  { name: 'vader+lexicon', threshold: 0, fit: () => (t) => -vaderLexiconSentiment(t) },
  {
    name: 'naive-bayes+vader blend',
    threshold: 0,
    fit(train) {
      const m = trainNaiveBayes(
        train.map((r) => r.text),
        train.map((r) => r.label),
      );
      return (t) => -blend(naiveBayesNegative(m, t), vaderLexiconSentiment(t));
    },
  },
];
