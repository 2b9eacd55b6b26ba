import { DAY_MS as DAY } from '../dates/day-number.ts';
import { effectiveBand, effectiveScore } from '../scoring/effective-score.ts';
import type { Band } from '../scoring/score-result.ts';
import type { ExpansionOpportunity } from './expansion.ts';
import type { Channel, Playbook, PlaybookTrigger, Priority } from './playbook-schema.ts';
import type { ScoreChange } from './score-change.ts';

/** The account facts conditions and actions need (loaded by the engine). */
export type PlaybookAccount = {
  id: string;
  name: string;
  segment: string;
  owner: string | null;
  /** The owner's manager (users.manager_id), for routing. */
  manager: string | null;
  arr: number;
  tags: string[];
  /** End of the current term (YYYY-MM-DD), when known. */
  renewalDate: string | null;
};

/** One rescored account with what the triggers look at. */
export type PlaybookSubject = {
  change: ScoreChange;
  account: PlaybookAccount;
  /** Earlier scores of this account (any order), for score_dropped. */
  history: { asOf: string; score: number }[];
  expansion: ExpansionOpportunity | null;
};

/** What already happened, so a run neither duplicates nor floods. */
export type PlaybookState = {
  /** Dedupe keys of open or snoozed tasks. */
  openDedupeKeys: ReadonlySet<string>;
  /** `${playbookId}:${accountId}` → ISO time until which the play must not fire again. */
  cooldownUntil: ReadonlyMap<string, string>;
  /** Owner → alerts already spent today. */
  budgetUsed: ReadonlyMap<string, number>;
};

export type EvaluatePlaybooksOptions = {
  /** The moment of evaluation (ISO). Due dates and cooldowns count from here. */
  asOf: string;
  /**
   * `change`: band triggers fire on the transition (after a rescore).
   * `level`: band_entered also fires for accounts that are in the band (on-demand sweeps);
   * dedupe and cooldowns keep that from repeating.
   */
  mode: 'change' | 'level';
  /** Alerts (tasks or notifications) per owner per day; null = unlimited. */
  dailyBudgetPerOwner: number | null;
  /** Default share (0–50 %) of triggers deliberately not actioned, to measure plays. */
  holdoutPercent: number;
  /** Salt of the deterministic holdout draw (change it to re-draw). */
  holdoutSalt: string;
};

export const SUPPRESS_REASONS = ['open-task', 'cooldown', 'budget', 'enroll-cycle'] as const;
export type SuppressReason = (typeof SUPPRESS_REASONS)[number];

export type TaskPlan = {
  title: string;
  checklist: string[];
  priority: Priority;
  dueDate: string;
  owner: string | null;
  manager: string | null;
  routedToManager: boolean;
};

export type PlaybookDecision = {
  playbookId: string;
  playbookName: string;
  accountId: string;
  /** fired = act; held-out = deliberately not acted on (holdout), recorded for outcomes; suppressed = not acted on. */
  outcome: 'fired' | 'held-out' | 'suppressed';
  reason: SuppressReason | 'holdout' | null;
  dedupeKey: string;
  /** Why the trigger matched, in words. */
  because: string;
  enrolledBy: string | null;
  score: number;
  band: Band;
  /** Whom the alert is for (budget key): the task's owner or the account owner. */
  alertOwner: string | null;
  task: TaskPlan | null;
  notifications: { channel: Channel; target: string }[];
  addTags: string[];
  cooldownUntil: string | null;
};

export type EvaluatePlaybooksResult = {
  decisions: PlaybookDecision[];
  fired: number;
  heldOut: number;
  suppressed: Record<SuppressReason, number>;
};

const MAX_ENROLL_DEPTH = 3;

const addDays = (iso: string, days: number) => new Date(Date.parse(iso) + days * DAY).toISOString();

export const dedupeKeyOf = (playbookId: string, accountId: string) => `${playbookId}:${accountId}`;

/** FNV-1a: a stable, seedable draw so a holdout is reproducible and needs no randomness in the core. */
function draw(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return (h % 10_000) / 100; // 0..99.99
}

function compare(actual: number | string, op: string, expected: number | string): boolean {
  if (typeof actual === 'number' && typeof expected === 'number') {
    switch (op) {
      case 'lt':
        return actual < expected;
      case 'lte':
        return actual <= expected;
      case 'gt':
        return actual > expected;
      case 'gte':
        return actual >= expected;
      case 'eq':
        return actual === expected;
      default:
        return actual !== expected;
    }
  }
  if (op === 'eq') return String(actual) === String(expected);
  if (op === 'neq') return String(actual) !== String(expected);
  return false;
}

/** Returns why the trigger matches, or null. */
export function matchTrigger(
  trigger: PlaybookTrigger,
  subject: PlaybookSubject,
  options: Pick<EvaluatePlaybooksOptions, 'asOf' | 'mode'>,
): string | null {
  const { change } = subject;
  const band = effectiveBand(change.current);
  const score = effectiveScore(change.current);
  const prevBand = change.previous?.band ?? null;
  switch (trigger.type) {
    case 'band_entered':
      if (band !== trigger.band) return null;
      if (prevBand === trigger.band && options.mode === 'change') return null;
      return prevBand && prevBand !== band ? `entered ${band} (was ${prevBand})` : `is ${band}`;
    case 'band_left':
      return prevBand === trigger.band && band !== trigger.band ? `left ${trigger.band} (now ${band})` : null;
    case 'score_dropped': {
      const since = Date.parse(options.asOf) - trigger.withinDays * DAY;
      let peak: { score: number; asOf: string } | null = null;
      for (const h of subject.history)
        if (Date.parse(h.asOf) >= since && (!peak || h.score > peak.score)) peak = h;
      if (change.previous && (!peak || change.previous.score > peak.score))
        peak = { score: change.previous.score, asOf: 'previous score' };
      if (!peak) return null;
      const drop = Math.round((peak.score - score) * 10) / 10;
      return drop >= trigger.points
        ? `score dropped ${drop} points (from ${peak.score} to ${score}) within ${trigger.withinDays} days`
        : null;
    }
    case 'signal': {
      const s = change.current.signals.find((x) => x.signalId === trigger.signalId);
      if (!s || s.value === null) return null;
      return compare(s.value, trigger.op, trigger.value) ? `${s.label}: ${s.detail}` : null;
    }
    case 'renewal_within': {
      if (!trigger.bands.includes(band)) return null;
      let days: number | null = null;
      if (subject.account.renewalDate)
        days = Math.round(
          (Date.parse(`${subject.account.renewalDate.slice(0, 10)}T00:00:00Z`) -
            Date.parse(`${options.asOf.slice(0, 10)}T00:00:00Z`)) /
            DAY,
        );
      else {
        const s = change.current.signals.find((x) => x.signalId === 'days-to-renewal');
        if (s && typeof s.value === 'number') days = s.value;
      }
      return days !== null && days >= 0 && days <= trigger.days
        ? `renews in ${days} days while ${band}`
        : null;
    }
    case 'expansion_ready':
      return subject.expansion ? `expansion opportunity: ${subject.expansion.evidence}` : null;
    case 'enrolled':
      return null;
  }
}

function conditionsHold(p: Playbook, a: PlaybookAccount): boolean {
  const c = p.conditions;
  if (c.segments && !c.segments.includes(a.segment)) return false;
  if (c.owners && (!a.owner || !c.owners.includes(a.owner))) return false;
  if (c.arrMin !== undefined && a.arr < c.arrMin) return false;
  if (c.arrMax !== undefined && a.arr > c.arrMax) return false;
  if (c.tagsAll && !c.tagsAll.every((t) => a.tags.includes(t))) return false;
  if (c.tagsNone?.some((t) => a.tags.includes(t))) return false;
  return true;
}

/** `{{account.name}}`, `{{score}}`, `{{band}}`, `{{driver}}`, `{{evidence}}`; unknown placeholders stay as written. */
function render(
  template: string,
  s: PlaybookSubject,
  cache: Map<PlaybookSubject, Record<string, string>>,
): string {
  if (!template.includes('{{')) return template;
  let values = cache.get(s);
  if (values) return template.replace(/\{\{\s*([a-z.]+)\s*\}\}/g, (m, k: string) => values?.[k] ?? m);
  const top = s.change.current.drivers.down[0];
  values = {
    'account.name': s.account.name,
    'account.id': s.account.id,
    'account.segment': s.account.segment,
    score: String(effectiveScore(s.change.current)),
    band: effectiveBand(s.change.current),
    driver: top ? `${top.label}: ${top.detail}` : 'no single driver',
    evidence: s.expansion?.evidence ?? 'see the account page',
  };
  cache.set(s, values);
  return template.replace(/\{\{\s*([a-z.]+)\s*\}\}/g, (m, k: string) => values?.[k] ?? m);
}

/**
 * Decides, for rescored accounts, which playbooks fire and which are
 * suppressed and why. Pure: the engine loads state, applies the fired
 * decisions, and records all of them (suppressed ones are counted, not lost).
 *
 * Order of checks: trigger → conditions → open task (dedupe) → cooldown →
 * holdout → budget. Budgets are spent in priority order (urgent first) so a
 * flood of low-priority plays never crowds out an escalation.
 */
export function evaluatePlaybooks(
  playbooks: readonly Playbook[],
  subjects: readonly PlaybookSubject[],
  state: PlaybookState,
  options: EvaluatePlaybooksOptions,
): EvaluatePlaybooksResult {
  const byId = new Map(playbooks.map((p) => [p.id, p]));
  const enabled = playbooks.filter((p) => p.enabled);
  const openKeys = new Set(state.openDedupeKeys);
  const cooldownKeys = new Map(state.cooldownUntil);
  const candidates: PlaybookDecision[] = [];
  // due dates and cooldown ends depend only on the day count: compute each once per run
  const dayCache = new Map<number, string>();
  const plus = (days: number) => {
    let v = dayCache.get(days);
    if (v === undefined) {
      v = addDays(options.asOf, days);
      dayCache.set(days, v);
    }
    return v;
  };
  const renderCache = new Map<PlaybookSubject, Record<string, string>>();

  const consider = (
    p: Playbook,
    s: PlaybookSubject,
    because: string,
    enrolledBy: string | null,
    depth: number,
    chain: string[],
  ) => {
    const accountId = s.account.id;
    const dedupeKey = dedupeKeyOf(p.id, accountId);
    const taskAction = p.actions.find((a) => a.type === 'create_task');
    const routed = p.actions.some((a) => a.type === 'route_to_manager');
    const task: TaskPlan | null =
      taskAction && taskAction.type === 'create_task'
        ? {
            title: render(taskAction.title, s, renderCache),
            checklist: taskAction.checklist.map((c) => render(c, s, renderCache)),
            priority: taskAction.priority,
            dueDate: plus(taskAction.dueInDays).slice(0, 10),
            owner: routed ? (s.account.manager ?? s.account.owner) : s.account.owner,
            manager: routed ? s.account.manager : s.account.manager,
            routedToManager: routed && s.account.manager !== null,
          }
        : null;
    const decision: PlaybookDecision = {
      playbookId: p.id,
      playbookName: p.name,
      accountId,
      outcome: 'fired',
      reason: null,
      dedupeKey,
      because,
      enrolledBy,
      score: effectiveScore(s.change.current),
      band: effectiveBand(s.change.current),
      alertOwner: task?.owner ?? s.account.owner,
      task,
      notifications: p.actions.flatMap((a) =>
        a.type === 'notify' ? [{ channel: a.channel, target: a.target }] : [],
      ),
      addTags: p.actions.flatMap((a) => (a.type === 'add_tag' ? [a.tag] : [])),
      cooldownUntil: p.cooldownDays > 0 ? plus(p.cooldownDays) : null,
    };
    const cool = cooldownKeys.get(dedupeKey);
    if (task && openKeys.has(dedupeKey)) {
      decision.outcome = 'suppressed';
      decision.reason = 'open-task';
    } else if (cool && cool > options.asOf) {
      decision.outcome = 'suppressed';
      decision.reason = 'cooldown';
    } else if (
      enrolledBy === null &&
      draw(`${options.holdoutSalt}|${p.id}|${accountId}|${options.asOf.slice(0, 10)}`) <
        (p.holdoutPercent ?? options.holdoutPercent)
    ) {
      decision.outcome = 'held-out';
      decision.reason = 'holdout';
    }
    candidates.push(decision);
    if (decision.outcome === 'suppressed') return;
    // a fired or held-out play occupies its slot for this run either way
    if (task) openKeys.add(dedupeKey);
    if (decision.cooldownUntil) cooldownKeys.set(dedupeKey, decision.cooldownUntil);
    if (decision.outcome !== 'fired') return;
    for (const a of p.actions) {
      if (a.type !== 'enroll') continue;
      const target = byId.get(a.playbookId);
      if (!target?.enabled || !conditionsHold(target, s.account)) continue;
      if (depth >= MAX_ENROLL_DEPTH || chain.includes(target.id)) {
        candidates.push({
          ...decision,
          playbookId: target.id,
          playbookName: target.name,
          dedupeKey: dedupeKeyOf(target.id, accountId),
          outcome: 'suppressed',
          reason: 'enroll-cycle',
          enrolledBy: p.id,
          task: null,
          notifications: [],
          addTags: [],
          cooldownUntil: null,
        });
        continue;
      }
      consider(target, s, `enrolled by ${p.id}`, p.id, depth + 1, [...chain, target.id]);
    }
  };

  for (const s of subjects) {
    for (const p of enabled) {
      if (!conditionsHold(p, s.account)) continue;
      const because = matchTrigger(p.trigger, s, options);
      if (because === null) continue;
      consider(p, s, because, null, 0, [p.id]);
    }
  }

  // Budget pass: each owner's alerts go to the candidates worth most (see `spendBudget`);
  // an enrolled play goes where its enroller goes: no save plan without its escalation.
  if (options.dailyBudgetPerOwner !== null)
    spendBudget(candidates, subjectsById(subjects), byId, state.budgetUsed, options.dailyBudgetPerOwner);

  const suppressed = Object.fromEntries(SUPPRESS_REASONS.map((r) => [r, 0])) as Record<
    SuppressReason,
    number
  >;
  let fired = 0;
  let heldOut = 0;
  for (const d of candidates) {
    if (d.outcome === 'fired') fired++;
    else if (d.outcome === 'held-out') heldOut++;
    else if (d.reason && d.reason !== 'holdout') suppressed[d.reason]++;
  }
  return { decisions: candidates, fired, heldOut, suppressed };
}

const PRIORITY_WEIGHT: Record<Priority, number> = { urgent: 8, high: 4, medium: 2, low: 1 };
/** Triggers that name a specific reason (a signal, a renewal, a drop, an opportunity) rather than a band. */
const SPECIFIC_TRIGGERS = new Set(['signal', 'renewal_within', 'score_dropped', 'expansion_ready']);

const subjectsById = (subjects: readonly PlaybookSubject[]) =>
  new Map(subjects.map((s) => [s.account.id, s]));

/**
 * What one alert is worth: priority weight × specificity (1.5 for a play triggered by a specific
 * reason, 1 for a band play) × √(1 + ARR at stake), where ARR at stake = ARR × risk and risk is
 * (100 − score)/100, at least 0.2 so healthy accounts' expansion plays keep a stake.
 */
export function alertValue(d: PlaybookDecision, s: PlaybookSubject | undefined, trigger: string | undefined) {
  const priority = d.task?.priority ?? 'medium';
  const risk = Math.max(0.2, Math.min(1, (100 - d.score) / 100));
  const stake = Math.sqrt(1 + Math.max(0, s?.account.arr ?? 0) * risk);
  return PRIORITY_WEIGHT[priority] * (trigger && SPECIFIC_TRIGGERS.has(trigger) ? 1.5 : 1) * stake;
}

/**
 * Spends each owner's daily alert budget on the candidates worth most. A play and the plays it
 * enrolled form one unit that fires whole or not at all (no save plan without its escalation,
 * no escalation that leaves its save plan behind) and costs one alert per member. Urgent units
 * come first (an escalation is never crowded out); the rest are chosen greedily by value with
 * diminishing returns: the k-th unit of the same playbook for the same owner counts
 * value × 0.5^k, so one generic play cannot take a whole budget while specific plays
 * (competitor, champion left, renewal, expansion) wait. Suppressed candidates are retried on a
 * later day (no cooldown).
 */
function spendBudget(
  candidates: PlaybookDecision[],
  subjects: ReadonlyMap<string, PlaybookSubject>,
  playbooks: ReadonlyMap<string, Playbook>,
  budgetUsed: ReadonlyMap<string, number>,
  budget: number,
) {
  const alerts = (d: PlaybookDecision) =>
    d.outcome === 'fired' && (d.task !== null || d.notifications.length > 0);
  type Unit = { root: PlaybookDecision; members: PlaybookDecision[]; urgent: boolean; value: number };
  const byKey = new Map<string, PlaybookDecision[]>();
  for (const d of candidates)
    if (d.enrolledBy && d.outcome === 'fired') {
      const k = `${d.enrolledBy}:${d.accountId}`;
      const list = byKey.get(k);
      if (list) list.push(d);
      else byKey.set(k, [d]);
    }
  const membersOf = (root: PlaybookDecision) => {
    const out = [root];
    for (let i = 0; i < out.length; i++)
      for (const c of byKey.get(`${out[i]!.playbookId}:${out[i]!.accountId}`) ?? [])
        if (!out.includes(c)) out.push(c);
    return out.filter(alerts);
  };
  const byOwner = new Map<string, Unit[]>();
  for (const d of candidates) {
    if (d.enrolledBy || d.outcome !== 'fired') continue;
    const members = membersOf(d);
    if (members.length === 0) continue;
    const unit: Unit = {
      root: d,
      members,
      urgent: members.some((m) => m.task?.priority === 'urgent'),
      value: Math.max(
        ...members.map((m) =>
          alertValue(m, subjects.get(m.accountId), playbooks.get(m.playbookId)?.trigger.type),
        ),
      ),
    };
    const key = d.alertOwner ?? '(unassigned)';
    const list = byOwner.get(key);
    if (list) list.push(unit);
    else byOwner.set(key, [unit]);
  }
  // every member is charged to its own alert owner (an escalation routed to the manager, its
  // save plan to the CSM): a unit fits only when each of them has room
  const spent = new Map(budgetUsed);
  const ownerOf = (d: PlaybookDecision) => d.alertOwner ?? '(unassigned)';
  const fits = (u: Unit) => {
    const need = new Map<string, number>();
    for (const m of u.members) need.set(ownerOf(m), (need.get(ownerOf(m)) ?? 0) + 1);
    for (const [o, n] of need) if ((spent.get(o) ?? 0) + n > budget) return false;
    return true;
  };
  for (const units of byOwner.values()) {
    const perPlaybook = new Map<string, number>();
    const left = new Set(units);
    const take = (u: Unit) => {
      left.delete(u);
      for (const m of u.members) spent.set(ownerOf(m), (spent.get(ownerOf(m)) ?? 0) + 1);
      perPlaybook.set(u.root.playbookId, (perPlaybook.get(u.root.playbookId) ?? 0) + 1);
    };
    for (const u of units.filter((x) => x.urgent).sort((x, y) => y.value - x.value)) if (fits(u)) take(u);
    for (;;) {
      let best: Unit | null = null;
      let bestValue = -1;
      for (const u of left) {
        if (u.urgent || !fits(u)) continue;
        const v = u.value * 0.5 ** (perPlaybook.get(u.root.playbookId) ?? 0);
        if (v > bestValue) {
          best = u;
          bestValue = v;
        }
      }
      if (!best) break;
      take(best);
    }
    for (const u of left)
      for (const d of u.members) {
        d.outcome = 'suppressed';
        d.reason = 'budget';
        d.cooldownUntil = null;
      }
  }
}
