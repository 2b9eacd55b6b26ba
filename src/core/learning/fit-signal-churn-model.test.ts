import { describe, expect, it } from 'vitest';
import { fitSignalChurnModel, predictSignalChurn, type SignalTrainingRow } from './fit-signal-churn-model.ts';
import { sigmoid } from './logistic-regression.ts';
import { createPrng } from './prng.ts';
import { computeRocAuc } from './roc-auc.ts';

/**
 * Planted truth: churn log-odds fall with `usage` (strong) and `nps` (weaker); `noise` has no
 * effect; `backwards` is scored so that a high sub-score means MORE churn (a mis-specified signal);
 * `sparse` is informative but present in only 30% of rows.
 */
function snapshots(n: number, seed: number): SignalTrainingRow[] {
  const prng = createPrng(seed);
  return Array.from({ length: n }, () => {
    const usage = prng.next() * 100;
    const nps = prng.next() * 100;
    const noise = prng.next() * 100;
    const backwards = prng.next() * 100;
    const sparse = prng.next() * 100;
    const hasSparse = prng.next() < 0.3;
    const e =
      1.5 - 0.05 * usage - 0.02 * nps + 0.015 * backwards - (hasSparse ? 0.02 * (sparse - 50) : 0) - 1;
    return {
      subScores: { usage, nps, noise, backwards, sparse: hasSparse ? sparse : null },
      label: prng.next() < sigmoid(e) ? 1 : 0,
    };
  });
}

const SIGNALS = ['usage', 'nps', 'noise', 'backwards', 'sparse', 'never-present'];

describe('fitSignalChurnModel', () => {
  const train = snapshots(20000, 1);
  const test = snapshots(8000, 2);
  const m = fitSignalChurnModel(train, SIGNALS);

  it('weights informative signals by strength and drops flat, backwards and absent ones', () => {
    expect(Object.keys(m.proposal.weights).sort()).toEqual(['nps', 'sparse', 'usage']);
    const w = m.proposal.weights;
    expect(w.usage as number).toBeGreaterThan(w.nps as number);
    expect(Object.values(w).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    const reasons = Object.fromEntries(m.proposal.dropped.map((d) => [d.signalId, d.reason]));
    expect(reasons).toEqual({ noise: 'no-signal', backwards: 'wrong-sign', 'never-present': 'no-signal' });
  });

  it('recovers the planted ratio of the two main effects', () => {
    // True raw coefficients −0.05 and −0.02: weight ratio 2.5.
    const ratio = (m.proposal.weights.usage as number) / (m.proposal.weights.nps as number);
    expect(ratio).toBeGreaterThan(2);
    expect(ratio).toBeLessThan(3.1);
  });

  it('predicts churn on held-out snapshots', () => {
    const p = test.map((r) => predictSignalChurn(m, r.subScores));
    expect(
      computeRocAuc(
        p,
        test.map((r) => r.label),
      ) as number,
    ).toBeGreaterThan(0.75);
  });

  it('records coverage and gives a sometimes-missing signal its own missing indicator', () => {
    const j = m.signalIds.indexOf('sparse');
    expect(m.coverage[j] as number).toBeGreaterThan(0.25);
    expect(m.coverage[j] as number).toBeLessThan(0.35);
    expect(m.fillValues[j] as number).toBeGreaterThan(45);
    expect(m.fillValues[j] as number).toBeLessThan(55);
    expect(m.missingIndicators).toEqual(['sparse']);
    // Here having no data carries no planted effect: a missing value predicts like an average one.
    const base = { usage: 50, nps: 50, noise: 50, backwards: 50 };
    expect(
      Math.abs(
        predictSignalChurn(m, { ...base, sparse: null }) -
          predictSignalChurn(m, { ...base, sparse: m.fillValues[j] as number }),
      ),
    ).toBeLessThan(0.02);
  });

  it('learns the effect of having no data instead of reading a missing sub-score as average', () => {
    // Planted: NPS is missing for 40% of accounts, and those churn more (log-odds +1.2) whatever
    // their other signals; imputing the mean alone cannot represent that.
    const planted = (n: number, seed: number): SignalTrainingRow[] => {
      const prng = createPrng(seed);
      return Array.from({ length: n }, () => {
        const usage = prng.next() * 100;
        const nps = prng.next() * 100;
        const missing = prng.next() < 0.4;
        const e = 0.5 - 0.04 * usage - (missing ? -1.2 : 0.02 * (nps - 50));
        return {
          subScores: { usage, nps: missing ? null : nps },
          label: prng.next() < sigmoid(e) ? 1 : 0,
        };
      });
    };
    const fitRows = planted(20000, 11);
    const heldOut = planted(8000, 12);
    const withIndicator = fitSignalChurnModel(fitRows, ['usage', 'nps'], { l2: 1 });
    const without = fitSignalChurnModel(fitRows, ['usage', 'nps'], { l2: 1, minMissingShare: 1 });
    expect(without.missingIndicators).toEqual([]);
    const k = withIndicator.signalIds.length;
    const effect = withIndicator.logistic.coefficients[k] as number;
    expect(effect).toBeGreaterThan(0.9);
    expect(effect).toBeLessThan(1.5);
    const auc = (model: typeof without) =>
      computeRocAuc(
        heldOut.map((r) => predictSignalChurn(model, r.subScores)),
        heldOut.map((r) => r.label),
      ) as number;
    expect(auc(withIndicator)).toBeGreaterThan(auc(without) + 0.01);
    // The indicator never becomes a weight: only signals are proposed.
    expect(Object.keys(withIndicator.proposal.weights).sort()).toEqual(['nps', 'usage']);
  });

  it('chooses the penalty on the latest fit-period dates when rows carry dates', () => {
    // 24 monthly dates; each row's outcome is known 6 months after its date.
    const dated = train.map((r, i) => {
      const month = i % 24;
      const asOf = `${2023 + Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, '0')}-01`;
      const outcomeMonth = month + 6;
      const outcomeBy = `${2023 + Math.floor(outcomeMonth / 12)}-${String((outcomeMonth % 12) + 1).padStart(2, '0')}-01`;
      return { ...r, group: `acct-${i % 400}`, asOf, outcomeBy };
    });
    const t = fitSignalChurnModel(dated, SIGNALS, { l2Candidates: [0.1, 10, 1e6] });
    expect(t.l2Validation).toBe('time');
    expect(t.l2Search.map((s) => s.l2)).toEqual([0.1, 10, 1e6]);
    // A crushing penalty shrinks every effect to nothing; the time fold sees that.
    expect(t.l2).not.toBe(1e6);
    // Too few dates for a time fold: cross-validation over accounts instead.
    const undated = dated.map((r) => ({ ...r, asOf: '2023-01-01', outcomeBy: '2023-07-01' }));
    expect(fitSignalChurnModel(undated, SIGNALS, { l2Candidates: [1, 10] }).l2Validation).toBe('accounts');
    expect(fitSignalChurnModel(dated, SIGNALS, { l2: 3 }).l2Validation).toBe('fixed');
  });

  it('keeps only right-signed signals after refitting, with the penalty chosen by grouped cross-validation', () => {
    const grouped = train.map((r, i) => ({ ...r, group: `acct-${i % 400}` }));
    const g = fitSignalChurnModel(grouped, SIGNALS, { l2Candidates: [0.1, 10, 10000] });
    expect(g.l2Search.map((s) => s.l2)).toEqual([0.1, 10, 10000]);
    expect(g.l2Search.every((s) => s.auc !== null && s.auc > 0.6)).toBe(true);
    // One-standard-error rule: the chosen penalty's AUC is close to the best one found.
    const best = Math.max(...g.l2Search.map((s) => s.auc as number));
    const chosen = g.l2Search.find((s) => s.l2 === g.l2)?.auc as number;
    expect(chosen).toBeGreaterThan(best - 0.02);
    for (const b of g.logistic.standardizedCoefficients.slice(0, g.signalIds.length))
      expect(b).toBeLessThan(0);
    expect(g.signalIds).not.toContain('backwards');
  });

  it('needs both outcomes', () => {
    expect(() =>
      fitSignalChurnModel(
        train.map((r) => ({ ...r, label: 0 as const })),
        SIGNALS,
      ),
    ).toThrow(/both/);
    expect(() => fitSignalChurnModel([], SIGNALS)).toThrow(/no training/);
  });
});
