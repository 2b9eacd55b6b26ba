import { describe, expect, it } from 'vitest';
import { DEFAULT_PLAYBOOKS } from './default-playbooks.ts';
import {
  type EvaluatePlaybooksOptions,
  evaluatePlaybooks,
  type PlaybookState,
} from './evaluate-playbooks.ts';
import { type Playbook, type PlaybookInput, playbookSchema } from './playbook-schema.ts';
import { makeScoreResult, makeSubject } from './playbook-test-fixtures.ts';

const NOW = '2025-06-01T10:00:00.000Z';
const OPTS: EvaluatePlaybooksOptions = {
  asOf: NOW,
  mode: 'change',
  dailyBudgetPerOwner: null,
  holdoutPercent: 0,
  holdoutSalt: 'test',
};
const EMPTY: PlaybookState = { openDedupeKeys: new Set(), cooldownUntil: new Map(), budgetUsed: new Map() };
const pb = (p: Partial<PlaybookInput> & Pick<PlaybookInput, 'trigger'>): Playbook =>
  playbookSchema.parse({
    id: 'p',
    name: 'P',
    actions: [
      { type: 'create_task', title: 'Do {{account.name}} ({{band}} {{score}}): {{driver}}', dueInDays: 3 },
    ],
    ...p,
  });
const fired = (r: ReturnType<typeof evaluatePlaybooks>) =>
  r.decisions.filter((d) => d.outcome === 'fired').map((d) => `${d.playbookId}:${d.accountId}`);

describe('evaluatePlaybooks: triggers', () => {
  it('band_entered fires on the transition only (change mode), on the level in level mode', () => {
    const p = pb({ trigger: { type: 'band_entered', band: 'critical' } });
    const entered = makeSubject('a1', makeScoreResult('a1', 40, 'critical'), { score: 60, band: 'at-risk' });
    const stayed = makeSubject('a2', makeScoreResult('a2', 38, 'critical'), { score: 41, band: 'critical' });
    const first = makeSubject('a3', makeScoreResult('a3', 30, 'critical'), null);
    const r = evaluatePlaybooks([p], [entered, stayed, first], EMPTY, OPTS);
    expect(fired(r)).toEqual(['p:a1', 'p:a3']);
    expect(r.decisions[0]?.because).toBe('entered critical (was at-risk)');
    const level = evaluatePlaybooks([p], [entered, stayed, first], EMPTY, { ...OPTS, mode: 'level' });
    expect(fired(level)).toEqual(['p:a1', 'p:a2', 'p:a3']);
  });

  it('band_left fires when the previous band was left', () => {
    const p = pb({ trigger: { type: 'band_left', band: 'critical' } });
    const left = makeSubject('a1', makeScoreResult('a1', 55, 'at-risk'), { score: 45, band: 'critical' });
    const not = makeSubject('a2', makeScoreResult('a2', 55, 'at-risk'), { score: 60, band: 'at-risk' });
    expect(fired(evaluatePlaybooks([p], [left, not], EMPTY, OPTS))).toEqual(['p:a1']);
  });

  it('score_dropped compares with the peak within the window (history and previous)', () => {
    const p = pb({ trigger: { type: 'score_dropped', points: 15, withinDays: 30 } });
    const inWindow = makeSubject(
      'a1',
      makeScoreResult('a1', 60, 'at-risk'),
      { score: 70, band: 'at-risk' },
      {},
      {
        history: [{ asOf: '2025-05-10', score: 80 }],
      },
    );
    const tooOld = makeSubject(
      'a2',
      makeScoreResult('a2', 60, 'at-risk'),
      { score: 70, band: 'at-risk' },
      {},
      {
        history: [{ asOf: '2025-04-01', score: 90 }],
      },
    );
    const fromPrevious = makeSubject('a3', makeScoreResult('a3', 50, 'at-risk'), {
      score: 66,
      band: 'at-risk',
    });
    const r = evaluatePlaybooks([p], [inWindow, tooOld, fromPrevious], EMPTY, OPTS);
    expect(fired(r)).toEqual(['p:a1', 'p:a3']);
    expect(r.decisions[0]?.because).toContain('dropped 20 points');
  });

  it('signal conditions: champion left, exec silent > 60 days, payment ≥ 30 days late, competitor mentioned', () => {
    const plays = DEFAULT_PLAYBOOKS.filter((p) =>
      ['champion-left', 'exec-silent-60-days', 'payment-30-days-late', 'competitor-mentioned'].includes(p.id),
    );
    expect(plays).toHaveLength(4);
    const bad = makeSubject(
      'bad',
      makeScoreResult('bad', 65, 'at-risk', [
        { signalId: 'champion-status', value: 0.05, detail: 'champion left 3 days ago' },
        { signalId: 'exec-touch-recency', value: 75 },
        { signalId: 'payment-history', value: 30 },
        { signalId: 'competitor-mentions', value: 2 },
      ]),
      { score: 66, band: 'at-risk' },
    );
    const good = makeSubject(
      'good',
      makeScoreResult('good', 85, 'healthy', [
        { signalId: 'champion-status', value: 0.4 },
        { signalId: 'exec-touch-recency', value: 60 },
        { signalId: 'payment-history', value: 29 },
        { signalId: 'competitor-mentions', value: 0 },
      ]),
      null,
    );
    const missing = makeSubject('none', makeScoreResult('none', 70, 'at-risk', []), null);
    const r = evaluatePlaybooks(plays, [bad, good, missing], EMPTY, OPTS);
    expect(fired(r).sort()).toEqual(
      [
        'champion-left:bad',
        'competitor-mentioned:bad',
        'exec-silent-60-days:bad',
        'payment-30-days-late:bad',
      ].sort(),
    );
    expect(r.decisions.find((d) => d.playbookId === 'champion-left')?.because).toContain(
      'champion left 3 days ago',
    );
  });

  it('string signal values compare with eq/neq only', () => {
    const eq = pb({ id: 'eq', trigger: { type: 'signal', signalId: 'plan', op: 'eq', value: 'basic' } });
    const gt = pb({ id: 'gt', trigger: { type: 'signal', signalId: 'plan', op: 'gt', value: 'basic' } });
    const s = makeSubject(
      'a',
      makeScoreResult('a', 70, 'at-risk', [{ signalId: 'plan', value: 'basic' }]),
      null,
    );
    expect(fired(evaluatePlaybooks([eq, gt], [s], EMPTY, OPTS))).toEqual(['eq:a']);
  });

  it('renewal_within uses the renewal date (or the days-to-renewal signal) and the bands', () => {
    const p = pb({ trigger: { type: 'renewal_within', days: 90, bands: ['at-risk', 'critical'] } });
    const soon = makeSubject('a1', makeScoreResult('a1', 60, 'at-risk'), null, { renewalDate: '2025-08-15' });
    const late = makeSubject('a2', makeScoreResult('a2', 60, 'at-risk'), null, { renewalDate: '2025-12-31' });
    const healthy = makeSubject('a3', makeScoreResult('a3', 90, 'healthy'), null, {
      renewalDate: '2025-07-01',
    });
    const bySignal = makeSubject(
      'a4',
      makeScoreResult('a4', 40, 'critical', [{ signalId: 'days-to-renewal', value: 30 }]),
      null,
    );
    const r = evaluatePlaybooks([p], [soon, late, healthy, bySignal], EMPTY, OPTS);
    expect(fired(r)).toEqual(['p:a1', 'p:a4']);
    expect(r.decisions[0]?.because).toBe('renews in 75 days while at-risk');
  });

  it('expansion_ready fires with the evidence in the task', () => {
    const p = pb({
      trigger: { type: 'expansion_ready' },
      actions: [{ type: 'create_task', title: 'Expand', dueInDays: 14, checklist: ['{{evidence}}'] }],
    });
    const ready = makeSubject(
      'a1',
      makeScoreResult('a1', 92, 'healthy'),
      null,
      {},
      {
        expansion: {
          accountId: 'a1',
          name: 'A1',
          score: 92,
          evidence: 'uses 5 of 8 core features: not X, Y, Z',
          unusedCoreFeatures: ['x', 'y', 'z'],
          seatUtilization: 0.92,
          potentialArr: 12_000,
        },
      },
    );
    const notReady = makeSubject('a2', makeScoreResult('a2', 92, 'healthy'), null);
    const r = evaluatePlaybooks([p], [ready, notReady], EMPTY, OPTS);
    expect(fired(r)).toEqual(['p:a1']);
    expect(r.decisions[0]?.task?.checklist).toEqual(['uses 5 of 8 core features: not X, Y, Z']);
  });

  it('conditions filter by segment, owner, ARR range and tags; disabled playbooks never fire', () => {
    const base = { trigger: { type: 'band_entered', band: 'critical' } } as const;
    const plays = [
      pb({ ...base, id: 'seg', conditions: { segments: ['enterprise'] } }),
      pb({ ...base, id: 'own', conditions: { owners: ['csm-2'] } }),
      pb({ ...base, id: 'arr', conditions: { arrMin: 50_000, arrMax: 70_000 } }),
      pb({ ...base, id: 'tags', conditions: { tagsAll: ['vip'], tagsNone: ['churning'] } }),
      pb({ ...base, id: 'off', enabled: false }),
    ];
    const s1 = makeSubject('a1', makeScoreResult('a1', 30, 'critical'), null, {
      segment: 'enterprise',
      owner: 'csm-2',
      arr: 60_000,
      tags: ['vip'],
    });
    const s2 = makeSubject('a2', makeScoreResult('a2', 30, 'critical'), null, {
      arr: 80_000,
      tags: ['vip', 'churning'],
    });
    expect(fired(evaluatePlaybooks(plays, [s1, s2], EMPTY, OPTS))).toEqual([
      'seg:a1',
      'own:a1',
      'arr:a1',
      'tags:a1',
    ]);
  });
});

describe('evaluatePlaybooks: actions', () => {
  const s = () => makeSubject('a1', makeScoreResult('a1', 31.5, 'critical'), { score: 55, band: 'at-risk' });

  it('create_task renders the template, due date and priority; the owner gets it', () => {
    const r = evaluatePlaybooks(
      [pb({ trigger: { type: 'band_entered', band: 'critical' } })],
      [s()],
      EMPTY,
      OPTS,
    );
    expect(r.decisions[0]?.task).toEqual({
      title: 'Do Account a1 (critical 31.5): Login trend: logins down 42%',
      checklist: [],
      priority: 'medium',
      dueDate: '2025-06-04',
      owner: 'csm-1',
      manager: 'mgr-1',
      routedToManager: false,
    });
  });

  it('route_to_manager gives the task to the manager (or keeps the owner when there is none)', () => {
    const p = pb({
      trigger: { type: 'band_entered', band: 'critical' },
      actions: [{ type: 'create_task', title: 't', dueInDays: 1 }, { type: 'route_to_manager' }],
    });
    const r = evaluatePlaybooks([p], [s()], EMPTY, OPTS);
    expect(r.decisions[0]?.task).toMatchObject({ owner: 'mgr-1', routedToManager: true });
    expect(r.decisions[0]?.alertOwner).toBe('mgr-1');
    const orphan = makeSubject('a2', makeScoreResult('a2', 30, 'critical'), null, { manager: null });
    expect(evaluatePlaybooks([p], [orphan], EMPTY, OPTS).decisions[0]?.task).toMatchObject({
      owner: 'csm-1',
      routedToManager: false,
    });
  });

  it('notify and add_tag are carried on the decision', () => {
    const p = pb({
      trigger: { type: 'band_entered', band: 'critical' },
      actions: [
        { type: 'notify', channel: 'webhook', target: 'default' },
        { type: 'notify', channel: 'email', target: 'manager' },
        { type: 'add_tag', tag: 'save-plan' },
      ],
    });
    const d = evaluatePlaybooks([p], [s()], EMPTY, OPTS).decisions[0];
    expect(d?.task).toBeNull();
    expect(d?.notifications).toEqual([
      { channel: 'webhook', target: 'default' },
      { channel: 'email', target: 'manager' },
    ]);
    expect(d?.addTags).toEqual(['save-plan']);
  });

  it('enroll fires the target playbook (even with an enrolled-only trigger), respecting its conditions', () => {
    const parent = pb({
      id: 'parent',
      trigger: { type: 'band_entered', band: 'critical' },
      actions: [
        { type: 'enroll', playbookId: 'child' },
        { type: 'enroll', playbookId: 'picky' },
      ],
    });
    const child = pb({ id: 'child', trigger: { type: 'enrolled' } });
    const picky = pb({ id: 'picky', trigger: { type: 'enrolled' }, conditions: { segments: ['smb'] } });
    const r = evaluatePlaybooks([parent, child, picky], [s()], EMPTY, OPTS);
    expect(fired(r)).toEqual(['parent:a1', 'child:a1']);
    expect(r.decisions[1]).toMatchObject({ enrolledBy: 'parent', because: 'enrolled by parent' });
  });

  it('enroll cycles stop and are reported', () => {
    const a = pb({
      id: 'a',
      trigger: { type: 'band_entered', band: 'critical' },
      actions: [{ type: 'enroll', playbookId: 'b' }],
    });
    const b = pb({ id: 'b', trigger: { type: 'enrolled' }, actions: [{ type: 'enroll', playbookId: 'a' }] });
    const r = evaluatePlaybooks([a, b], [s()], EMPTY, OPTS);
    expect(fired(r)).toEqual(['a:a1', 'b:a1']);
    expect(r.suppressed['enroll-cycle']).toBe(1);
  });
});

describe('evaluatePlaybooks: dedupe, cooldown, budget, holdout', () => {
  const p = pb({ trigger: { type: 'band_entered', band: 'critical' }, cooldownDays: 30 });
  const crit = (id: string, owner = 'csm-1') =>
    makeSubject(id, makeScoreResult(id, 30, 'critical'), { score: 60, band: 'at-risk' }, { owner });

  it('an open task for the same condition suppresses a second one, also within one batch', () => {
    const r = evaluatePlaybooks([p], [crit('a1')], { ...EMPTY, openDedupeKeys: new Set(['p:a1']) }, OPTS);
    expect(r.decisions[0]).toMatchObject({ outcome: 'suppressed', reason: 'open-task' });
    const twice = evaluatePlaybooks([p], [crit('a1'), crit('a1')], EMPTY, OPTS);
    expect(twice.fired).toBe(1);
    expect(twice.suppressed['open-task']).toBe(1);
  });

  it('a cooldown suppresses until it ends; the fired decision carries its cooldown', () => {
    const state = { ...EMPTY, cooldownUntil: new Map([['p:a1', '2025-06-10T00:00:00.000Z']]) };
    expect(evaluatePlaybooks([p], [crit('a1')], state, OPTS).suppressed.cooldown).toBe(1);
    const later = evaluatePlaybooks([p], [crit('a1')], state, { ...OPTS, asOf: '2025-06-11T00:00:00.000Z' });
    expect(later.fired).toBe(1);
    expect(later.decisions[0]?.cooldownUntil).toBe('2025-07-11T00:00:00.000Z');
  });

  it('the per-owner daily budget suppresses the excess, most urgent first, and counts it', () => {
    const urgent = pb({
      id: 'urgent',
      trigger: { type: 'band_entered', band: 'critical' },
      actions: [{ type: 'create_task', title: 'u', dueInDays: 1, priority: 'urgent' }],
    });
    const low = pb({
      id: 'low',
      trigger: { type: 'band_entered', band: 'critical' },
      actions: [{ type: 'create_task', title: 'l', dueInDays: 1, priority: 'low' }],
    });
    const subjects = [crit('a1'), crit('a2'), crit('a3', 'csm-2')];
    const state = { ...EMPTY, budgetUsed: new Map([['csm-1', 1]]) };
    const r = evaluatePlaybooks([low, urgent], subjects, state, { ...OPTS, dailyBudgetPerOwner: 3 });
    // csm-1 has 2 left: both urgent tasks win over the low ones; csm-2 has 3 for its 2
    expect(fired(r).sort()).toEqual(['low:a3', 'urgent:a1', 'urgent:a2', 'urgent:a3']);
    expect(r.suppressed.budget).toBe(2);
    expect(r.decisions.filter((d) => d.reason === 'budget').every((d) => d.cooldownUntil === null)).toBe(
      true,
    );
  });

  it('an enrolled play is suppressed with its budget-suppressed enroller', () => {
    const parent = pb({
      id: 'parent',
      trigger: { type: 'band_entered', band: 'critical' },
      actions: [
        { type: 'create_task', title: 'p', dueInDays: 1, priority: 'low' },
        { type: 'enroll', playbookId: 'child' },
      ],
    });
    const child = pb({
      id: 'child',
      trigger: { type: 'enrolled' },
      actions: [{ type: 'create_task', title: 'c', dueInDays: 1, priority: 'urgent' }],
    });
    const r = evaluatePlaybooks(
      [parent, child],
      [crit('a1')],
      { ...EMPTY, budgetUsed: new Map([['csm-1', 4]]) },
      {
        ...OPTS,
        dailyBudgetPerOwner: 5,
      },
    );
    expect(r.fired).toBe(0);
    expect(r.suppressed.budget).toBe(2);
  });

  it("an enrolled play suppressed with its enroller gives its alert slot back to the owner's next play", () => {
    // csm-1 has one alert left. By priority the urgent enrolled play takes it, then the medium play
    // and the low enroller are over budget; the enrolled play must follow its enroller, and the slot
    // it held goes to the medium play (it was lost before: a refund after the pass, never re-spent)
    const parent = pb({
      id: 'parent',
      trigger: { type: 'band_entered', band: 'critical' },
      actions: [
        { type: 'create_task', title: 'p', dueInDays: 1, priority: 'low' },
        { type: 'enroll', playbookId: 'child' },
      ],
    });
    const child = pb({
      id: 'child',
      trigger: { type: 'enrolled' },
      actions: [{ type: 'create_task', title: 'c', dueInDays: 1, priority: 'urgent' }],
    });
    const other = pb({
      id: 'other',
      trigger: { type: 'band_entered', band: 'critical' },
      actions: [{ type: 'create_task', title: 'o', dueInDays: 1, priority: 'medium' }],
    });
    const r = evaluatePlaybooks(
      [parent, child, other],
      [crit('a1')],
      { ...EMPTY, budgetUsed: new Map([['csm-1', 4]]) },
      { ...OPTS, dailyBudgetPerOwner: 5 },
    );
    expect(fired(r)).toEqual(['other:a1']);
    expect(r.suppressed.budget).toBe(2);
  });

  it('holdout: a deterministic share of triggers is held out and recorded, never enrolled plays', () => {
    const subjects = Array.from({ length: 400 }, (_, i) => crit(`acc-${i}`, `csm-${i}`));
    const r = evaluatePlaybooks([p], subjects, EMPTY, { ...OPTS, holdoutPercent: 20 });
    expect(r.heldOut + r.fired).toBe(400);
    expect(r.heldOut).toBeGreaterThan(50);
    expect(r.heldOut).toBeLessThan(110);
    const again = evaluatePlaybooks([p], subjects, EMPTY, { ...OPTS, holdoutPercent: 20 });
    expect(again.heldOut).toBe(r.heldOut);
    const held = r.decisions.find((d) => d.outcome === 'held-out');
    expect(held).toMatchObject({ reason: 'holdout' });
    expect(held?.cooldownUntil).not.toBeNull();
    expect(evaluatePlaybooks([p], subjects, EMPTY, OPTS).heldOut).toBe(0);
  });
});

describe('default playbooks', () => {
  it('encode the seeds plays for healthy, at-risk and critical accounts and the driver plays', () => {
    const ids = DEFAULT_PLAYBOOKS.map((p) => p.id);
    for (const id of [
      'healthy-expansion-conversation',
      'healthy-advocacy-ask',
      'healthy-executive-business-review',
      'at-risk-recovery',
      'at-risk-executive-touch',
      'critical-escalation',
      'critical-save-plan',
      'critical-renewal-decision',
      'champion-left',
      'exec-silent-60-days',
      'payment-30-days-late',
      'competitor-mentioned',
      'renewal-90-days-at-risk',
    ])
      expect(ids).toContain(id);
    const text = JSON.stringify(DEFAULT_PLAYBOOKS);
    for (const phrase of [
      'executive touchpoint',
      'success plan',
      'concessions',
      'graceful exit',
      'referral',
      'VP / C-level',
    ])
      expect(text).toContain(phrase);
  });

  it('a big drop that also changes the band fires both the band play and the drop play', () => {
    const s = makeSubject('a1', makeScoreResult('a1', 60, 'at-risk'), { score: 82, band: 'healthy' });
    expect(fired(evaluatePlaybooks(DEFAULT_PLAYBOOKS, [s], EMPTY, OPTS))).toContain('score-dropped-15:a1');
  });

  it('a critical entry escalates to the manager and enrolls the save plan', () => {
    const s = makeSubject('a1', makeScoreResult('a1', 45, 'critical'), { score: 52, band: 'at-risk' });
    const r = evaluatePlaybooks(DEFAULT_PLAYBOOKS, [s], EMPTY, OPTS);
    expect(fired(r)).toEqual(['critical-escalation:a1', 'critical-save-plan:a1']);
    expect(r.decisions[0]?.task).toMatchObject({ owner: 'mgr-1', priority: 'urgent', dueDate: '2025-06-02' });
  });

  it('an at-risk entry gets a health assessment and an executive touch within 2 weeks', () => {
    const s = makeSubject('a1', makeScoreResult('a1', 76, 'at-risk'), { score: 82, band: 'healthy' });
    const r = evaluatePlaybooks(DEFAULT_PLAYBOOKS, [s], EMPTY, OPTS);
    expect(fired(r)).toEqual(['at-risk-recovery:a1', 'at-risk-executive-touch:a1']);
    expect(r.decisions[1]?.task?.dueDate).toBe('2025-06-15');
  });
});
