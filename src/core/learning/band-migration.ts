import { BANDS, type Band } from '../scoring/score-result.ts';

/** One account scored under the current model and under a proposal, on the same date. */
export type BandMove = {
  accountId: string;
  arr: number;
  from: { score: number; band: Band };
  to: { score: number; band: Band };
};

export type BandTransition = { from: Band; to: Band; accounts: number; arr: number };

export type BandMigration = {
  accounts: number;
  /** `matrix[from][to]`: accounts in band `from` today that the proposal puts in band `to`. */
  matrix: Record<Band, Record<Band, number>>;
  /** Accounts that change band, worse first: down to critical before down to at-risk, then up. */
  transitions: BandTransition[];
  movedDown: number;
  movedUp: number;
  unchanged: number;
  /** The accounts that change band: the biggest jump first, then by ARR, then id (stable). */
  moved: BandMove[];
};

/** 0 healthy, 1 at-risk, 2 critical: a higher rank is a worse band. */
const rank = (b: Band) => BANDS.indexOf(b);

const emptyMatrix = () =>
  Object.fromEntries(BANDS.map((f) => [f, Object.fromEntries(BANDS.map((t) => [t, 0]))])) as Record<
    Band,
    Record<Band, number>
  >;

/**
 * Which accounts a proposed model moves to another band: the 3×3 matrix of today's band against
 * the proposal's band, the transitions with their ARR, and the moved accounts. Pure and
 * order-independent (the result does not depend on the order of `moves`).
 */
export function computeBandMigration(moves: readonly BandMove[]): BandMigration {
  const matrix = emptyMatrix();
  const arrOf = emptyMatrix();
  const moved: BandMove[] = [];
  for (const m of moves) {
    matrix[m.from.band][m.to.band]++;
    arrOf[m.from.band][m.to.band] += m.arr;
    if (m.from.band !== m.to.band) moved.push(m);
  }
  const jump = (m: BandMove) => rank(m.to.band) - rank(m.from.band);
  moved.sort(
    (a, b) =>
      Math.abs(jump(b)) - Math.abs(jump(a)) ||
      Math.sign(jump(b)) - Math.sign(jump(a)) ||
      b.arr - a.arr ||
      (a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : 0),
  );
  const transitions: BandTransition[] = [];
  for (const from of BANDS)
    for (const to of BANDS)
      if (from !== to && matrix[from][to] > 0)
        transitions.push({ from, to, accounts: matrix[from][to], arr: arrOf[from][to] });
  // worse moves first (into critical, then into at-risk), then the improvements
  transitions.sort(
    (a, b) =>
      Math.sign(rank(b.to) - rank(b.from)) - Math.sign(rank(a.to) - rank(a.from)) ||
      rank(b.to) - rank(a.to) ||
      rank(a.from) - rank(b.from),
  );
  const movedDown = moved.filter((m) => jump(m) > 0).length;
  return {
    accounts: moves.length,
    matrix,
    transitions,
    movedDown,
    movedUp: moved.length - movedDown,
    unchanged: moves.length - moved.length,
    moved,
  };
}

const plural = (n: number) => `${n.toLocaleString('en-US')} account${n === 1 ? '' : 's'}`;

/** "Approving v2 moves 14 accounts from healthy to at-risk and 6 from at-risk to critical." */
export function describeBandMigration(version: number, m: Pick<BandMigration, 'transitions'>): string {
  if (m.transitions.length === 0) return `Approving v${version} moves no account to another band.`;
  const parts = m.transitions.map(
    (t, i) =>
      `${i === 0 ? plural(t.accounts) : t.accounts.toLocaleString('en-US')} from ${t.from} to ${t.to}`,
  );
  const list = parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
  return `Approving v${version} moves ${list}.`;
}
