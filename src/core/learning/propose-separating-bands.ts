import { AppError } from '../errors.ts';
import { BAND_TARGETS } from '../scoring/band-separation.ts';

export type ProposeSeparatingBandsOptions = {
  /** Largest share of snapshots the at-risk band may hold (default 0.35: well under half). */
  maxAtRiskShare?: number;
  /** Largest share of snapshots the critical band may hold (default 0.2). */
  maxCriticalShare?: number;
  /** Smallest share of each flagged band, so a band is not a handful of outliers (default 0.02). */
  minBandShare?: number;
  /** Candidate cut-points are the score quantiles at this step (default 0.005). */
  step?: number;
  /**
   * Headroom over the targets sought first (default 1.15: at-risk ≥ 2.3×, critical ≥ 4.6×, healthy
   * ≤ 0.43× on the fit period), so the bands still separate on held-out data; the bare targets are
   * used when no pair meets them with headroom.
   */
  margin?: number;
};

export type SeparatingBands = {
  /** Raw cut-points: raw ≥ healthy → healthy, ≥ atRisk → at-risk, else critical. */
  bands: { healthy: number; atRisk: number };
  /** Whether the cut-points meet every separation target on the scores they were chosen on. */
  separates: boolean;
  /** On those scores: each band's share, churn rate and rate ÷ base rate. */
  fit: { band: string; share: number; rate: number | null; ratio: number | null }[];
  baseRate: number;
};

const round1 = (x: number) => Math.round(x * 10) / 10;
const entropy = (c: number, k: number) => {
  if (k === 0 || c === 0 || c === k) return 0;
  const p = c / k;
  return -k * (p * Math.log(p) + (1 - p) * Math.log(1 - p));
};

/**
 * Raw band cut-points chosen for separation rather than for shares: on labelled fit-period scores,
 * the pair of cut-points where the critical band churns at ≥ 4× the base rate, at-risk at ≥ 2× and
 * healthy at ≤ 0.5× (`BAND_TARGETS`), at-risk at most `maxAtRiskShare` of the book and critical at
 * most `maxCriticalShare`; among those, the pair that flags the most churners (then the fewest
 * accounts, then the purest bands). When no pair meets every target, the pair with the smallest shortfall (in log-ratio)
 * is returned with `separates: false`. The displayed score maps these raw cuts to 80 and 50.
 */
export function proposeSeparatingBands(
  scores: readonly number[],
  labels: readonly number[],
  options: ProposeSeparatingBandsOptions = {},
): SeparatingBands {
  if (scores.length !== labels.length) throw new AppError('BAD_INPUT', 'scores and labels differ in length');
  if (scores.length === 0) throw new AppError('PRECONDITION_FAILED', 'no scores to place bands on');
  const maxAtRisk = options.maxAtRiskShare ?? 0.35;
  const maxCritical = options.maxCriticalShare ?? 0.2;
  const minShare = options.minBandShare ?? 0.02;
  const step = options.step ?? 0.005;
  const order = scores.map((s, i) => [round1(s), labels[i] ? 1 : 0] as const).sort((a, b) => a[0] - b[0]);
  const n = order.length;
  // prefix sums: below[k] = churned among the k lowest scores
  const below = new Uint32Array(n + 1);
  for (let k = 0; k < n; k++) below[k + 1] = below[k]! + order[k]![1];
  const churnedTotal = below[n]!;
  const base = churnedTotal / n;
  /** Number of scores strictly below `cut`. */
  const countBelow = (cut: number) => {
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (order[mid]![0] < cut) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const cuts = new Set<number>();
  for (let q = step; q < 1; q += step) cuts.add(order[Math.min(n - 1, Math.floor(q * n))]![0]);
  const candidates = [...cuts].filter((c) => c > 0 && c < 100).sort((a, b) => a - b);
  const critT = BAND_TARGETS.critical?.min ?? 4;
  const riskT = BAND_TARGETS['at-risk']?.min ?? 2;
  const healthyT = BAND_TARGETS.healthy?.max ?? 0.5;
  type Pick = {
    lo: number;
    hi: number;
    feasible: boolean;
    recall: number;
    flagged: number;
    /** Σ n·H(rate) over the bands: lower = purer bands (the most informative split). */
    entropy: number;
    shortfall: number;
  };
  const better = (a: Pick, b: Pick | null) => {
    if (!b) return true;
    if (a.feasible !== b.feasible) return a.feasible;
    if (!a.feasible) return a.shortfall < b.shortfall - 1e-12;
    if (a.recall !== b.recall) return a.recall > b.recall;
    if (a.flagged !== b.flagged) return a.flagged < b.flagged;
    return a.entropy < b.entropy - 1e-9;
  };
  const search = (m: number): Pick | null => {
    let best: Pick | null = null;
    for (let i = 0; i < candidates.length; i++) {
      const lo = candidates[i]!;
      const nCrit = countBelow(lo);
      if (nCrit / n < minShare || nCrit / n > maxCritical) continue;
      for (let j = i + 1; j < candidates.length; j++) {
        const hi = candidates[j]!;
        const nBelowHi = countBelow(hi);
        const nRisk = nBelowHi - nCrit;
        if (nRisk / n < minShare) continue;
        if (nRisk / n > maxAtRisk) break;
        const nHealthy = n - nBelowHi;
        if (nHealthy === 0) break;
        const cCrit = below[nCrit]!;
        const cRisk = below[nBelowHi]! - cCrit;
        const cHealthy = churnedTotal - below[nBelowHi]!;
        const ratio = (c: number, k: number) => (base > 0 ? c / k / base : 0);
        const rc = ratio(cCrit, nCrit);
        const rr = ratio(cRisk, nRisk);
        const rh = ratio(cHealthy, nHealthy);
        // shortfall in log-ratio: 0 when a target is met
        const short = (x: number, want: number, dir: 'min' | 'max') =>
          dir === 'min' ? Math.max(0, Math.log(want / Math.max(x, 1e-6))) : Math.max(0, Math.log(x / want));
        const shortfall =
          short(rc, critT * m, 'min') + short(rr, riskT * m, 'min') + short(rh, healthyT / m, 'max');
        const pick: Pick = {
          lo,
          hi,
          feasible: shortfall === 0,
          recall: churnedTotal > 0 ? (cCrit + cRisk) / churnedTotal : 0,
          flagged: nBelowHi,
          entropy: entropy(cCrit, nCrit) + entropy(cRisk, nRisk) + entropy(cHealthy, nHealthy),
          shortfall,
        };
        if (better(pick, best)) best = pick;
      }
    }
    return best;
  };
  const withMargin = search(options.margin ?? 1.15);
  let best = withMargin?.feasible ? withMargin : search(1);
  if (!best) {
    // too few distinct scores for the share limits: fall back to the quartile cuts
    const q = (p: number) => order[Math.min(n - 1, Math.floor(p * n))]![0];
    const lo = Math.max(0.1, q(0.1));
    best = {
      lo,
      hi: Math.max(lo + 0.1, q(0.35)),
      feasible: false,
      recall: 0,
      flagged: 0,
      entropy: 0,
      shortfall: Number.POSITIVE_INFINITY,
    };
  }
  const healthy = Math.min(99.9, best.hi);
  const atRisk = Math.max(0.1, Math.min(best.lo, healthy - 0.1));
  const nCrit = countBelow(atRisk);
  const nBelowHi = countBelow(healthy);
  const row = (band: string, c: number, k: number) => ({
    band,
    share: Math.round((k / n) * 1000) / 1000,
    rate: k > 0 ? Math.round((c / k) * 1000) / 1000 : null,
    ratio: k > 0 && base > 0 ? Math.round((c / k / base) * 100) / 100 : null,
  });
  return {
    bands: { healthy: round1(healthy), atRisk: round1(atRisk) },
    separates: best.feasible,
    baseRate: Math.round(base * 1000) / 1000,
    fit: [
      row('critical', below[nCrit]!, nCrit),
      row('at-risk', below[nBelowHi]! - below[nCrit]!, nBelowHi - nCrit),
      row('healthy', churnedTotal - below[nBelowHi]!, n - nBelowHi),
    ],
  };
}
