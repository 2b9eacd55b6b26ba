import type { Band, ScoreResult } from '../scoring/score-result.ts';

/**
 * One account's rescore as playbooks see it. Same shape as the scoring engine's
 * `ScoreChange` (recomputeScores' `changes`), declared here so the pure playbook
 * core does not depend on the engine.
 */
export type ScoreChange = {
  accountId: string;
  owner: string | null;
  previous: { score: number; band: Band } | null;
  current: ScoreResult;
};
