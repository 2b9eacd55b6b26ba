import type { BacktestMetrics } from '../../core/learning/evaluate-backtest.ts';
import { EXCLUSION_TEXT } from '../../core/learning/explain-exclusions.ts';
import type { ExclusionReason } from '../../core/learning/label-snapshot.ts';
import { formatTable } from '../print-table.ts';

export const out = (s = '') => process.stdout.write(`${s}\n`);
export const num = (v: number | null | undefined, k = 3) =>
  v === null || v === undefined ? '-' : v.toFixed(k);
export const pct = (v: number | null | undefined) =>
  v === null || v === undefined ? '-' : `${(v * 100).toFixed(1)}%`;

export function printExcluded(excluded: Record<ExclusionReason, number>) {
  out(formatExcluded(excluded));
}

export function formatExcluded(excluded: Record<ExclusionReason, number>): string {
  const parts = Object.entries(excluded)
    .filter(([, n]) => n > 0)
    .map(([r, n]) => `${n.toLocaleString('en-US')} ${EXCLUSION_TEXT[r as ExclusionReason] ?? r}`);
  return `  excluded account-months: ${parts.length ? parts.join('; ') : 'none'}`;
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
  process.stdout.write(formatMetrics(m, horizonDays, outcome));
}

const count = (n: number) => n.toLocaleString('en-US');
const indent = (text: string, by = '    ') =>
  text
    .trimEnd()
    .split('\n')
    .map((l) => `${by}${l}`)
    .join('\n');

/**
 * The backtest figures as text: ranking, churn rate per band, calibration and lead time as aligned
 * tables with headers (rates to one decimal, AUCs to three, counts with thousands separators).
 */
export function formatMetrics(m: BacktestMetrics, horizonDays: number, outcome = 'churned'): string {
  const lines: string[] = [];
  const out = (s = '') => lines.push(s);
  out(
    `  ${count(m.snapshots)} account-snapshots of ${count(m.accounts)} accounts; ${count(m.positives)} ${outcome} within ${horizonDays} days (${pct(m.baseRate)})`,
  );
  out();
  out('  Ranking');
  out(
    indent(
      formatTable(
        [
          [
            'ROC AUC',
            num(m.auc),
            `95% CI ${num(m.aucCi.lower)}–${num(m.aucCi.upper)}, ${m.aucCi.iterations} bootstrap resamples`,
          ],
          ['PR AUC', num(m.averagePrecision), `base rate ${pct(m.baseRate)}`],
          [
            'Lift, riskiest 10%',
            `${num(m.topDecile.lift, 2)}×`,
            `precision ${pct(m.topDecile.precision)}, recall ${pct(m.topDecile.recall)}`,
          ],
        ],
        [
          { header: 'METRIC', value: (x) => x[0] },
          { header: 'VALUE', value: (x) => x[1], align: 'right' },
          { header: 'NOTE', value: (x) => x[2] },
        ],
      ),
    ),
  );
  out();
  out(`  Churn rate per band (account-months)`);
  const sep = m.bandSeparation;
  const row = (band: string) => sep?.bands.find((x) => x.band === band);
  out(
    indent(
      formatTable(m.bandChurnRates, [
        { header: 'BAND', value: (b) => b.band },
        { header: 'CHURN', value: (b) => pct(b.rate), align: 'right' },
        { header: outcome.toUpperCase(), value: (b) => count(b.churned), align: 'right' },
        { header: 'OF', value: (b) => count(b.count), align: 'right' },
        { header: 'SHARE', value: (b) => (row(b.band) ? pct(row(b.band)!.share) : null), align: 'right' },
        {
          header: '95% CI',
          value: (b) => (row(b.band) ? `${pct(row(b.band)!.ciLow)}–${pct(row(b.band)!.ciHigh)}` : null),
          align: 'right',
        },
        {
          header: 'VS BASE',
          value: (b) => {
            const x = row(b.band);
            return x ? (x.ratio === null ? '–' : `${num(x.ratio, 2)}×`) : null;
          },
          align: 'right',
        },
      ]),
    ),
  );
  for (const w of sep?.warnings ?? []) out(`    ! ${w}`);
  out();
  if (m.calibration) {
    out(
      `  Calibration (deciles)  Brier ${num(m.calibration.brier, 4)}, expected calibration error ${num(m.calibration.expectedCalibrationError, 4)}`,
    );
    out(
      indent(
        formatTable(m.calibration.bins, [
          { header: 'BIN', value: (b) => String(b.bin), align: 'right' },
          { header: 'N', value: (b) => count(b.count), align: 'right' },
          { header: 'PREDICTED', value: (b) => pct(b.meanPredicted), align: 'right' },
          { header: 'OBSERVED', value: (b) => pct(b.observedRate), align: 'right' },
        ]),
      ),
    );
  } else out('  Calibration: the model has no churn-probability calibration for this horizon');
  out();
  const lt = m.leadTime;
  out(`  Lead time before churn (${count(lt.churnedAccounts)} churned accounts)`);
  const lead = [
    ['at-risk', lt.atRisk],
    ['critical', lt.critical],
  ] as const;
  out(
    indent(
      formatTable(lead, [
        { header: 'FIRST', value: ([label]) => label },
        {
          header: 'MEDIAN',
          value: ([, d]) => (d.median === null ? null : `${num(d.median, 0)} d`),
          align: 'right',
        },
        {
          header: 'QUARTILES',
          value: ([, d]) => (d.p25 === null || d.p75 === null ? null : `${num(d.p25, 0)}–${num(d.p75, 0)} d`),
          align: 'right',
        },
        { header: 'FLAGGED', value: ([, d]) => count(d.detected), align: 'right' },
        { header: 'MISSED', value: ([, d]) => count(d.missed), align: 'right' },
        { header: '≥90 D AHEAD', value: ([, d]) => pct(d.shareAtLeast90Days), align: 'right' },
      ]),
    ),
  );
  const buckets = lt.atRisk.histogram.map((h) =>
    h.toDays === null ? `≥${h.fromDays} d` : `${h.fromDays}–${h.toDays} d`,
  );
  out();
  out('  Lead time, accounts per bucket');
  out(
    indent(
      formatTable(lead, [
        { header: 'FIRST', value: ([label]) => label },
        ...buckets.map((header, i) => ({
          header,
          value: ([, d]: (typeof lead)[number]) => count(d.histogram[i]?.count ?? 0),
          align: 'right' as const,
        })),
      ]),
    ),
  );
  return `${lines.join('\n')}\n`;
}
