import { DAY_MS as DAY } from '../../core/dates/day-number.ts';
import type { Band } from '../../core/scoring/score-result.ts';
import type { EngineContext } from '../context.ts';
import { loadPlaybooks } from './load-playbooks.ts';

export type OutcomeGroup = {
  decisions: number;
  /** Decisions whose observation window has passed. */
  matured: number;
  /** Reached a better band within the window. */
  recovered: number;
  renewed: number;
  churned: number;
  recoveryRate: number | null;
  renewalRate: number | null;
  churnRate: number | null;
};

export type PlayOutcome = {
  playbookId: string;
  name: string;
  /** Accounts the play acted on. */
  touched: OutcomeGroup;
  /** Comparable accounts: same trigger, deliberately not acted on (holdout). */
  holdout: OutcomeGroup;
  /** touched − holdout, in rate points; null until both groups have matured decisions. */
  recoveryLift: number | null;
  churnLift: number | null;
};

export type PlayOutcomesReport = { windowDays: number; asOf: string; plays: PlayOutcome[] };

const RANK: Record<Band, number> = { critical: 0, 'at-risk': 1, healthy: 2 };
const plusDays = (day: string, n: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);

const emptyGroup = (): OutcomeGroup => ({
  decisions: 0,
  matured: 0,
  recovered: 0,
  renewed: 0,
  churned: 0,
  recoveryRate: null,
  renewalRate: null,
  churnRate: null,
});

/**
 * Did plays work? For each playbook, the accounts it acted on versus the
 * holdout (triggers deliberately left alone, recorded by runPlaybooks), and
 * what happened within `windowDays`: a better band, a new term (renewal), or
 * churn. Only decisions whose window has passed count towards the rates.
 */
export async function evaluatePlayOutcomes(
  ctx: EngineContext,
  options: { windowDays?: number } = {},
): Promise<PlayOutcomesReport> {
  const windowDays = options.windowDays ?? 60;
  const now = ctx.clock.now().toISOString();
  const today = now.slice(0, 10);
  const names = new Map((await loadPlaybooks(ctx)).map((p) => [p.playbook.id, p.playbook.name]));
  const decisions = await ctx.store.playbooks.actedDecisions();
  const accountIds = [...new Set(decisions.map((d) => d.account_id))];
  const scores = new Map<string, { day: string; band: Band }[]>();
  const contracts = new Map<
    string,
    { start: string; churnedAt: string | null; status: string; end: string | null }[]
  >();
  const from = decisions[0]?.at.slice(0, 10) ?? today;
  const after = await ctx.store.playbooks.afterPlay(accountIds, from);
  for (const r of after.scores) {
    const list = scores.get(r.account_id) ?? [];
    list.push({ day: r.as_of.slice(0, 10), band: r.band as Band });
    scores.set(r.account_id, list);
  }
  for (const r of after.contracts) {
    const list = contracts.get(r.account_id) ?? [];
    list.push({ start: r.start_date, end: r.end_date, churnedAt: r.churned_at, status: r.status });
    contracts.set(r.account_id, list);
  }

  const plays = new Map<string, { touched: OutcomeGroup; holdout: OutcomeGroup }>();
  // one observation per (play, account, group): repeated triggers of the same episode are not new evidence
  const seen = new Set<string>();
  for (const d of decisions) {
    const group = d.outcome === 'fired' ? 'touched' : 'holdout';
    const key = `${d.playbook_id}|${d.account_id}|${group}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const p = plays.get(d.playbook_id) ?? { touched: emptyGroup(), holdout: emptyGroup() };
    plays.set(d.playbook_id, p);
    const g = p[group];
    g.decisions++;
    const start = d.at.slice(0, 10);
    const end = plusDays(start, windowDays);
    if (end > today) continue;
    g.matured++;
    const band = d.band as Band;
    if (
      (scores.get(d.account_id) ?? []).some((s) => s.day > start && s.day <= end && RANK[s.band] > RANK[band])
    )
      g.recovered++;
    const terms = contracts.get(d.account_id) ?? [];
    if (terms.some((c) => c.start > start && c.start <= end && c.status !== 'churned')) g.renewed++;
    if (
      terms.some((c) => {
        const churned = c.churnedAt ?? (c.status === 'churned' ? c.end : null);
        return churned !== null && churned > start && churned <= end;
      })
    )
      g.churned++;
  }
  const rate = (n: number, of: number) => (of > 0 ? Math.round((n / of) * 1000) / 1000 : null);
  const out: PlayOutcome[] = [];
  for (const [playbookId, p] of plays) {
    for (const g of [p.touched, p.holdout]) {
      g.recoveryRate = rate(g.recovered, g.matured);
      g.renewalRate = rate(g.renewed, g.matured);
      g.churnRate = rate(g.churned, g.matured);
    }
    const lift = (a: number | null, b: number | null) =>
      a === null || b === null ? null : Math.round((a - b) * 1000) / 1000;
    out.push({
      playbookId,
      name: names.get(playbookId) ?? playbookId,
      touched: p.touched,
      holdout: p.holdout,
      recoveryLift: lift(p.touched.recoveryRate, p.holdout.recoveryRate),
      churnLift: lift(p.touched.churnRate, p.holdout.churnRate),
    });
  }
  out.sort((a, b) => b.touched.decisions - a.touched.decisions || a.playbookId.localeCompare(b.playbookId));
  return { windowDays, asOf: now, plays: out };
}
