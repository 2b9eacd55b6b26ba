import { describe, expect, it } from 'vitest';
import { DEFAULT_PLAYBOOKS } from '../playbooks/default-playbooks.ts';
import { composeNextActions, type NextActionsScore, playbookSignals } from './next-actions.ts';

const sig = (signalId: string, gap: number, weight = 0.05) => ({ signalId, label: signalId, weight, gap });
const task = (
  id: string,
  playbookId: string | null,
  priority = 'medium',
  due: string | null = '2026-05-10',
) => ({
  id,
  title: `task ${id}`,
  priority,
  due,
  playbookId,
});
const PLAYS = new Map(DEFAULT_PLAYBOOKS.map((p) => [p.id, playbookSignals(p)]));
const BANDS = { healthy: 62, atRisk: 45 };

describe('recommended next actions (hand-computed points)', () => {
  it('reproduces the issue: five levers adding 17.8 against 23.3 needed are "not enough on their own"', () => {
    const score: NextActionsScore = {
      score: 56.7,
      band: 'at-risk',
      signals: [
        sig('csm-sentiment', 5),
        sig('login-frequency', 4),
        sig('stickiness', 3.5),
        sig('exec-touch-recency', 3),
        sig('nps', 2.3),
        sig('qbr-attendance', 2.2),
        sig('usage-dip', 0.4),
      ],
    };
    const r = composeNextActions({
      score,
      bands: { healthy: 80, atRisk: 50 },
      tasks: [],
      playbookSignals: PLAYS,
    });
    expect(r.actions.map((a) => [a.source, a.points])).toEqual([
      ['lever', 5],
      ['lever', 4],
      ['lever', 3.5],
      ['lever', 3],
      ['lever', 2.3],
    ]);
    expect(r.actions[0]?.text).toBe('address what worries the CSM and record an updated sentiment');
    expect(r.sufficiency).toEqual({
      targetBand: 'healthy',
      pointsNeeded: 23.3,
      pointsTotal: 17.8,
      enough: false,
      reaches: null,
      line: 'These add +17.8; +23.3 needed to reach healthy — not enough on their own.',
    });
  });

  it('tasks first (priority, then due), each with its signal’s points; levers fill up to the next band', () => {
    const score: NextActionsScore = {
      score: 50,
      band: 'at-risk',
      signals: [
        sig('login-frequency', 6),
        sig('stickiness', 3),
        sig('champion-status', 4),
        sig('active-seats', 2.5),
        sig('nps', 0.4),
        { signalId: 'layoffs', label: 'Layoffs', weight: 0, gap: 10 },
      ],
    };
    const r = composeNextActions({
      score,
      bands: BANDS,
      tasks: [task('t-generic', 'at-risk-recovery', 'medium'), task('t-champ', 'champion-left', 'high')],
      playbookSignals: PLAYS,
    });
    // champion 4 (task), recovery (no signal), then levers 6 → 10, 3 → 13 ≥ 12 needed
    expect(r.actions.map((a) => [a.source, a.taskId ?? a.signalIds[0], a.points])).toEqual([
      ['task', 't-champ', 4],
      ['task', 't-generic', null],
      ['lever', 'login-frequency', 6],
      ['lever', 'stickiness', 3],
    ]);
    expect(r.sufficiency?.line).toBe(
      'These add +13.0; +12.0 needed to reach healthy — enough to reach healthy.',
    );
    expect(r.sufficiency?.enough).toBe(true);
  });

  it('counts a signal once: a second task on the same signal adds nothing more, and it is no lever', () => {
    const score: NextActionsScore = {
      score: 60,
      band: 'at-risk',
      signals: [sig('exec-touch-recency', 3), sig('stickiness', 1)],
    };
    const r = composeNextActions({
      score,
      bands: BANDS,
      tasks: [task('a', 'exec-silent-60-days'), task('b', 'at-risk-executive-touch', 'medium', '2026-06-01')],
      playbookSignals: PLAYS,
    });
    expect(r.actions.map((a) => [a.taskId ?? a.signalIds[0], a.points, a.alreadyCounted])).toEqual([
      ['a', 3, false],
      ['b', 0, true],
    ]);
    expect(r.sufficiency).toMatchObject({
      pointsTotal: 3,
      pointsNeeded: 2,
      enough: true,
      reaches: 'healthy',
    });
  });

  it('a critical account aims at at-risk: "enough to reach at-risk", or not enough', () => {
    const score: NextActionsScore = {
      score: 40,
      band: 'critical',
      signals: [sig('login-frequency', 6), sig('stickiness', 3), sig('nps', 2)],
    };
    const r = composeNextActions({ score, bands: BANDS, tasks: [], playbookSignals: PLAYS });
    expect(r.actions).toHaveLength(1);
    expect(r.sufficiency?.line).toBe(
      'This adds +6.0; +5.0 needed to reach at-risk — enough to reach at-risk.',
    );
    const short = composeNextActions({
      score,
      bands: BANDS,
      tasks: [],
      playbookSignals: PLAYS,
      maxLevers: 0,
    });
    expect(short.sufficiency?.line).toBe('No action listed; +5.0 needed to reach at-risk.');
    const small = composeNextActions({
      score: { ...score, signals: [sig('nps', 2), sig('stickiness', 1)] },
      bands: BANDS,
      tasks: [],
      playbookSignals: PLAYS,
    });
    expect(small.sufficiency).toMatchObject({
      enough: false,
      line: 'These add +3.0; +5.0 needed to reach at-risk — not enough on their own.',
    });
  });

  it('a critical account whose tasks cover enough for healthy says so', () => {
    const r = composeNextActions({
      score: {
        score: 40,
        band: 'critical',
        signals: [sig('champion-status', 12), sig('payment-history', 11)],
      },
      bands: BANDS,
      tasks: [task('c', 'champion-left'), task('p', 'payment-30-days-late')],
      playbookSignals: PLAYS,
    });
    expect(r.sufficiency).toMatchObject({ reaches: 'healthy', targetBand: 'healthy', pointsNeeded: 22 });
  });

  it('a healthy account gets its tasks and no levers or sufficiency line', () => {
    const r = composeNextActions({
      score: { score: 85, band: 'healthy', signals: [sig('stickiness', 5)] },
      bands: BANDS,
      tasks: [task('x', 'healthy-advocacy-ask', 'low')],
      playbookSignals: PLAYS,
    });
    expect(r.actions.map((a) => a.source)).toEqual(['task']);
    expect(r.sufficiency).toBeNull();
  });

  it('maps the default playbooks to the signals their tasks work on', () => {
    expect(PLAYS.get('champion-left')).toEqual(['champion-status']);
    expect(PLAYS.get('competitor-mentioned')).toEqual(['competitor-mentions']);
    expect(PLAYS.get('at-risk-executive-touch')).toEqual(['exec-touch-recency']);
    expect(PLAYS.get('critical-save-plan')).toEqual([]);
  });
});
