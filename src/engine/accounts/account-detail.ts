import type { Viewer } from '../../core/access.ts';
import {
  type AccountHeaderFacts,
  computeAccountHeaderFacts,
} from '../../core/accounts/account-header-facts.ts';
import {
  composeNextActions,
  type NextActionsResult,
  playbookSignals,
} from '../../core/accounts/next-actions.ts';
import { accountTermsOn } from '../../core/contracts/contract-terms.ts';
import { AppError } from '../../core/errors.ts';
import { computeExpansionOpportunity } from '../../core/playbooks/expansion.ts';
import { expansionInputFromData } from '../../core/playbooks/expansion-input.ts';
import { DISPLAY_BANDS } from '../../core/scoring/compute-score.ts';
import { effectiveBand, effectiveScore } from '../../core/scoring/effective-score.ts';
import type { ScoreResult } from '../../core/scoring/score-result.ts';
import { listVisibleTasks } from '../../store/queries/api/list-visible-tasks.ts';
import type { AccountRecord } from '../../store/resources/accounts.ts';
import { type EngineContext, today } from '../context.ts';
import { loadPlaybooks } from '../playbooks/load-playbooks.ts';
import { type Task, toTask } from '../playbooks/task-view.ts';
import { findTopQuartileScore } from '../playbooks/top-quartile-score.ts';
import { activeOverride } from '../scoring/overrides.ts';
import { requireVisibleAccount } from './account-access.ts';

/**
 * How many of the account's latest timeline events the header facts read (last executive touch,
 * latest NPS, champion departures): the newest events are the ones these "latest" facts need, and
 * reading them alone (no usage rollups) keeps the page cheap; an account with more non-usage
 * events than this shows only what happened among them (years, for any real account).
 */
const FACTS_EVENTS = 5000;

type Person = { id: string; name: string | null };

export type AccountDetail = AccountRecord & {
  /** ARR, seats and renewal on `asOf` by the one contract rule (src/core/contracts). */
  terms: { asOf: string; arr: number; seats: number; renewalDate: string | null };
  /** The first screen's facts (src/core/accounts/account-header-facts.ts) and the people by name. */
  facts: AccountHeaderFacts & {
    csm: Person | null;
    manager: Person | null;
    /** The effective score and band (an override in force wins) and the 30-day trend. */
    score: number | null;
    band: ScoreResult['band'] | null;
    trend30: number | null;
    /** Lower bounds of the bands of the model that made the score (the chart's zones). */
    bands: { healthy: number; atRisk: number };
  };
  /** Open tasks and score levers with the points each would add (src/core/accounts/next-actions.ts). */
  nextActions: NextActionsResult;
  score: ScoreResult | null;
  tasks: Task[];
  expansion: ReturnType<typeof computeExpansionOpportunity> | null;
};

/**
 * The account 360 (`GET /v1/accounts/:id`): account, contracts, contacts, the header facts, the
 * current score with the override in force, the recommended next actions, tasks, and — for accounts
 * in the top health quartile (effective score) — the expansion opportunity.
 */
export async function getAccountDetail(
  ctx: EngineContext,
  viewer: Viewer,
  id: string,
): Promise<AccountDetail> {
  await requireVisibleAccount(ctx, viewer, id);
  const asOf = today(ctx);
  const [record, current, tasks, override, events] = await Promise.all([
    ctx.store.accounts.get(id),
    ctx.store.scores.current(id),
    listVisibleTasks(ctx.store, viewer, { accountId: id, limit: 100, offset: 0 }),
    activeOverride(ctx, id),
    ctx.store.events.timeline(id, { limit: FACTS_EVENTS }),
  ]);
  if (!record) throw new AppError('NOT_FOUND', `account ${id} not found`);
  const score = current ? (JSON.parse(current.detail) as ScoreResult) : null;
  if (score && override) score.override = override;
  let expansion = null;
  const effective = score ? effectiveScore({ score: score.score, override }) : null;
  if (score && effective !== null) {
    const cutoff = await findTopQuartileScore(ctx.store);
    if (cutoff !== null && effective >= cutoff) {
      const data = await ctx.store.accounts.loadData(id, asOf, 200);
      expansion = computeExpansionOpportunity(expansionInputFromData(data, asOf, effective, cutoff));
    }
  }
  const { arr, seats, renewalDate } = accountTermsOn(record.contracts, asOf);
  const csm = record.account.owner ? await ctx.store.users.get(record.account.owner) : null;
  const manager = csm?.manager_id ? await ctx.store.users.get(csm.manager_id) : null;
  const openTasks = tasks.rows.map(toTask).filter((t) => t.status === 'open');
  // stored scores are on the displayed scale, whose band lines are fixed (80/50) whatever the model's raw cut-points
  const bands = { ...DISPLAY_BANDS };
  // the playbooks tell which signal each open task works on: only read when there is a task
  const playbooks = openTasks.some((t) => t.playbookId) ? await loadPlaybooks(ctx) : [];
  const nextActions = score
    ? composeNextActions({
        score,
        bands,
        tasks: openTasks,
        playbookSignals: new Map(playbooks.map((p) => [p.playbook.id, playbookSignals(p.playbook)])),
      })
    : { actions: [], sufficiency: null };
  return {
    ...record,
    terms: { asOf, arr, seats, renewalDate },
    facts: {
      ...computeAccountHeaderFacts({ contracts: record.contracts, contacts: record.contacts, events }, asOf),
      csm: record.account.owner ? { id: record.account.owner, name: csm?.name ?? null } : null,
      manager: csm?.manager_id ? { id: csm.manager_id, name: manager?.name ?? null } : null,
      score: effective,
      band: score ? effectiveBand(score) : null,
      trend30: score?.trend.d30 ?? null,
      bands,
    },
    nextActions,
    score,
    tasks: tasks.rows.map(toTask),
    expansion,
  };
}
