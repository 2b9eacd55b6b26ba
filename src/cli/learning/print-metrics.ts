import type { BacktestMetrics } from '../../core/learning/evaluate-backtest.ts';
import { EXCLUSION_TEXT } from '../../core/learning/explain-exclusions.ts';
import type { ExclusionReason } from '../../core/learning/label-snapshot.ts';

export const out = (s = '') => process.stdout.write(`${s}\n`);
export const num = (v: number | null | undefined, k = 3) =>
  v === null || v === undefined ? '-' : v.toFixed(k);
export const pct = (v: number | null | undefined) =>
  v === null || v === undefined ? '-' : `${(v * 100).toFixed(1)}%`;

export function printExcluded(excluded: Record<ExclusionReason, number>) {
  const parts = Object.entries(excluded)
    .filter(([, n]) => n > 0)
    .map(([r, n]) => `${n.toLocaleString('en-US')} ${EXCLUSION_TEXT[r as ExclusionReason] ?? r}`);
  out(`  excluded account-months: ${parts.length ? parts.join('; ') : 'none'}`);
}

export const toSourceText = {
  option: 'as given',
  'data-end': "the data's last day",
  today: 'today',
} as const;

export const labelText = (r: { label: string; horizonDays: number; lapseDays: number | null }) =>
  r.label === 'renewal'
    ? 'label: churned at the next renewal'
    : r.label === 'lapse'
      ? `label: lapsed (no activity for ${r.lapseDays} days) within ${r.horizonDays} days`
      : `horizon ${r.horizonDays} days`;

/** The backtest figures a person reads to judge a model. */
export function printMetrics(m: BacktestMetrics, horizonDays: number, outcome = 'churned') {
  out(
    `  ${m.snapshots.toLocaleString('en-US')} account-snapshots of ${m.accounts.toLocaleString('en-US')} accounts; ${m.positives.toLocaleString('en-US')} ${outcome} within ${horizonDays} days (${pct(m.baseRate)})`,
  );
  out();
  out('  Ranking');
  out(
    `    ROC AUC          ${num(m.auc)}  (95% CI ${num(m.aucCi.lower)}–${num(m.aucCi.upper)}, ${m.aucCi.iterations} bootstrap resamples)`,
  );
  out(`    PR AUC           ${num(m.averagePrecision)}  (base rate ${pct(m.baseRate)})`);
  out(
    `    riskiest 10%     precision ${pct(m.topDecile.precision)}, recall ${pct(m.topDecile.recall)}, lift ${num(m.topDecile.lift, 2)}×`,
  );
  out();
  out('  Churn rate per band');
  for (const b of m.bandChurnRates)
    out(
      `    ${b.band.padEnd(10)} ${pct(b.rate).padStart(7)}  (${b.churned.toLocaleString('en-US')} of ${b.count.toLocaleString('en-US')})`,
    );
  out();
  if (m.calibration) {
    out(
      `  Calibration (deciles)  Brier ${num(m.calibration.brier, 4)}, expected calibration error ${num(m.calibration.expectedCalibrationError, 4)}`,
    );
    out(`    ${'bin'.padEnd(4)} ${'n'.padStart(8)} ${'predicted'.padStart(10)} ${'observed'.padStart(10)}`);
    for (const b of m.calibration.bins)
      out(
        `    ${String(b.bin).padEnd(4)} ${b.count.toLocaleString('en-US').padStart(8)} ${pct(b.meanPredicted).padStart(10)} ${pct(b.observedRate).padStart(10)}`,
      );
  } else out('  Calibration: the model has no churn-probability calibration for this horizon');
  out();
  const lt = m.leadTime;
  out(`  Lead time before churn (${lt.churnedAccounts} churned accounts)`);
  for (const [label, d] of [
    ['at-risk', lt.atRisk],
    ['critical', lt.critical],
  ] as const) {
    out(
      `    first ${label.padEnd(9)} median ${num(d.median, 0)} d (quartiles ${num(d.p25, 0)}–${num(d.p75, 0)}), flagged ${d.detected}, missed ${d.missed}, ≥90 days ahead ${pct(d.shareAtLeast90Days)}`,
    );
    out(
      `      ${d.histogram.map((h) => `${h.fromDays}${h.toDays === null ? '+' : `–${h.toDays}`}d: ${h.count}`).join('  ')}`,
    );
  }
}
