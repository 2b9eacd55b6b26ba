import { effectiveStoredScore } from '../../core/scoring/effective-score.ts';
import type { Store } from '../../store/database.ts';

/**
 * The score at the portfolio's 75th percentile (current scores, overrides
 * applied): at or above it an account is in the top health quartile. Null when
 * nothing is scored.
 */
export async function findTopQuartileScore(store: Store): Promise<number | null> {
  const rows = await store.playbooks.currentScoreValues();
  if (rows.length === 0) return null;
  const scores = rows.map(effectiveStoredScore).sort((a, b) => a - b);
  return scores[Math.min(scores.length - 1, Math.floor(scores.length * 0.75))] ?? null;
}
