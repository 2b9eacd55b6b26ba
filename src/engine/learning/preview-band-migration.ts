import type { Viewer } from '../../core/access.ts';
import {
  type BandMove,
  type BandTransition,
  computeBandMigration,
  describeBandMigration,
} from '../../core/learning/band-migration.ts';
import { sliceAccountDataAsOf } from '../../core/learning/slice-account-data.ts';
import type { Band } from '../../core/scoring/score-result.ts';
import { type EngineContext, today } from '../context.ts';
import { resolveModel } from './resolve-model.ts';
import { SCORING, type ScoringPort } from './scoring-port.ts';

export type PreviewBandMigrationOptions = {
  /** The proposed version. */
  version: number;
  /** The version it would replace (default: the active model). */
  against?: number;
  /** Whose accounts (the one visibility rule: a manager previews the team's book). */
  viewer: Viewer;
  offset?: number;
  limit?: number;
  scoring?: ScoringPort;
};

export type BandMigrationAccount = {
  accountId: string;
  name: string;
  arr: number;
  ownerName: string | null;
  from: { score: number; band: Band };
  to: { score: number; band: Band };
};

export type BandMigrationReport = {
  asOf: string;
  proposed: { version: number; name: string; status: string };
  current: { version: number; name: string; status: string };
  /** Accounts scored (live customers the caller may see). */
  accounts: number;
  matrix: Record<Band, Record<Band, number>>;
  transitions: BandTransition[];
  movedDown: number;
  movedUp: number;
  unchanged: number;
  /** "Approving v2 moves 14 accounts from healthy to at-risk and 6 from at-risk to critical." */
  summary: string;
  /** The moved accounts, one page of them (biggest jump first, then ARR). */
  items: BandMigrationAccount[];
  total: number;
  offset: number;
  limit: number;
};

const PAGE = 10_000;
const BATCH = 200;

/**
 * What approving a proposal would do to today's book: every live account the viewer may see is
 * scored as of today under the current model and under the proposal (the same data, each model's
 * own look-back; overrides aside, so the bands compared are the models'), and the accounts that
 * change band are counted in a 3×3 matrix and listed. Deterministic for a given day and data.
 */
export async function previewBandMigration(
  ctx: EngineContext,
  options: PreviewBandMigrationOptions,
): Promise<BandMigrationReport> {
  const scoring = options.scoring ?? SCORING;
  const asOf = today(ctx);
  const proposed = await resolveModel(ctx, options.version, scoring);
  const current = await resolveModel(ctx, options.against, scoring);
  const accounts: { id: string; name: string; arr: number; ownerName: string | null }[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await ctx.store.accounts.listSummaries(options.viewer, {
      asOf,
      sort: 'name',
      limit: PAGE,
      offset,
    });
    for (const a of page.items) accounts.push({ id: a.id, name: a.name, arr: a.arr, ownerName: a.ownerName });
    if (page.items.length < PAGE || accounts.length >= page.total) break;
  }
  const lookback = Math.max(proposed.document.lookbackDays, current.document.lookbackDays);
  const moves: BandMove[] = [];
  for (let i = 0; i < accounts.length; i += BATCH) {
    const batch = accounts.slice(i, i + BATCH);
    const data = await scoring.loadAccountsData(
      ctx,
      batch.map((a) => a.id),
      asOf,
      asOf,
      lookback,
    );
    for (const a of batch) {
      const d = data.get(a.id);
      if (!d) continue;
      const score = (m: typeof proposed) => {
        const r = scoring.computeScore(
          sliceAccountDataAsOf(d, asOf, m.document.lookbackDays),
          m.document,
          asOf,
        );
        return { score: r.score, band: r.band };
      };
      moves.push({ accountId: a.id, arr: a.arr, from: score(current), to: score(proposed) });
    }
  }
  const m = computeBandMigration(moves);
  const byId = new Map(accounts.map((a) => [a.id, a]));
  const offset = options.offset ?? 0;
  const limit = options.limit ?? 50;
  const meta = (r: typeof proposed) => ({ version: r.version, name: r.name, status: r.status });
  return {
    asOf,
    proposed: meta(proposed),
    current: meta(current),
    accounts: m.accounts,
    matrix: m.matrix,
    transitions: m.transitions,
    movedDown: m.movedDown,
    movedUp: m.movedUp,
    unchanged: m.unchanged,
    summary: describeBandMigration(proposed.version, m),
    items: m.moved.slice(offset, offset + limit).map((x) => {
      const a = byId.get(x.accountId);
      return {
        accountId: x.accountId,
        name: a?.name ?? x.accountId,
        arr: x.arr,
        ownerName: a?.ownerName ?? null,
        from: x.from,
        to: x.to,
      };
    }),
    total: m.moved.length,
    offset,
    limit,
  };
}
