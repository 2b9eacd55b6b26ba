import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_HEALTH_MODEL } from '../../core/scoring/health-model.ts';
import type { Store } from '../../store/database.ts';
import { openTestStore } from '../../store/test-stores.ts';
import { contextForStore, type EngineContext, fixedClock } from '../context.ts';
import { importFiles } from '../import/import-files.ts';
import { recomputeScores } from '../scoring/recompute-scores.ts';
import { getAccountDetail } from './account-detail.ts';
import { getTimeline } from './account-history.ts';

// One hand-made account, as of 2028-02-01: its term ends 2028-02-28, so it renews on the leap day,
// 28 days later; its champion left on 2027-12-01; its CSM and manager have names.
const FILES: Record<string, string> = {
  'users.csv': 'id,name,email,role,manager_id\nmgr-b,Bo Lin,,manager,\ncsm-a,Ana Ruiz,,csm,mgr-b\n',
  'accounts.csv':
    'id,name,segment,industry,owner,created_at\nacc-1,Leap Co,mid-market,retail,csm-a,2026-01-01\n',
  'contracts.csv':
    'id,account_id,start,end,arr,currency,seats,plan,products,status\n' +
    'k0,acc-1,2026-03-01,2027-02-28,30000,USD,20,starter,,renewed\n' +
    'k1,acc-1,2027-03-01,2028-02-28,48000,USD,25,growth,,active\n',
  'contacts.csv':
    'id,account_id,email,name,title,role,joined_at,left_at\n' +
    'p1,acc-1,,Cy Doe,Head of Ops,champion,2026-01-01,2027-12-01\n' +
    'p2,acc-1,,Di Roe,Analyst,user,2026-02-01,\n',
  'events.ndjson': [
    {
      id: 'e1',
      type: 'executive_touch',
      time: '2027-11-20T10:00:00Z',
      properties: { channel: 'call', executive: 'ceo' },
    },
    {
      id: 'e2',
      type: 'nps_response',
      contactId: 'p2',
      time: '2027-10-05T10:00:00Z',
      properties: { score: 6 },
    },
    {
      id: 'e3',
      type: 'contact_change',
      contactId: 'p1',
      time: '2027-12-01T10:00:00Z',
      properties: { change: 'left', role: 'champion' },
    },
    {
      id: 'e4',
      type: 'invoice_paid',
      time: '2027-12-15T10:00:00Z',
      properties: { invoiceId: 'i1', daysLate: 10 },
    },
  ]
    .map((e) => JSON.stringify({ accountId: 'acc-1', ...e }))
    .join('\n'),
};

describe('account detail: header facts and next actions (hand-made account)', () => {
  let store: Store;
  let ctx: EngineContext;
  const admin = { userId: 'admin', role: 'admin' as const };
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-account-detail-'));
    try {
      for (const [name, body] of Object.entries(FILES)) writeFileSync(join(dir, name), body);
      store = await openTestStore('sqlite');
      ctx = contextForStore(store, { clock: fixedClock('2028-02-01T12:00:00Z') });
      const report = await importFiles(ctx, { paths: [dir] });
      expect(report.rejected).toBe(0);
      await recomputeScores(ctx, { all: true });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  afterAll(async () => {
    await store?.close();
  });

  it('states the hand-computed facts: leap-day renewal, contract, people by name, champion gone, touch, NPS', async () => {
    const d = await getAccountDetail(ctx, admin, 'acc-1');
    expect(d.facts).toMatchObject({
      asOf: '2028-02-01',
      arr: 48_000,
      seats: 25,
      renewal: { date: '2028-02-29', daysLeft: 28 },
      contract: { id: 'k1', plan: 'growth', start: '2027-03-01', end: '2028-02-28' },
      liveContracts: 1,
      csm: { id: 'csm-a', name: 'Ana Ruiz' },
      manager: { id: 'mgr-b', name: 'Bo Lin' },
      lastExecutiveTouch: { date: '2027-11-20', daysAgo: 73, kind: 'Executive call (CEO)' },
      champion: { status: 'left', name: 'Cy Doe', title: 'Head of Ops', leftOn: '2027-12-01' },
      latestNps: { score: 6, date: '2027-10-05', category: 'detractor' },
    });
    expect(d.terms.renewalDate).toBe('2028-02-29');
    // stored scores are on the displayed scale: the chart's zones are its fixed 80/50 lines, not the
    // default model's raw cut-points (62/45)
    expect(d.facts.bands).toEqual({ healthy: 80, atRisk: 50 });
    expect(d.facts.bands).not.toEqual(DEFAULT_HEALTH_MODEL.bands);
    expect(d.facts.score).toBe(d.score?.score);
  });

  it('lists levers whose points are the score’s own gaps, with a sufficiency line that adds up', async () => {
    const d = await getAccountDetail(ctx, admin, 'acc-1');
    expect(d.score).not.toBeNull();
    const gap = new Map(d.score!.signals.map((s) => [s.signalId, s.gap]));
    const levers = d.nextActions.actions.filter((a) => a.source === 'lever');
    // no usage, a departed champion, a detractor: this account is below healthy
    expect(d.score!.band).not.toBe('healthy');
    expect(levers.length).toBeGreaterThan(0);
    for (const l of levers) expect(l.points).toBeCloseTo(gap.get(l.signalIds[0]!)!, 1);
    const s = d.nextActions.sufficiency!;
    const sum = d.nextActions.actions.reduce((t, a) => t + (a.points ?? 0), 0);
    expect(s.pointsTotal).toBeCloseTo(sum, 0);
    expect(s.line).toContain(`+${s.pointsNeeded.toFixed(1)} needed to reach ${s.targetBand}`);
  });

  it('writes the timeline with names and words', async () => {
    const t = await getTimeline(ctx, admin, 'acc-1', { limit: 10 });
    expect(t.items.map((e) => e.display.title)).toEqual([
      'Invoice paid 10 days late',
      'Cy Doe (champion) left',
      'Executive call (CEO)',
      'NPS 6 (detractor) from Di Roe',
    ]);
  });
});
