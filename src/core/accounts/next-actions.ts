import type { PlaybookTrigger } from '../playbooks/playbook-schema.ts';
import { leverAction } from '../scoring/lever-actions.ts';
import type { Band } from '../scoring/score-result.ts';

/** What the composition reads of a score: the computed score, its band and each signal's gap. */
export type NextActionsScore = {
  score: number;
  band: Band;
  signals: readonly { signalId: string; label: string; weight: number; gap: number }[];
};

export type NextActionsTask = {
  id: string;
  title: string;
  priority: string;
  due: string | null;
  playbookId: string | null;
};

export type NextAction = {
  source: 'task' | 'lever';
  /** The task's title, or the lever's action ("schedule an executive touch"). */
  text: string;
  /**
   * Points the computed score would gain if the signals this action addresses reached full marks
   * (the sum of their gaps); null for a task that works on no specific signal (e.g. a save plan).
   */
  points: number | null;
  signalIds: string[];
  /** Every signal it works on was counted by an action above (its points are in that one's). */
  alreadyCounted: boolean;
  taskId: string | null;
  priority: string | null;
  due: string | null;
};

export type Sufficiency = {
  targetBand: Band;
  pointsNeeded: number;
  /** The points of every listed action together (each signal counted once). */
  pointsTotal: number;
  enough: boolean;
  /** The highest band the listed actions would reach together, if any above the current one. */
  reaches: Band | null;
  /** "These add +17.8; +23.3 needed to reach healthy — not enough on their own." */
  line: string;
};

export type NextActionsResult = { actions: NextAction[]; sufficiency: Sufficiency | null };

/**
 * Plays whose trigger is not a signal but whose task works on one (the others — health assessment,
 * escalation, save plan, renewal plan — address the root causes, i.e. the levers listed with them).
 */
const PLAY_SIGNALS: Readonly<Record<string, readonly string[]>> = {
  'at-risk-executive-touch': ['exec-touch-recency'],
  'healthy-executive-business-review': ['exec-touch-recency', 'qbr-attendance'],
};

/** The signals a playbook's task works on: its trigger's signal, or the table above. */
export function playbookSignals(playbook: { id: string; trigger: PlaybookTrigger }): string[] {
  if (playbook.trigger.type === 'signal') return [playbook.trigger.signalId];
  return [...(PLAY_SIGNALS[playbook.id] ?? [])];
}

const PRIORITY_RANK: Record<string, number> = { urgent: 0, high: 1, medium: 2, normal: 2, low: 3 };
const round1 = (x: number) => Math.round(x * 10) / 10;
const signed = (x: number) => `+${round1(x).toFixed(1)}`;

/**
 * The account's recommended next actions: its open tasks first (by priority, then due date), each
 * with the points its signals would add, then the score's levers — the biggest gaps not already
 * addressed by a task — until together they reach the next band (at-risk for a critical account)
 * or `maxLevers` are listed. Every
 * signal's points are counted once. The sufficiency line says whether the listed actions are
 * enough for the next band (for a critical account, whether they reach at-risk or even healthy).
 * Pure; the points are the same gaps as the score's own levers (weight × (100 − sub-score)).
 */
export function composeNextActions(input: {
  score: NextActionsScore;
  /** Lower bounds of the bands of the model that made the score. */
  bands: { healthy: number; atRisk: number };
  tasks: readonly NextActionsTask[];
  /** The signals each playbook's task works on (see `playbookSignals`). */
  playbookSignals: ReadonlyMap<string, readonly string[]>;
  maxLevers?: number;
}): NextActionsResult {
  const { score, bands } = input;
  const maxLevers = input.maxLevers ?? 5;
  const gap = new Map(score.signals.filter((s) => s.weight > 0).map((s) => [s.signalId, s.gap]));
  const counted = new Set<string>();
  const claim = (ids: readonly string[]): { points: number | null; ids: string[]; seen: boolean } => {
    const known = ids.filter((id) => gap.has(id));
    if (known.length === 0) return { points: null, ids: [], seen: false };
    const seen = known.every((id) => counted.has(id));
    let points = 0;
    for (const id of known) {
      if (!counted.has(id)) points += gap.get(id) ?? 0;
      counted.add(id);
    }
    return { points: round1(points), ids: known, seen };
  };

  const actions: NextAction[] = [];
  const tasks = [...input.tasks].sort(
    (a, b) =>
      (PRIORITY_RANK[a.priority] ?? 2) - (PRIORITY_RANK[b.priority] ?? 2) ||
      (a.due ?? '9999').localeCompare(b.due ?? '9999') ||
      a.id.localeCompare(b.id),
  );
  for (const t of tasks) {
    const c = claim(t.playbookId ? (input.playbookSignals.get(t.playbookId) ?? []) : []);
    actions.push({
      source: 'task',
      text: t.title,
      points: c.points,
      signalIds: c.ids,
      alreadyCounted: c.seen,
      taskId: t.id,
      priority: t.priority,
      due: t.due,
    });
  }

  const healthyNeed = bands.healthy - score.score;
  const nextNeed = score.band === 'critical' ? bands.atRisk - score.score : healthyNeed;
  let total = [...counted].reduce((s, id) => s + (gap.get(id) ?? 0), 0);
  if (score.band !== 'healthy') {
    const levers = score.signals
      .filter((s) => s.weight > 0 && s.gap >= 0.5 && !counted.has(s.signalId))
      .sort((a, b) => b.gap - a.gap || a.signalId.localeCompare(b.signalId));
    let added = 0;
    for (const s of levers) {
      if (added >= maxLevers || total >= nextNeed) break;
      claim([s.signalId]);
      total += s.gap;
      added++;
      actions.push({
        source: 'lever',
        text: leverAction(s.signalId, s.label),
        points: round1(s.gap),
        signalIds: [s.signalId],
        alreadyCounted: false,
        taskId: null,
        priority: null,
        due: null,
      });
    }
  }
  if (score.band === 'healthy') return { actions, sufficiency: null };

  total = round1(total);
  const reaches: Band | null =
    total >= round1(healthyNeed)
      ? 'healthy'
      : score.band === 'critical' && total >= round1(nextNeed)
        ? 'at-risk'
        : null;
  // the line names the band the actions reach, or else the next band they fall short of
  const target: Band = reaches ?? (score.band === 'critical' ? 'at-risk' : 'healthy');
  const needed = round1(target === 'healthy' ? healthyNeed : nextNeed);
  const enough = reaches !== null;
  const verdict = enough ? `enough to reach ${reaches}` : 'not enough on their own';
  const these = actions.length === 1 ? 'This adds' : 'These add';
  const line =
    actions.length === 0
      ? `No action listed; ${signed(needed)} needed to reach ${target}.`
      : `${these} ${signed(total)}; ${signed(needed)} needed to reach ${target} — ${verdict}.`;
  return {
    actions,
    sufficiency: {
      targetBand: target,
      pointsNeeded: needed,
      pointsTotal: total,
      enough,
      reaches,
      line,
    },
  };
}
