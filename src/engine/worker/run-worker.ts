import { hostname } from 'node:os';
import type { ScoreChange } from '../../core/playbooks/score-change.ts';
import type { Band, ScoreResult } from '../../core/scoring/score-result.ts';
import type { EngineContext } from '../context.ts';
import { runDueSyncs } from '../integrations/run-due-syncs.ts';
import { type DeliverOutboxReport, deliverOutbox } from '../playbooks/deliver-outbox.ts';
import { runPlaybooks } from '../playbooks/run-playbooks.ts';
import { recomputeScores } from '../scoring/recompute-scores.ts';

export type WorkerOptions = {
  workerId?: string;
  /** Sleep between rounds when idle (default 1000 ms); new data on this process's bus wakes it at once. */
  intervalMs?: number;
  /** How long a claim is held; a dead worker's claims are retaken after this (default 60 s). */
  leaseSeconds?: number;
  /**
   * Accounts per claim (default 50). Scoring is CPU work on the event loop; small rounds let an API
   * in the same process answer between them.
   */
  batchSize?: number;
  /** Run the playbooks on the score changes (default true). */
  playbooks?: boolean;
  /**
   * Deliver due notifications (default true). `runWorkerRound` delivers after rescoring; `startWorker`
   * delivers on its own loop beside the rounds, so a slow receiver never delays rescoring.
   */
  deliver?: boolean;
  /** Notification requests in flight at once on the delivery loop (default config.deliveryConcurrency, 4). */
  deliveryConcurrency?: number;
  /** Per-request timeout of webhook deliveries (default 10 s). */
  deliveryTimeoutMs?: number;
  /**
   * On stop, how long in-flight deliveries may finish before they are aborted and given back unsent
   * for the next start (default config.shutdownDrainSeconds × 1000, 10 s).
   */
  drainMs?: number;
  /** Called after each delivery pass that claimed rows (tests and logs). */
  onDelivery?: (r: DeliverOutboxReport) => void;
  onRound?: (r: WorkerRoundReport) => void;
  /** Called with each claim as `account@version@markedAt` (tests and debugging). */
  onClaim?: (claims: string[]) => void;
};

export type WorkerRoundReport = {
  workerId: string;
  claimed: number;
  scored: number;
  changes: number;
  tasksCreated: number;
  delivered: number;
  processed: number;
  remarked: number;
  lostLease: number;
  /** The changes (account, mark version) this round committed to the ledger. */
  accounts: { accountId: string; version: number }[];
  ms: number;
};

export const defaultWorkerId = () => `${hostname()}-${process.pid}`;

/**
 * One round of the background pipeline: claim dirty accounts → rescore → run the playbooks on what
 * changed → release the claims (ledger) → deliver notifications. Every step is idempotent or
 * guarded, so a worker killed anywhere leaves work that another worker redoes when the lease
 * expires: scores are upserts per (account, date, model), the change is judged against the
 * baseline kept at first claim, and playbooks never open a second task for the same condition.
 */
export async function runWorkerRound(
  ctx: EngineContext,
  options: WorkerOptions = {},
): Promise<WorkerRoundReport> {
  const t0 = performance.now();
  const workerId = options.workerId ?? defaultWorkerId();
  const report: WorkerRoundReport = {
    workerId,
    claimed: 0,
    scored: 0,
    changes: 0,
    tasksCreated: 0,
    delivered: 0,
    processed: 0,
    remarked: 0,
    lostLease: 0,
    accounts: [],
    ms: 0,
  };
  const { store } = ctx;
  const claims = await store.claims.claim({
    workerId,
    limit: options.batchSize ?? 50,
    now: ctx.clock.now().toISOString(),
    leaseSeconds: options.leaseSeconds ?? ctx.config.workerLeaseSeconds,
  });
  report.claimed = claims.length;
  if (claims.length > 0) options.onClaim?.(claims.map((c) => `${c.accountId}@${c.version}@${c.markedAt}`));
  if (claims.length > 0) {
    const ids = claims.map((c) => c.accountId);
    const r = await recomputeScores(ctx, { accountIds: ids });
    report.scored = r.scored;
    const [baselines, after] = await Promise.all([
      store.claims.baselines(ids),
      store.scores.currentWithOwner(ids),
    ]);
    const baseById = new Map(baselines.map((b) => [b.account_id, b]));
    const changes: ScoreChange[] = [];
    for (const a of after) {
      const base = baseById.get(a.account_id);
      const before =
        base && base.score !== null && base.band !== null
          ? { score: Number(base.score), band: base.band as Band }
          : null;
      if (before && before.score === Number(a.score) && before.band === a.band) continue;
      changes.push({
        accountId: a.account_id,
        owner: a.owner,
        previous: before,
        current: JSON.parse(a.detail) as ScoreResult,
      });
    }
    report.changes = changes.length;
    if (options.playbooks !== false && changes.length > 0) {
      const p = await runPlaybooks(ctx, changes);
      report.tasksCreated = p.tasksCreated;
    }
    const rel = await store.claims.release(claims, { workerId, now: ctx.clock.now().toISOString() });
    report.processed = rel.processed;
    report.remarked = rel.remarked;
    report.lostLease = rel.lostLease;
    report.accounts = claims.map((c) => ({ accountId: c.accountId, version: c.version }));
  }
  if (options.deliver !== false) {
    const d = await deliverOutbox(ctx, { workerId, limit: 200 });
    report.delivered = d.delivered;
    // CRM write-back whose delay has passed (a cheap no-op without CRM connections)
    await runDueSyncs(ctx);
  }
  report.ms = performance.now() - t0;
  return report;
}

export type WorkerHandle = { stop(): Promise<void>; readonly rounds: number };

/** After the drain, how long stop() still waits for deliveries that cannot be aborted. */
const STOP_GRACE_MS = 2000;

/**
 * The background loops (in `vigil serve` and `vigil worker`). Rescoring: rounds back to back while
 * there is work, then sleeps `intervalMs` or until new data lands on this process's bus. Delivery:
 * its own loop beside it (notifications and due CRM syncs, `deliveryConcurrency` requests at a
 * time, each with a timeout), so a slow receiver with a backlog never delays rescoring. Several
 * workers may share one PostgreSQL database; claims keep them apart.
 *
 * `stop()` is bounded: no new round or delivery starts, the current round finishes (bounded by
 * `batchSize`), in-flight deliveries get `drainMs` and are then aborted; rows not delivered stay in
 * the outbox for the next start (given back unsent, or retaken when their lease expires).
 */
export function startWorker(ctx: EngineContext, options: WorkerOptions = {}): WorkerHandle {
  let stopped = false;
  let rounds = 0;
  const wakers: { round?: (() => void) | null; delivery?: (() => void) | null } = {};
  const interval = options.intervalMs ?? 1000;
  const drainMs = options.drainMs ?? ctx.config.shutdownDrainSeconds * 1000;
  const abort = new AbortController();
  const onDirty = () => wakers.round?.();
  ctx.bus.on('accounts-dirty', onDirty);
  const sleep = (ms: number, set: (w: (() => void) | null) => void) =>
    new Promise<void>((res) => {
      set(res);
      setTimeout(res, ms).unref();
    }).then(() => set(null));
  const loop = (async () => {
    while (!stopped) {
      let busy = false;
      try {
        const r = await runWorkerRound(ctx, { ...options, deliver: false });
        rounds++;
        busy = r.claimed > 0;
        if (r.claimed > 0) options.onRound?.(r);
        // new tasks may have queued notifications: the delivery loop looks at once
        if (r.changes > 0) wakers.delivery?.();
      } catch (e) {
        ctx.logger.error('worker round failed', { error: (e as Error).message });
      }
      if (stopped) break;
      if (busy) {
        await new Promise<void>((res) => setImmediate(res));
        continue;
      }
      await sleep(interval, (w) => {
        wakers.round = w;
      });
    }
  })();
  const workerId = options.workerId ?? defaultWorkerId();
  const concurrency = Math.max(1, options.deliveryConcurrency ?? ctx.config.deliveryConcurrency);
  const delivery = (async () => {
    if (options.deliver === false) return;
    while (!stopped) {
      let claimed = 0;
      try {
        const d = await deliverOutbox(ctx, {
          workerId,
          // a few rows per slot: the lease (120 s) outlasts a pass even at the request timeout
          limit: concurrency * 2,
          concurrency,
          signal: abort.signal,
          ...(options.deliveryTimeoutMs ? { timeoutMs: options.deliveryTimeoutMs } : {}),
        });
        claimed = d.claimed;
        if (d.claimed > 0) options.onDelivery?.(d);
        // CRM write-back whose delay has passed (a cheap no-op without CRM connections)
        if (!stopped) await runDueSyncs(ctx);
      } catch (e) {
        ctx.logger.error('delivery pass failed', { error: (e as Error).message });
      }
      if (stopped) break;
      if (claimed > 0) continue;
      await sleep(interval, (w) => {
        wakers.delivery = w;
      });
    }
  })();
  return {
    get rounds() {
      return rounds;
    },
    async stop() {
      stopped = true;
      ctx.bus.off('accounts-dirty', onDirty);
      wakers.round?.();
      wakers.delivery?.();
      const timer = setTimeout(() => abort.abort(new Error('worker stopping')), drainMs);
      // e-mail and Slack-app sends do not take the abort signal: after the drain and a grace period
      // stop waiting for them; their rows stay leased and are retaken when the lease expires
      let cap: NodeJS.Timeout | undefined;
      const capped = new Promise<void>((res) => {
        cap = setTimeout(res, drainMs + STOP_GRACE_MS);
      });
      try {
        await Promise.all([loop, Promise.race([delivery, capped])]);
      } finally {
        clearTimeout(timer);
        clearTimeout(cap);
      }
    },
  };
}
