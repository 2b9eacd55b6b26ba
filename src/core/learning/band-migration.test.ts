import { describe, expect, it } from 'vitest';
import type { Band } from '../scoring/score-result.ts';
import { type BandMove, computeBandMigration, describeBandMigration } from './band-migration.ts';

const move = (accountId: string, arr: number, from: Band, to: Band): BandMove => ({
  accountId,
  arr,
  from: { score: 0, band: from },
  to: { score: 0, band: to },
});

// A hand-made book of 8 accounts: 3 stay, 2 healthy → at-risk, 1 at-risk → critical,
// 1 healthy → critical, 1 critical → at-risk.
const BOOK: BandMove[] = [
  move('a', 100, 'healthy', 'healthy'),
  move('b', 200, 'at-risk', 'at-risk'),
  move('c', 300, 'critical', 'critical'),
  move('d', 400, 'healthy', 'at-risk'),
  move('e', 500, 'healthy', 'at-risk'),
  move('f', 600, 'at-risk', 'critical'),
  move('g', 50, 'healthy', 'critical'),
  move('h', 700, 'critical', 'at-risk'),
];

describe('computeBandMigration', () => {
  it('counts every account once in the 3×3 matrix of band today against band under the proposal', () => {
    const m = computeBandMigration(BOOK);
    expect(m.matrix).toEqual({
      healthy: { healthy: 1, 'at-risk': 2, critical: 1 },
      'at-risk': { healthy: 0, 'at-risk': 1, critical: 1 },
      critical: { healthy: 0, 'at-risk': 1, critical: 1 },
    });
    expect([m.accounts, m.movedDown, m.movedUp, m.unchanged]).toEqual([8, 4, 1, 3]);
  });

  it('lists the moved accounts, the biggest jump first, then downward before upward, then by ARR', () => {
    const m = computeBandMigration(BOOK);
    expect(m.moved.map((x) => x.accountId)).toEqual(['g', 'f', 'e', 'd', 'h']);
  });

  it('orders transitions worst first, with their ARR, and says them in a sentence', () => {
    const m = computeBandMigration(BOOK);
    expect(m.transitions).toEqual([
      { from: 'healthy', to: 'critical', accounts: 1, arr: 50 },
      { from: 'at-risk', to: 'critical', accounts: 1, arr: 600 },
      { from: 'healthy', to: 'at-risk', accounts: 2, arr: 900 },
      { from: 'critical', to: 'at-risk', accounts: 1, arr: 700 },
    ]);
    expect(describeBandMigration(2, m)).toBe(
      'Approving v2 moves 1 account from healthy to critical, 1 from at-risk to critical, 2 from healthy to at-risk and 1 from critical to at-risk.',
    );
    expect(describeBandMigration(3, computeBandMigration([BOOK[0]!]))).toBe(
      'Approving v3 moves no account to another band.',
    );
  });

  it('does not depend on the order of its input', () => {
    const a = computeBandMigration(BOOK);
    const b = computeBandMigration([...BOOK].reverse());
    expect(b).toEqual(a);
  });
});
