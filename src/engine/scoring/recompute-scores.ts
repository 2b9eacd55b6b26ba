import type { AccountData } from '../../core/data-model/account-data.ts';
import { type ComputeScoreOptions, computeScore, topDriverText } from '../../core/scoring/compute-score.ts';
import type { Band, ScoreResult } from '../../core/scoring/score-result.ts';
import type { AccountIndex } from '../../core/signals/signal-helpers.ts';
import { extendSources, type WorkspaceSources } from '../../core/sources/data-sources.ts';
import type { Store } from '../../store/database.ts';
import { closeChurnedAccountTasks } from '../../store/queries/close-churned-tasks.ts';
import { dirtyAccountIds } from '../../store/queries/dirty-account-ids.ts';
import { loadAccountsData, loadCatalog, USAGE_LOOKBACK_DAYS } from '../../store/queries/load-account-data.ts';
import type { ChangeClaim } from '../../store/queries/worker/claim-changes.ts';
import type { CurrentScoreWrite, HistoryRow } from '../../store/resources/scores.ts';
import { historyDetailJson, historySignalIds } from '../../store/score-history-detail.ts';
import { type EngineContext, today } from '../context.ts';
import { type AccountCache, type CachedAccount, withinExtents } from './account-cache.ts';
import { getActiveModel, type VersionedModel } from './get-active-model.ts';
import { activeOverrides } from './overrides.ts';
import { getWorkspaceSources } from './workspace-sources.ts';

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
  /** Open tasks closed because their account churned. */
  tasksClosed: number;
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
  sources?: WorkspaceSources,
  /** The process's scoring cache (ADR 0033): data of accounts it holds is not reloaded. */
  cache?: AccountCache | null,
): Promise<ComputedScore[]> {
  const lookback = active.model.lookbackDays;
  const data = new Map<string, AccountData>();
  const indexes = new Map<string, AccountIndex>();
  const entries = new Map<string, CachedAccount>();
  if (cache) {
    cache.use(asOf, lookback, USAGE_LOOKBACK_DAYS);
    const missing: string[] = [];
    for (const id of ids) if (!cache.get(id)) missing.push(id);
    const loaded = await loadAccountsData(store, missing, asOf, lookback);
    for (const [id, d] of loaded) cache.put(id, d);
    // the catalog is shared by every account and not in the dirty ledger: read it each time
    const catalog = await loadCatalog(store);
    for (const id of ids) {
      const e = cache.peek(id);
      if (!e) continue;
      e.data.catalog = catalog;
      data.set(id, e.data);
      indexes.set(id, e.index);
      entries.set(id, e);
    }
  } else {
    for (const [id, d] of await loadAccountsData(store, ids, asOf, lookback)) data.set(id, d);
  }
  const workspace = sources ?? (await getWorkspaceSources(store));
  const previousById = new Map<string, StoredScore>();
  const previousResult = new Map<string, ComputeScoreOptions['previous']>();
  if (cache) {
    // the stored rows' stamps; the explanation is parsed only where this process did not keep the points
    const need: string[] = [];
    for (const c of await store.scores.currentStamps(ids)) {
      previousById.set(c.account_id, c);
      const kept = c.lifecycle_stage === 'churned' ? null : cache.previous(c.account_id, c);
      if (kept) previousResult.set(c.account_id, kept);
      else need.push(c.account_id);
    }
    for (const c of await store.scores.currentDetails(need))
      previousResult.set(c.account_id, JSON.parse(c.detail) as ScoreResult);
  } else {
    for (const c of await store.scores.currentForRescore(ids)) {
      previousById.set(c.account_id, c);
      previousResult.set(c.account_id, JSON.parse(c.detail) as ScoreResult);
    }
  }
  const historyFrom = new Date(Date.parse(asOf) - 100 * 86_400_000).toISOString().slice(0, 10);
  const hist = await store.scores.recentHistory(ids, historyFrom, asOf);
  const histById = new Map<string, { asOf: string; score: number }[]>();
  for (const h of hist) {
    const list = histById.get(h.account_id);
    const item = { asOf: h.as_of, score: Number(h.score) };
    if (list) list.push(item);
    else histById.set(h.account_id, [item]);
  }
  // new data of the rescored accounts widens the cached workspace extents (a source seen for the first time)
  for (const id of ids) {
    const d = data.get(id);
    if (!d) continue;
    const cached = entries.get(id);
    if (!cached) extendSources(workspace, d);
    else if (!withinExtents(cached, workspace)) extendSources(workspace, cached.extents);
  }
  const out: ComputedScore[] = [];
  for (const id of ids) {
    const d = data.get(id);
    if (!d) continue;
    d.sources = workspace;
    const prev = previousById.get(id);
    const previous = previousResult.get(id) ?? null;
    const index = indexes.get(id);
    let result = computeScore(d, active.model, asOf, {
      modelVersion: active.version,
      previous,
      history: histById.get(id) ?? [],
      ...(index ? { index } : {}),
    });
    const life = result.lifecycle;
    if (life?.stage === 'churned' && life.churnedOn) {
      // a churned account is not rescored: its last score before the churn is kept, labelled
      // (a kept-points previous is never churned: its stored row's stage was not)
      const full = previous && 'accountId' in previous ? (previous as ScoreResult) : null;
      const kept =
        full?.lifecycle?.stage === 'churned' && full.lifecycle.churnedOn === life.churnedOn
          ? full
          : computeScore(d, active.model, lastScoredDay(life.churnedOn, asOf), {
              modelVersion: active.version,
              ...(index ? { index } : {}),
            });
      result = { ...kept, lifecycle: life, drivers: { ...kept.drivers, moved: [] } };
    }
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

/** The day a churned account's kept score is computed for: the day before its churn (never after the as-of date). */
function lastScoredDay(churnedOn: string, asOf: string): string {
  const before = new Date(Date.parse(`${churnedOn}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
  return before < asOf ? before : asOf;
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
  const signalIds = historySignalIds(active.model);
  const changes: ScoreChange[] = [];
  let scored = 0;
  let tasksClosed = 0;
  // what the workspace sends, read once per run (a source never sent is not available)
  const workspace = await getWorkspaceSources(store, { fresh: !!options.all });
  // the process's columnar cache, where this process owns the store (another's writes would not reach it)
  let cache = store.capabilities.singleProcess ? (ctx.scoringCache ?? null) : null;

  const scoreBatch = async (ids: string[]) => {
    if (ids.length === 0) return;
    const results = await computeScores(store, ids, asOf, active, workspace, cache);
    const prevById = new Map(results.map((r) => [r.result.accountId, r.stored]));
    const now = ctx.clock.now().toISOString();
    // overrides in force now; an expired or revoked one is dropped here, so it never lingers
    const overrides = await activeOverrides(store, ids, now);
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
      // churned accounts leave the book: no score change reaches playbooks
      if (result.lifecycle?.stage === 'churned') continue;
      if (!prev || Number(prev.score) !== result.score || prev.band !== result.band) {
        changes.push({
          accountId: id,
          owner,
          previous: prev ? { score: Number(prev.score), band: prev.band as Band } : null,
          current: result,
        });
      }
    }
    const historyRows: HistoryRow[] = [];
    const currentRows: CurrentScoreWrite[] = [];
    for (const r of rows) {
      // the same values go to history and to the current score
      // a churned account's kept score stays dated the day before its churn (history holds that row)
      const churned = r.lifecycle?.stage === 'churned';
      const scored = {
        as_of: churned ? r.asOf : asOf,
        model_version: r.modelVersion,
        score: r.score,
        band: r.band,
        coverage: r.coverage,
        detail: JSON.stringify(r),
        computed_at: now,
      };
      // history keeps the compact form; the full explanation is the current score's only
      historyRows.push({ account_id: r.accountId, ...scored, detail: historyDetailJson(r, signalIds) });
      const prev = prevById.get(r.accountId);
      const carry =
        prev && prev.as_of !== asOf
          ? { previous_score: Number(prev.score), previous_band: prev.band }
          : prev
            ? { previous_score: prev.previous_score, previous_band: prev.previous_band }
            : { previous_score: null, previous_band: null };
      currentRows.push({
        account_id: r.accountId,
        ...scored,
        ...carry,
        trend_30: r.trend.d30,
        top_driver: topDriverText(r),
        lifecycle_stage: r.lifecycle?.stage ?? null,
        churned_on: r.lifecycle?.churnedOn ?? null,
        override_score: r.override?.score ?? null,
      });
    }
    await store.scores.saveRescore(historyRows, currentRows);
    if (cache)
      for (let i = 0; i < rows.length; i++) {
        const c = currentRows[i]!;
        cache.keep(
          c.account_id,
          { as_of: c.as_of, computed_at: c.computed_at, score: c.score, band: c.band },
          rows[i]!,
        );
      }
    // open tasks on churned accounts are closed with the reason
    const churned = rows
      .filter((r) => r.lifecycle?.stage === 'churned')
      .map((r) => ({ accountId: r.accountId, reason: r.lifecycle?.label ?? 'account churned' }));
    if (churned.length > 0) tasksClosed += await closeChurnedAccountTasks(store, churned, now);
    scored += rows.length;
  };

  if (options.accountIds || options.all) {
    const ids = options.accountIds ?? (await store.accounts.listIds());
    // more accounts than the cache holds: filling it would only evict what the same pass needs next
    // (what it kept describes scores this pass replaces, so it is emptied)
    if (cache && ids.length > cache.maxAccounts) {
      cache.clear();
      cache = null;
    }
    // accounts named by the caller (the worker's claims) and those the dirty ledger marks are reloaded
    if (cache) cache.invalidate(options.accountIds ?? (await dirtyAccountIds(store)));
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
      cache?.invalidate(claims.map((c) => c.accountId));
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
  return { scored, changes, tasksClosed, ms: performance.now() - t0, asOf, modelVersion: active.version };
}
