import vader from 'vader-sentiment';

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

/**
 * Text sentiment: VADER's compound score (−1 most negative .. +1 most
 * positive), adjusted by a small B2B lexicon where it matches.
 */
const MEMO = new Map<string, number>();
const MEMO_LIMIT = 20_000;

export function textSentiment(text: string): number {
  if (!text.trim()) return 0;
  const known = MEMO.get(text);
  if (known !== undefined) return known;
  const value = score(text);
  if (MEMO.size >= MEMO_LIMIT) MEMO.clear();
  MEMO.set(text, value);
  return value;
}

function score(text: string): number {
  const base = vader.SentimentIntensityAnalyzer.polarity_scores(text).compound;
  let domain = 0;
  for (const [re, v] of B2B_TERMS) if (re.test(text)) domain += v;
  return Math.max(-1, Math.min(1, base + 0.35 * domain));
}

/** VADER alone, for comparison in tests and benchmarks. */
export const vaderCompound = (text: string) =>
  vader.SentimentIntensityAnalyzer.polarity_scores(text).compound;
