import { type Insertable, sql } from 'kysely';
import { computeScore } from '../../core/scoring/compute-score.ts';
import type { Band, ScoreResult } from '../../core/scoring/score-result.ts';
import type { Store } from '../../store/database.ts';
import { loadAccountsData } from '../../store/queries/load-account-data.ts';
import type { ChangeClaim } from '../../store/queries/worker/claim-changes.ts';
import type { CurrentScoresTable, ScoresTable } from '../../store/schema.ts';
import { type EngineContext, today } from '../context.ts';
import { getActiveModel, type VersionedModel } from './get-active-model.ts';
import { activeOverrides } from './overrides.ts';

export type ScoreChange = {
  accountId: string;
  owner: string | null;
  previous: { score: number; band: Band } | null;
  current: ScoreResult;
};

export type RecomputeOptions = {
  /** Score these accounts; default: the dirty ones (store.claims) or, with `all`, every account. */
  accountIds?: string[];
  all?: boolean;
  asOf?: string;
  workerId?: string;
  /** Accounts per batch (default 200). */
  batchSize?: number;
  /** Called with each batch of claimed dirty accounts (workers log them). */
  onClaim?: (claims: ChangeClaim[]) => void;
};

export type RecomputeReport = {
  scored: number;
  changes: ScoreChange[];
  ms: number;
  asOf: string;
  modelVersion: number;
};

/** A computed score and the account's owner, before overrides are applied and it is stored. */
/** The stored current score an account had before this computation (what carries into `previous_*`). */
export type StoredScore = {
  as_of: string;
  score: number;
  band: string;
  previous_score: number | null;
  previous_band: string | null;
};
/** A computed score, the account's owner and its stored current score, before overrides and storing. */
export type ComputedScore = { result: ScoreResult; owner: string | null; stored: StoredScore | null };

/**
 * Loads some accounts' data, previous score and recent history as of a date
 * and computes their scores under a model (no writes).
 */
export async function computeScores(
  store: Store,
  ids: string[],
  asOf: string,
  active: Pick<VersionedModel, 'model' | 'version'>,
): Promise<ComputedScore[]> {
  const data = await loadAccountsData(store, ids, asOf, active.model.lookbackDays);
  const current = await store.db
    .selectFrom('current_scores')
    .select(['account_id', 'detail', 'as_of', 'score', 'band', 'previous_score', 'previous_band'])
    .where('account_id', 'in', ids)
    .execute();
  const previousById = new Map(current.map((c) => [c.account_id, c]));
  const historyFrom = new Date(Date.parse(asOf) - 100 * 86_400_000).toISOString().slice(0, 10);
  const hist = await store.db
    .selectFrom('scores')
    .select(['account_id', 'as_of', 'score'])
    .where('account_id', 'in', ids)
    .where('as_of', '>=', historyFrom)
    .where('as_of', '<', asOf)
    .execute();
  const histById = new Map<string, { asOf: string; score: number }[]>();
  for (const h of hist) {
    const list = histById.get(h.account_id);
    const item = { asOf: h.as_of, score: Number(h.score) };
    if (list) list.push(item);
    else histById.set(h.account_id, [item]);
  }
  const out: ComputedScore[] = [];
  for (const id of ids) {
    const d = data.get(id);
    if (!d) continue;
    const prev = previousById.get(id);
    const result = computeScore(d, active.model, asOf, {
      modelVersion: active.version,
      previous: prev ? (JSON.parse(prev.detail) as ScoreResult) : null,
      history: histById.get(id) ?? [],
    });
    const stored = prev
      ? {
          as_of: prev.as_of,
          score: Number(prev.score),
          band: prev.band,
          previous_score: prev.previous_score === null ? null : Number(prev.previous_score),
          previous_band: prev.previous_band,
        }
      : null;
    out.push({ result, owner: d.account.owner ?? null, stored });
  }
  return out;
}

/**
 * Rescores accounts under the active model and stores the result: a history
 * row per (account, as-of, model version) and the current score with the
 * previous one. Dirty accounts are claimed with a lease and released only if
 * not marked again meanwhile, so no change is lost. A band or score change is
 * published on the bus and returned for playbooks.
 */
export async function recomputeScores(
  ctx: EngineContext,
  options: RecomputeOptions = {},
): Promise<RecomputeReport> {
  const t0 = performance.now();
  const { store } = ctx;
  const asOf = options.asOf ?? today(ctx);
  const active = await getActiveModel(store);
  const workerId = options.workerId ?? `pid-${process.pid}`;
  const batchSize = options.batchSize ?? 200;
  const changes: ScoreChange[] = [];
  let scored = 0;

  const scoreBatch = async (ids: string[]) => {
    if (ids.length === 0) return;
    const results = await computeScores(store, ids, asOf, active);
    const prevById = new Map(results.map((r) => [r.result.accountId, r.stored]));
    const now = ctx.clock.now().toISOString();
    // overrides in force now; an expired or revoked one is dropped here, so it never lingers
    const overrides = await activeOverrides(store, ids, now, active.model);
    const rows: ScoreResult[] = [];
    for (const { result, owner } of results) {
      const id = result.accountId;
      const prev = prevById.get(id);
      const o = overrides.get(id);
      if (o)
        result.override = {
          score: o.score,
          band: o.band,
          reason: o.reason,
          by: o.by,
          expiresAt: o.expiresAt,
        };
      rows.push(result);
      if (!prev || Number(prev.score) !== result.score || prev.band !== result.band) {
        changes.push({
          accountId: id,
          owner,
          previous: prev ? { score: Number(prev.score), band: prev.band as Band } : null,
          current: result,
        });
      }
    }
    const historyRows: Insertable<ScoresTable>[] = [];
    const currentRows: Insertable<CurrentScoresTable>[] = [];
    for (const r of rows) {
      // the same values go to history and to the current score
      const scored = {
        as_of: asOf,
        model_version: r.modelVersion,
        score: r.score,
        band: r.band,
        coverage: r.coverage,
        detail: JSON.stringify(r),
        computed_at: now,
      };
      historyRows.push({ account_id: r.accountId, ...scored });
      const prev = prevById.get(r.accountId);
      const carry =
        prev && prev.as_of !== asOf
          ? { previous_score: Number(prev.score), previous_band: prev.band }
          : prev
            ? { previous_score: prev.previous_score, previous_band: prev.previous_band }
            : { previous_score: null, previous_band: null };
      const top = r.drivers.down[0];
      currentRows.push({
        account_id: r.accountId,
        ...scored,
        ...carry,
        trend_30: r.trend.d30,
        top_driver: top ? `${top.label}: ${top.detail}` : null,
        override_score: r.override?.score ?? null,
      });
    }
    // multi-row upserts (100 rows per statement): one statement per row was most of a full rescore's time
    const excluded = (cols: string[]) =>
      Object.fromEntries(cols.map((c) => [c, sql.ref(`excluded.${c}`)])) as never;
    await store.db.transaction().execute(async (trx) => {
      for (let i = 0; i < historyRows.length; i += 100) {
        const chunk = historyRows.slice(i, i + 100);
        await trx
          .insertInto('scores')
          .values(chunk)
          .onConflict((oc) =>
            oc
              .columns(['account_id', 'as_of', 'model_version'])
              .doUpdateSet(excluded(['score', 'band', 'coverage', 'detail', 'computed_at'])),
          )
          .execute();
      }
      for (let i = 0; i < currentRows.length; i += 100) {
        const chunk = currentRows.slice(i, i + 100);
        await trx
          .insertInto('current_scores')
          .values(chunk)
          .onConflict((oc) =>
            oc
              .column('account_id')
              .doUpdateSet(excluded(Object.keys(chunk[0]!).filter((c) => c !== 'account_id'))),
          )
          .execute();
      }
    });
    scored += rows.length;
  };

  if (options.accountIds || options.all) {
    const ids =
      options.accountIds ??
      (await store.db.selectFrom('accounts').select('id').orderBy('id').execute()).map((r) => r.id);
    for (let i = 0; i < ids.length; i += batchSize) await scoreBatch(ids.slice(i, i + batchSize));
  } else {
    for (;;) {
      // the one claim mechanism (the worker's), without the change baseline a plain rescore does not need
      const claims = await store.claims.claim({
        workerId,
        limit: batchSize,
        now: ctx.clock.now().toISOString(),
        leaseSeconds: ctx.config.workerLeaseSeconds,
        baseline: false,
      });
      if (claims.length === 0) break;
      options.onClaim?.(claims);
      await scoreBatch(claims.map((c) => c.accountId));
      await store.claims.release(claims, { workerId, now: ctx.clock.now().toISOString() });
    }
  }
  for (const c of changes) {
    ctx.bus.emit('score-changed', {
      accountId: c.accountId,
      owner: c.owner,
      previous: c.previous,
      current: c.current,
    });
  }
  return { scored, changes, ms: performance.now() - t0, asOf, modelVersion: active.version };
}
