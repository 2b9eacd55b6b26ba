/**
 * Sentiment in words — the one rule for showing a −1..+1 sentiment to a person (the account
 * timeline, the sentiment signals' details, warning signs). Numbers stay in `--json`/`numeric`.
 */
export const SENTIMENT_WORDS = ['very negative', 'negative', 'neutral', 'positive', 'very positive'] as const;
export type SentimentWord = (typeof SENTIMENT_WORDS)[number];

/** A −1..+1 sentiment in words: ≤ −0.6 very negative, ≤ −0.2 negative, < 0.2 neutral, < 0.6 positive. */
export function sentimentInWords(x: number): SentimentWord {
  if (x <= -0.6) return 'very negative';
  if (x <= -0.2) return 'negative';
  if (x < 0.2) return 'neutral';
  if (x < 0.6) return 'positive';
  return 'very positive';
}
