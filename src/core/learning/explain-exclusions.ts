import type { ExclusionReason } from './label-snapshot.ts';

/** What each exclusion reason means, in the words a report uses. */
export const EXCLUSION_TEXT: Record<ExclusionReason, string> = {
  'not-yet-customer': 'not a customer yet on the snapshot date',
  'already-gone': 'already churned or lapsed before the snapshot date',
  'no-active-contract': 'no contract running on the snapshot date',
  'too-little-history': 'customer for too short a time before the snapshot',
  'outcome-not-observed': 'outcome not observed yet (the horizon runs past the end of history)',
  'no-activity-yet': 'no activity before the snapshot (no usage or events yet)',
  'after-data-end': "snapshot after the data's last day (no usage or events that late)",
};

/**
 * Why a training or backtest set came out empty, naming the real causes (largest first) instead of
 * guessing "history shorter than the horizon".
 */
export function explainNoSnapshots(
  excluded: Record<ExclusionReason, number>,
  context: { from: string; to: string; horizonDays: number; dates: number },
): string {
  const causes = (Object.entries(excluded) as [ExclusionReason, number][])
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1]);
  const head = `no labelled snapshots on ${context.dates} monthly dates ${context.from} – ${context.to}`;
  if (causes.length === 0) return `${head}: no account had data on those dates`;
  const list = causes.map(([r, n]) => `${EXCLUSION_TEXT[r]}: ${n.toLocaleString('en-US')}`).join('; ');
  const top = causes[0]?.[0];
  const hint =
    top === 'outcome-not-observed'
      ? ` — history after the snapshots is shorter than the ${context.horizonDays}-day horizon; use a shorter --horizon or an earlier --to`
      : top === 'already-gone' || top === 'no-active-contract' || top === 'after-data-end'
        ? ' — if your history ended in the past, pass --to with its last day'
        : top === 'no-activity-yet'
          ? ' — import usage or events (traits alone say nothing about the snapshot dates)'
          : top === 'not-yet-customer'
            ? ' — pass --from with a date after your customers started'
            : '';
  return `${head}; every account-month was excluded: ${list}${hint}`;
}
