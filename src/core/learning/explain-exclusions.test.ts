import { describe, expect, it } from 'vitest';
import { explainNoSnapshots } from './explain-exclusions.ts';
import { EXCLUSION_REASONS, type ExclusionReason } from './label-snapshot.ts';

const none = () =>
  Object.fromEntries(EXCLUSION_REASONS.map((r) => [r, 0])) as Record<ExclusionReason, number>;
const ctx = { from: '2024-01-01', to: '2024-12-31', horizonDays: 180, dates: 12 };

describe('explainNoSnapshots', () => {
  it('names the largest real cause first, not "history shorter than the horizon"', () => {
    const m = explainNoSnapshots({ ...none(), 'no-activity-yet': 1200, 'outcome-not-observed': 30 }, ctx);
    expect(m).toContain('no activity before the snapshot (no usage or events yet): 1,200');
    expect(m.indexOf('no activity before')).toBeLessThan(m.indexOf('outcome not observed'));
    expect(m).toContain('import usage or events');
    expect(m).not.toContain('shorter than the 180-day horizon');
  });

  it('points at --to when every customer had already left (a history that ended in the past)', () => {
    const m = explainNoSnapshots({ ...none(), 'already-gone': 50, 'no-active-contract': 400 }, ctx);
    expect(m).toMatch(/no contract running on the snapshot date: 400; already churned.*: 50/);
    expect(m).toContain('--to');
  });

  it('blames the horizon only when that is the cause', () => {
    const m = explainNoSnapshots({ ...none(), 'outcome-not-observed': 90 }, ctx);
    expect(m).toContain('shorter than the 180-day horizon');
  });
});
