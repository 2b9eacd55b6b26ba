import { classifierSentiment } from '../sentiment/customer-sentiment.ts';

export { vaderCompound, vaderLexiconSentiment } from '../sentiment/customer-sentiment.ts';

/**
 * Text sentiment, −1 (most negative) .. +1 (most positive): the classifier shipped with Vigil
 * (Naive Bayes trained on labelled customer texts) blended with VADER + a B2B lexicon, chosen over
 * VADER + lexicon alone by cross-validation (see src/core/sentiment and bench/sentiment.bench.ts).
 */
const MEMO = new Map<string, number>();
const MEMO_LIMIT = 20_000;

export function textSentiment(text: string): number {
  if (!text.trim()) return 0;
  const known = MEMO.get(text);
  if (known !== undefined) return known;
  const value = classifierSentiment(text);
  if (MEMO.size >= MEMO_LIMIT) MEMO.clear();
  MEMO.set(text, value);
  return value;
}
