import vader from 'vader-sentiment';

/**
 * Text sentiment with VADER (a lexicon and rule-based model tuned for short,
 * informal text): the compound score, −1 (most negative) .. +1 (most positive).
 */
export function textSentiment(text: string): number {
  if (!text.trim()) return 0;
  return vader.SentimentIntensityAnalyzer.polarity_scores(text).compound;
}
