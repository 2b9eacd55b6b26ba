import type { VigilEvent } from '../../core/data-model/events.ts';
import { AppError } from '../../core/errors.ts';
import { mapRow, type UsageRow } from '../../core/import/map-row.ts';
import type { Store } from '../../store/database.ts';
import type { RejectRow } from '../../store/queries/import-writes.ts';
import { writeTransaction } from '../../store/write-transaction.ts';
import type { EngineContext } from '../context.ts';
import { escapeNul, findNul, NUL_REASON, PADDED_ID_REASON, paddedIdField } from './nul-check.ts';

export const MAX_BATCH = 10_000;
/** Batches waiting while a write is in flight are committed together, up to this many events. */
export const MAX_GROUP_EVENTS = 20_000;
/** While batches keep coming, wait this long after a write for more to join the next group. */
const GROUP_LINGER_MS = 3;
const BUSY_WITHIN_MS = 50;

export type IngestReport = {
  accepted: number;
  duplicates: number;
  rejected: { index: number; id: string | null; field: string | null; reason: string }[];
  accountIds: string[];
};

/** A validated batch waiting for its write. */
type Prepared = {
  events: VigilEvent[];
  usage: UsageRow[];
  rejects: RejectRow[];
  report: IngestReport;
  /** Accounts marked dirty by the write (staged usage marks its accounts when folded). */
  marked: string[];
  /** Usage events staged for a later fold. */
  staged: number;
};

/**
 * Ingests a batch of events (timeline and usage alike): each validated on its
 * own, good ones stored (usage rolled up), bad ones reported by index and kept
 * in the rejects table, duplicates (same id) ignored. The touched accounts are
 * marked for rescoring and the worker is woken.
 *
 * The batch is written in one transaction, all or nothing; batches that
 * arrive while another write is in flight are committed together in one
 * transaction (group commit), which writes each touched rollup page once for
 * the group instead of once per batch. If a group's transaction fails, each of
 * its batches is retried alone, so one batch never fails another.
 */
export async function ingestEvents(
  ctx: EngineContext,
  input: unknown[],
  options: { source?: string } = {},
): Promise<IngestReport> {
  if (input.length > MAX_BATCH)
    throw new AppError('PAYLOAD_TOO_LARGE', `at most ${MAX_BATCH} events per request; got ${input.length}`);
  const prepared = await validateBatch(ctx, input, options.source ?? 'api');
  await committerFor(ctx.store).submit(ctx, prepared);
  if (prepared.marked.length > 0) ctx.bus.emit('accounts-dirty', { accountIds: prepared.marked });
  return prepared.report;
}

async function validateBatch(ctx: EngineContext, input: unknown[], source: string): Promise<Prepared> {
  const latest = new Date(ctx.clock.now().getTime() + 86_400_000).toISOString();
  const report: IngestReport = { accepted: 0, duplicates: 0, rejected: [], accountIds: [] };
  const rejects: RejectRow[] = [];
  const events: VigilEvent[] = [];
  const usage: UsageRow[] = [];
  const ids = [
    ...new Set(
      input.flatMap((e) => {
        const a = (e as { accountId?: unknown })?.accountId;
        return typeof a === 'string' ? [a] : [];
      }),
    ),
  ];
  const known = await ctx.store.ingest.knownAccounts(ids);
  for (const [index, raw] of input.entries()) {
    const id = typeof (raw as { id?: unknown })?.id === 'string' ? (raw as { id: string }).id : null;
    const fail = (field: string | null, reason: string) => {
      report.rejected.push({ index, id, field, reason });
      rejects.push({ source, line: index + 1, field, reason, raw: JSON.stringify(raw) ?? 'null' });
    };
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
      fail(null, 'expected an event object');
      continue;
    }
    // a NUL cannot be stored (PostgreSQL text): this event alone is refused, not the batch
    const nulAt = findNul(raw);
    if (nulAt) {
      fail(escapeNul(nulAt), NUL_REASON);
      continue;
    }
    const paddedId = paddedIdField(raw as Record<string, unknown>);
    if (paddedId) {
      fail(paddedId, PADDED_ID_REASON((raw as Record<string, unknown>)[paddedId]));
      continue;
    }
    const mapped = mapRow(raw as Record<string, unknown>, 'events', null);
    if (!mapped.ok) {
      if (!mapped.ignored) fail(mapped.field, mapped.reason);
      continue;
    }
    if (mapped.kind === 'entity') {
      fail(null, 'expected an event');
      continue;
    }
    const e = mapped.value;
    const problem = !known.has(e.accountId)
      ? (['accountId', `unknown account "${e.accountId}"`] as const)
      : e.time > latest
        ? (['time', `${e.time} is in the future`] as const)
        : e.time < '1970-01-01'
          ? (['time', `${e.time} is before 1970-01-01`] as const)
          : null;
    if (problem) {
      fail(problem[0], problem[1]);
      continue;
    }
    if (mapped.kind === 'event') events.push(mapped.value);
    else usage.push(mapped.value);
  }
  return { events, usage, rejects, report, marked: [], staged: 0 };
}

type Waiting = { ctx: EngineContext; batch: Prepared; done: (error?: unknown) => void };

/** Staged usage is folded into the rollups once this many events wait... */
export const FOLD_EVENTS = 100_000;
/** ...or once the oldest has waited this long while batches keep coming... */
const FOLD_LAG_MS = 2000;
/** ...or this long after the last group, when ingestion pauses. */
const FOLD_IDLE_MS = 50;

/**
 * One writer per store in this process: batches queue while a write is in flight and are
 * committed together (group commit).
 *
 * Under load (more batches waiting, or staged usage not folded yet) a group's usage rows are
 * staged: its ids are claimed and its rows appended to one pending row, in the group's durable
 * transaction, and the rollup pages (one per account-day and per contact-month) are written by a
 * later fold for many groups at once — under sustained load most of a commit's cost was writing
 * those pages, once per group. A lone batch (no concurrency) is rolled up directly, as before.
 */
class GroupCommitter {
  private queue: Waiting[] = [];
  private writing = false;
  /** Transactions written and batches they carried, folds made (for benchmarks and tests). */
  readonly stats = { groups: 0, batches: 0, staged: 0, folds: 0, folded: 0 };
  private lastWriteEnd = Number.NEGATIVE_INFINITY;
  /** Staged usage events not folded yet (this process's count; null until read from the store). */
  private pending: number | null = null;
  private oldestPending = 0;
  private foldTimer: ReturnType<typeof setTimeout> | null = null;
  private ctx: EngineContext | null = null;
  private settled: (() => void)[] = [];
  private foldFailedAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly store: Store) {}

  submit(ctx: EngineContext, batch: Prepared): Promise<void> {
    this.ctx = ctx;
    return new Promise((resolve, reject) => {
      this.queue.push({ ctx, batch, done: (e) => (e === undefined ? resolve() : reject(e)) });
      if (!this.writing) void this.drain();
    });
  }

  /** Resolves once every submitted batch is written and all staged usage is in the rollups. */
  settle(ctx: EngineContext): Promise<void> {
    this.ctx ??= ctx;
    return new Promise((resolve) => {
      this.settled.push(resolve);
      if (!this.writing) void this.drain(true);
    });
  }

  private async drain(foldNow = false) {
    this.writing = true;
    if (this.foldTimer) clearTimeout(this.foldTimer);
    this.foldTimer = null;
    try {
      // staged usage a previous process left behind (it died between a group and its fold)
      if (this.pending === null) {
        // (unknown if the store cannot say: the next fold finds whatever is there)
        this.pending = await this.store.ingest.pendingEvents().catch(() => 0);
        this.oldestPending = performance.now();
      }
      while (this.queue.length > 0) {
        // busy (a write ended moments ago): let requests that arrived meanwhile — the event loop
        // was blocked by SQLite — be parsed and queued, so they join this group, not the next
        if (
          performance.now() - this.lastWriteEnd < BUSY_WITHIN_MS &&
          queuedEvents(this.queue) < MAX_GROUP_EVENTS / 2
        )
          await new Promise((r) => setTimeout(r, GROUP_LINGER_MS));
        const group: Waiting[] = [];
        let size = 0;
        while (this.queue.length > 0) {
          const next = this.queue[0]!;
          const n = next.batch.events.length + next.batch.usage.length;
          if (group.length > 0 && size + n > MAX_GROUP_EVENTS) break;
          group.push(this.queue.shift()!);
          size += n;
        }
        const stage = group.length > 1 || this.queue.length > 0 || this.pending > 0;
        try {
          await writeRetrying(
            group[0]!.ctx,
            group.map((w) => w.batch),
            stage,
          );
          this.lastWriteEnd = performance.now();
          this.stats.groups++;
          this.stats.batches += group.length;
          if (stage) this.noteStaged(group.map((w) => w.batch));
          for (const w of group) w.done();
        } catch (error) {
          if (group.length === 1) group[0]!.done(error);
          else
            for (const w of group) {
              // retry alone: a failing batch must not take the others down with it
              resetBatch(w.batch);
              try {
                await writeRetrying(w.ctx, [w.batch], stage);
                if (stage) this.noteStaged([w.batch]);
                w.done();
              } catch (e) {
                w.done(e);
              }
            }
        }
        if (
          this.pending >= FOLD_EVENTS ||
          (this.pending > 0 && performance.now() - this.oldestPending >= FOLD_LAG_MS)
        )
          await this.fold();
      }
      if (this.pending > 0 && (foldNow || this.settled.length > 0)) await this.fold();
    } finally {
      this.writing = false;
      if (this.queue.length > 0) void this.drain();
      else if (this.pending !== null && this.pending > 0) {
        const wait = Math.max(FOLD_IDLE_MS, this.foldFailedAt + 5000 - performance.now());
        this.foldTimer = setTimeout(() => {
          this.foldTimer = null;
          if (!this.writing) void this.drain(true);
        }, wait);
        this.foldTimer.unref?.();
      }
      if (this.queue.length === 0 && !(this.pending && this.pending > 0))
        for (const s of this.settled.splice(0)) s();
    }
  }

  private noteStaged(batches: Prepared[]) {
    const n = batches.reduce((s, b) => s + b.staged, 0);
    if (n === 0) return;
    if (this.pending === 0) this.oldestPending = performance.now();
    this.pending = (this.pending ?? 0) + n;
    this.stats.staged += n;
  }

  /** Folds staged usage into the rollups (all of it, in transactions of at most FOLD_MAX). */
  private async fold() {
    const ctx = this.ctx;
    if (!ctx) return;
    try {
      for (;;) {
        const now = ctx.clock.now().toISOString();
        const r = await writeTransaction(this.store, () => this.store.ingest.foldPending(now, FOLD_MAX), {
          budgetMs: WRITE_BUDGET_MS,
          busyStepMs: BUSY_STEP_MS,
        });
        this.stats.folds++;
        this.stats.folded += r.events;
        if (r.accountIds.length > 0) ctx.bus.emit('accounts-dirty', { accountIds: r.accountIds });
        if (r.groups === 0) break;
      }
      this.pending = 0;
    } catch (error) {
      // staged rows stay staged (durable); the next fold tries again
      this.foldFailedAt = performance.now();
      this.pending = await this.store.ingest.pendingEvents().catch(() => this.pending);
      ctx.logger.error('ingest: folding staged usage into the rollups failed; will retry', {
        error: (error as Error).message,
      });
    }
  }
}

/** Events per fold transaction. */
const FOLD_MAX = 100_000;

const queuedEvents = (queue: Waiting[]) =>
  queue.reduce((n, w) => n + w.batch.events.length + w.batch.usage.length, 0);

const COMMITTERS = new WeakMap<Store, GroupCommitter>();
/** How many write transactions this process made for a store's ingestion, and how many batches they carried. */
export const groupCommitStats = (store: Store) => ({ ...committerFor(store).stats });

/**
 * Waits until this process's ingestion into `ctx.store` is idle and every staged usage event is in
 * the rollups (tests, benchmarks, shutdown, and readers that need the rollups current).
 */
export const settleIngest = (ctx: EngineContext) => committerFor(ctx.store).settle(ctx);

function committerFor(store: Store): GroupCommitter {
  let c = COMMITTERS.get(store);
  if (!c) {
    c = new GroupCommitter(store);
    COMMITTERS.set(store, c);
  }
  return c;
}

/** How long a batch may wait for the write lock (SQLite) or retry deadlocks (PostgreSQL) before a 503. */
export const WRITE_BUDGET_MS = 5000;
/** Each SQLite lock wait blocks the event loop at most this long; the rest of the wait is asynchronous. */
const BUSY_STEP_MS = 25;

/**
 * Writes a group, retrying lock conflicts (the store's `writeTransaction`):
 * SQLite's write lock held by another process (an import) is waited for in
 * short blocking steps with asynchronous backoff between them, so other
 * requests are served meanwhile; PostgreSQL deadlocks and serialisation
 * failures are retried whole. After the budget, the batch is refused with
 * UNAVAILABLE (HTTP 503 with Retry-After) and nothing of it was stored.
 */
async function writeRetrying(ctx: EngineContext, batches: Prepared[], stageUsage: boolean): Promise<void> {
  for (const b of batches) resetBatch(b);
  const now = ctx.clock.now().toISOString();
  const results = await writeTransaction(
    ctx.store,
    () =>
      ctx.store.ingest.writeGroup(
        batches.map((b) => ({ events: b.events, usage: b.usage, rejects: b.rejects })),
        now,
        { stageUsage },
      ),
    { budgetMs: WRITE_BUDGET_MS, busyStepMs: BUSY_STEP_MS },
  );
  batches.forEach((b, i) => {
    const r = results[i]!;
    b.report.accepted = r.accepted;
    b.report.duplicates = r.duplicates;
    b.report.accountIds = r.accountIds;
    b.marked = r.marked;
    b.staged = r.staged;
  });
}

function resetBatch(b: Prepared) {
  resetReport(b.report);
  b.marked = [];
  b.staged = 0;
}

function resetReport(r: IngestReport) {
  r.accepted = 0;
  r.duplicates = 0;
  r.accountIds = [];
}
