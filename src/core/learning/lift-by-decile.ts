import { groupScores } from './score-groups.ts';

export type DecileLift = {
  /** 1 = the riskiest tenth of rows, 10 = the safest. */
  decile: number;
  /** Rows (account snapshots) in the decile. */
  accounts: number;
  churned: number;
  /** churned / accounts; null for an empty decile. */
  churnRate: number | null;
  /** churnRate / base rate: how many times the average churn this decile has; null when undefined. */
  lift: number | null;
};

/**
 * Churn and lift per risk decile (highest score first; pass a risk, not a health score). Deciles
 * are tenths of the ranking, but rows tied at a score are never split: a tied group joins the
 * decile its middle rank falls in, so the result does not depend on input order. With many ties a
 * decile can be larger than a tenth, or empty.
 */
export function computeLiftByDecile(scores: ArrayLike<number>, labels: ArrayLike<number>): DecileLift[] {
  const g = groupScores(scores, labels);
  const n = scores.length;
  const accounts = new Array<number>(10).fill(0);
  const churned = new Array<number>(10).fill(0);
  let rank = 0;
  for (let k = g.values.length - 1; k >= 0; k--) {
    const size = (g.positives[k] as number) + (g.negatives[k] as number);
    const middle = rank + (size - 1) / 2;
    const d = Math.min(9, Math.floor((middle * 10) / n));
    accounts[d] = (accounts[d] as number) + size;
    churned[d] = (churned[d] as number) + (g.positives[k] as number);
    rank += size;
  }
  const baseRate = n > 0 ? g.totalPositives / n : 0;
  return accounts.map((a, i) => {
    const c = churned[i] as number;
    const churnRate = a > 0 ? c / a : null;
    return {
      decile: i + 1,
      accounts: a,
      churned: c,
      churnRate,
      lift: churnRate !== null && baseRate > 0 ? churnRate / baseRate : null,
    };
  });
}
