import type { Band, ScoreResult } from './score-result.ts';

/**
 * The effective score rule, in one place: a manual override in force replaces the computed score
 * (and its band) for every decision — playbooks, expansion cut-offs, lists; the computed score is
 * still shown next to it.
 */
export const effectiveScore = (r: Pick<ScoreResult, 'score' | 'override'>): number =>
  r.override?.score ?? r.score;

export const effectiveBand = (r: Pick<ScoreResult, 'band' | 'override'>): Band => r.override?.band ?? r.band;

/** The same rule on stored columns (`current_scores.score`, `current_scores.override_score`). */
export const effectiveStoredScore = (row: { score: number; override_score: number | null }): number =>
  Number(row.override_score ?? row.score);
