/**
 * The weekly work queue: open tasks grouped by account and ranked by what is at stake.
 *
 * Rank of an account = expected ARR at risk × urgency, where
 * - expected ARR at risk = ARR × churn risk; churn risk is the active model's calibrated churn
 *   probability when it has one (sigmoid(a + b·score)), else the risk index ((100 − score) / 100)²
 *   (squared so a healthy account's ARR does not outrank a critical one's: 81 → 0.04, 40 → 0.36)
 *   (stated as `riskSource` so nobody reads the proxy as a probability);
 * - urgency = 1 + renewal proximity (0…1, linear over the 90 days before the renewal date)
 *   + 0.5 when a task is overdue or due today + 0.25 when one is urgent.
 * Accounts without ARR still rank (by risk × urgency, after every account with ARR at stake) so
 * a free or trial account's task is never lost. Tasks within an account: priority, then due date.
 * Pure and as-of-dated.
 */
export type QueueTaskRow = {
  taskId: string;
  accountId: string;
  priority: string;
  due: string | null;
};

export type QueueAccountFacts = {
  accountId: string;
  score: number | null;
  arr: number;
  renewalDate: string | null;
};

export type ChurnCalibration = { a: number; b: number; horizonDays: number };

export type RankedAccount = {
  accountId: string;
  /** 0–1: calibrated churn probability, or the risk index when the model is not calibrated. */
  risk: number;
  riskSource: 'calibrated' | 'risk-index' | 'unscored';
  expectedArrAtRisk: number;
  daysToRenewal: number | null;
  urgency: number;
  /** The ranking key: expected ARR at risk × urgency (risk × urgency when there is no ARR). */
  value: number;
  taskIds: string[];
};

export type RankTaskQueueOptions = {
  asOf: string;
  calibration?: ChurnCalibration | null | undefined;
};

const PRIORITY_RANK: Record<string, number> = { urgent: 0, high: 1, medium: 2, low: 3 };
const DAY = 86_400_000;
const dayOf = (iso: string) => Math.floor(Date.parse(`${iso.slice(0, 10)}T00:00:00Z`) / DAY);

export function churnRiskOf(
  score: number | null,
  calibration: ChurnCalibration | null | undefined,
): { risk: number; source: RankedAccount['riskSource'] } {
  if (score === null) return { risk: 0.5, source: 'unscored' };
  if (calibration)
    return { risk: 1 / (1 + Math.exp(-(calibration.a + calibration.b * score))), source: 'calibrated' };
  return { risk: Math.min(1, Math.max(0, (100 - score) / 100)) ** 2, source: 'risk-index' };
}

export function rankTaskQueue(
  tasks: readonly QueueTaskRow[],
  accounts: ReadonlyMap<string, QueueAccountFacts>,
  options: RankTaskQueueOptions,
): RankedAccount[] {
  const today = dayOf(options.asOf);
  const byAccount = new Map<string, QueueTaskRow[]>();
  for (const t of tasks) {
    const list = byAccount.get(t.accountId);
    if (list) list.push(t);
    else byAccount.set(t.accountId, [t]);
  }
  const ranked: RankedAccount[] = [];
  for (const [accountId, list] of byAccount) {
    const facts = accounts.get(accountId) ?? { accountId, score: null, arr: 0, renewalDate: null };
    const { risk, source } = churnRiskOf(facts.score, options.calibration);
    const daysToRenewal = facts.renewalDate ? dayOf(facts.renewalDate) - today : null;
    const renewalProximity =
      daysToRenewal === null || daysToRenewal < 0 ? 0 : Math.max(0, (90 - daysToRenewal) / 90);
    const dueNow = list.some((t) => t.due !== null && dayOf(t.due) <= today);
    const urgent = list.some((t) => t.priority === 'urgent');
    const urgency = 1 + Math.min(1, renewalProximity) + (dueNow ? 0.5 : 0) + (urgent ? 0.25 : 0);
    const expectedArrAtRisk = Math.max(0, facts.arr) * risk;
    list.sort(
      (x, y) =>
        (PRIORITY_RANK[x.priority] ?? 9) - (PRIORITY_RANK[y.priority] ?? 9) ||
        (x.due ?? '9999').localeCompare(y.due ?? '9999') ||
        x.taskId.localeCompare(y.taskId),
    );
    ranked.push({
      accountId,
      risk: Math.round(risk * 1000) / 1000,
      riskSource: source,
      expectedArrAtRisk: Math.round(expectedArrAtRisk),
      daysToRenewal,
      urgency: Math.round(urgency * 100) / 100,
      value: expectedArrAtRisk > 0 ? expectedArrAtRisk * urgency : 0,
      taskIds: list.map((t) => t.taskId),
    });
  }
  // accounts with ARR at stake first (by value); then the rest by risk × urgency
  return ranked.sort(
    (x, y) =>
      (y.value > 0 ? 1 : 0) - (x.value > 0 ? 1 : 0) ||
      y.value - x.value ||
      y.risk * y.urgency - x.risk * x.urgency ||
      x.accountId.localeCompare(y.accountId),
  );
}
