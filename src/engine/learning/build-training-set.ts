import { AppError } from '../../core/errors.ts';
import { addDays, monthStarts } from '../../core/learning/iso-days.ts';
import { CUSTOMER_ACTIVITY_EVENT_TYPES, labelLapse } from '../../core/learning/label-lapse.ts';
import {
  EXCLUSION_REASONS,
  type ExclusionReason,
  type LabelMode,
  labelSnapshot,
} from '../../core/learning/label-snapshot.ts';
import { RENEWAL_SIGNAL_ID } from '../../core/learning/renewal-timing.ts';
import {
  findFirstActivityByAccount,
  listAccountIds,
  listActivityDays,
} from '../../store/queries/learning/activity-by-account.ts';
import { findActivitySpan } from '../../store/queries/learning/find-activity-span.ts';
import { listContractOutcomes } from '../../store/queries/learning/list-contract-outcomes.ts';
import { type EngineContext, today } from '../context.ts';
import { scoreAccountDates } from './score-account-dates.ts';
import { type HealthModel, SCORING, type ScoringPort } from './scoring-port.ts';

export type BuildTrainingSetOptions = {
  /** Model whose scores and sub-scores are recorded for each snapshot. */
  model: { version: number; document: HealthModel };
  /** Label: churned within this many days after the snapshot (default 180). */
  horizonDays?: number;
  mode?: LabelMode;
  /** Mode `lapse`: no customer activity for this many days = churned (default 90). */
  lapseDays?: number;
  step?: 'month';
  /**
   * First snapshot date. Default: the first month start at least `warmupDays` after the first day
   * of usage or events, so early snapshots are not scored from an empty activity history.
   */
  from?: string;
  warmupDays?: number;
  /**
   * An account's snapshots start this many days after its own first usage or timeline event
   * (default 30): before that its signals describe an empty history, not the customer.
   */
  activityWarmupDays?: number;
  /**
   * Last day whose outcomes are known. Default: the last day with any usage or event when that
   * lies before today (a history that ended in the past), else today. Snapshots are taken up to it.
   */
  to?: string;
  minHistoryDays?: number;
  /**
   * Take each snapshot's score from here instead of computing it (e.g. stored backfilled scores
   * of the same model). Snapshots it has no score for are counted in `missingScores` and left
   * out; sub-scores are then empty, so such a set can be backtested but not trained on.
   */
  lookupScore?: (accountId: string, asOf: string) => { score: number; band: string } | null;
  scoring?: ScoringPort;
};

/** One account on one date: its score and sub-scores then, and what happened next. */
export type TrainingSnapshot = {
  accountId: string;
  asOf: string;
  label: 0 | 1;
  churnDate: string | null;
  score: number;
  band: string;
  subScores: Record<string, number | null>;
  /** Days to renewal (the one raw value training uses, for renewal timing), or null. */
  daysToRenewal: number | null;
  /** Last day the label depends on (asOf + horizon, or the term end for next-renewal labels). */
  outcomeBy: string;
};

export type TrainingSet = {
  modelVersion: number;
  horizonDays: number;
  mode: LabelMode;
  lapseDays: number | null;
  from: string;
  to: string;
  /** `to` as given, or taken from the data's last activity day, or today. */
  toSource: 'option' | 'data-end' | 'today';
  dates: string[];
  accounts: number;
  snapshots: TrainingSnapshot[];
  /**
   * Censored snapshots (horizon runs past the end of history) that precede a churn already seen:
   * scored for lead time only, never labelled or fitted on.
   */
  leadTimeSnapshots: TrainingSnapshot[];
  /** Account-dates left out, by reason. */
  excluded: Record<ExclusionReason, number>;
  timings: { labelMs: number; scoreMs: number };
  scoreSource: 'computed' | 'stored';
  missingScores: number;
};

/**
 * As-of snapshots of every account on each month start, labelled with what happened next. Each
 * snapshot is scored from the data as it stood that day (later events, usage and contract
 * outcomes are cut away), so a backtest sees only what a CSM could have seen.
 */
export async function buildTrainingSet(
  ctx: EngineContext,
  options: BuildTrainingSetOptions,
): Promise<TrainingSet> {
  const horizonDays = options.horizonDays ?? 180;
  if (!Number.isInteger(horizonDays) || horizonDays < 1 || horizonDays > 1095)
    throw new AppError('BAD_INPUT', 'horizon must be a whole number of days between 1 and 1095');
  const mode = options.mode ?? 'horizon';
  const lapseDays = options.lapseDays ?? 90;
  if (mode === 'lapse' && (!Number.isInteger(lapseDays) || lapseDays < 1 || lapseDays > 1095))
    throw new AppError('BAD_INPUT', 'lapse days must be a whole number of days between 1 and 1095');
  const scoring = options.scoring ?? SCORING;
  const t0 = performance.now();
  const span = await findActivitySpan(ctx.store);
  const now = today(ctx);
  const toSource = options.to ? 'option' : span.last && span.last < now ? 'data-end' : 'today';
  const to = options.to ?? (toSource === 'data-end' ? (span.last as string) : now);
  const contracts = mode === 'lapse' ? new Map() : await listContractOutcomes(ctx.store);
  if (mode !== 'lapse' && contracts.size === 0)
    throw new AppError(
      'PRECONDITION_FAILED',
      'no contracts: import history before training or backtesting (or use the lapse label for a business without contracts)',
    );
  const activityDays =
    mode === 'lapse' ? await listActivityDays(ctx.store, CUSTOMER_ACTIVITY_EVENT_TYPES, to) : new Map();
  let firstStart = to;
  for (const list of contracts.values()) for (const c of list) if (c.start < firstStart) firstStart = c.start;
  if (mode === 'lapse' && span.first && span.first < firstStart) firstStart = span.first;
  const dataStart = span.first ? addDays(span.first, options.warmupDays ?? 90) : firstStart;
  // Dates compare as text; the later of the two starts.
  const from = options.from ?? [dataStart, firstStart].sort()[1] ?? firstStart;
  const dates = monthStarts(from, to);
  if (dates.length === 0) throw new AppError('BAD_INPUT', `no month start between ${from} and ${to}`);

  const excluded = Object.fromEntries(EXCLUSION_REASONS.map((r) => [r, 0])) as Record<
    ExclusionReason,
    number
  >;
  type Planned = {
    asOf: string;
    label: 0 | 1;
    churnDate: string | null;
    outcomeBy: string;
    leadTimeOnly: boolean;
  };
  const firstActivity = await findFirstActivityByAccount(ctx.store);
  const activityWarmup = options.activityWarmupDays ?? 30;
  const dataEnd = span.last;
  const planned: { accountId: string; dates: Planned[] }[] = [];
  const accountIds = await listAccountIds(ctx.store);
  for (const accountId of accountIds) {
    const list = contracts.get(accountId) ?? [];
    const days: number[] = activityDays.get(accountId) ?? [];
    const eligible: Planned[] = [];
    const first = firstActivity.get(accountId);
    const activeFrom = first === undefined ? null : addDays(first, activityWarmup);
    for (const asOf of dates) {
      const l =
        mode === 'lapse'
          ? labelLapse(days, asOf, {
              lapseDays,
              horizonDays,
              observedUntil: to,
              minHistoryDays: options.minHistoryDays,
            })
          : labelSnapshot(list, asOf, {
              horizonDays,
              mode,
              observedUntil: to,
              minHistoryDays: options.minHistoryDays,
            });
      // A customer whose usage and timeline have not started yet looks empty, not unhealthy.
      const inactive = activeFrom === null || asOf < activeFrom;
      // After the last day any data arrived, every signal reads silence: not the customer's doing.
      if (l.eligible && dataEnd !== null && asOf > dataEnd) excluded['after-data-end']++;
      else if (l.eligible && inactive) excluded['no-activity-yet']++;
      else if (l.eligible)
        eligible.push({
          asOf,
          label: l.label,
          churnDate: l.churnDate,
          outcomeBy: l.outcomeBy,
          leadTimeOnly: false,
        });
      else {
        excluded[l.reason]++;
        if (l.churnDate && !inactive)
          eligible.push({
            asOf,
            label: 1,
            churnDate: l.churnDate,
            outcomeBy: addDays(asOf, horizonDays),
            leadTimeOnly: true,
          });
      }
    }
    if (eligible.length > 0) planned.push({ accountId, dates: eligible });
  }
  const t1 = performance.now();

  const plannedByKey = new Map<string, Planned>();
  for (const p of planned) for (const d of p.dates) plannedByKey.set(`${p.accountId}|${d.asOf}`, d);
  const all: { snapshot: TrainingSnapshot; leadTimeOnly: boolean }[] = [];
  let missingScores = 0;
  const lookup = options.lookupScore;
  if (lookup) {
    for (const p of planned)
      for (const d of p.dates) {
        const r = lookup(p.accountId, d.asOf);
        if (!r) {
          missingScores++;
          continue;
        }
        all.push({
          snapshot: {
            accountId: p.accountId,
            asOf: d.asOf,
            label: d.label,
            churnDate: d.churnDate,
            score: r.score,
            band: r.band,
            subScores: {},
            daysToRenewal: null,
            outcomeBy: d.outcomeBy,
          },
          leadTimeOnly: d.leadTimeOnly,
        });
      }
  } else
    await scoreAccountDates(
      ctx,
      planned.map((p) => ({ accountId: p.accountId, dates: p.dates.map((d) => d.asOf) })),
      options.model.document,
      (accountId, asOf, r) => {
        const d = plannedByKey.get(`${accountId}|${asOf}`) as Planned;
        const subScores: Record<string, number | null> = {};
        let daysToRenewal: number | null = null;
        for (const s of r.signals) {
          subScores[s.signalId] = s.subScore;
          if (s.signalId === RENEWAL_SIGNAL_ID && typeof s.value === 'number' && Number.isFinite(s.value))
            daysToRenewal = s.value;
        }
        all.push({
          snapshot: {
            accountId,
            asOf,
            label: d.label,
            churnDate: d.churnDate,
            score: r.score,
            band: r.band,
            subScores,
            daysToRenewal,
            outcomeBy: d.outcomeBy,
          },
          leadTimeOnly: d.leadTimeOnly,
        });
      },
      scoring,
    );
  // Batches may finish out of order on PostgreSQL; keep a stable order for reproducible reports.
  all.sort((x, y) =>
    x.snapshot.accountId < y.snapshot.accountId
      ? -1
      : x.snapshot.accountId > y.snapshot.accountId
        ? 1
        : x.snapshot.asOf < y.snapshot.asOf
          ? -1
          : 1,
  );
  const snapshots = all.filter((x) => !x.leadTimeOnly).map((x) => x.snapshot);
  const leadTimeSnapshots = all.filter((x) => x.leadTimeOnly).map((x) => x.snapshot);
  ctx.logger.info(
    `training set: ${snapshots.length} snapshots (+${leadTimeSnapshots.length} for lead time) of ${planned.length} accounts on ${dates.length} dates up to ${to}, horizon ${horizonDays} d`,
  );
  return {
    modelVersion: options.model.version,
    horizonDays,
    mode,
    lapseDays: mode === 'lapse' ? lapseDays : null,
    from: dates[0] as string,
    to,
    toSource,
    dates,
    accounts: new Set(snapshots.map((x) => x.accountId)).size,
    snapshots,
    leadTimeSnapshots,
    excluded,
    timings: { labelMs: t1 - t0, scoreMs: performance.now() - t1 },
    scoreSource: lookup ? 'stored' : 'computed',
    missingScores,
  };
}
