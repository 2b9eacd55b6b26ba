import { randomUUID } from 'node:crypto';
import { AppError } from '../../core/errors.ts';
import {
  getJobRow,
  insertJob,
  type JobRow,
  listJobRows,
  markUnfinishedJobsInterrupted,
  updateJob,
} from '../../store/queries/jobs.ts';
import type { EngineContext } from '../context.ts';
import type { HeavyOptions, HeavyResult, HeavyTaskName } from './heavy-tasks.ts';
import { type RunHeavyOptions, runHeavy } from './worker-pool.ts';

/** What a client can start as a job, and the use-case each kind runs. */
export const JOB_KINDS = {
  backtest: 'backtestModel',
  train: 'trainModel',
  backfill: 'backfillScores',
  cohorts: 'computeCohortReport',
  expansion: 'listExpansionOpportunities',
} as const satisfies Record<string, HeavyTaskName>;
export type JobKind = keyof typeof JOB_KINDS;

/** The options a job of some kind was started with, as stored. */
export type JobParams = { [K in JobKind]: NonNullable<HeavyOptions<(typeof JOB_KINDS)[K]>> }[JobKind];
/** What a job of some kind returns once it succeeded (its use-case's report). */
export type JobResult = { [K in JobKind]: HeavyResult<(typeof JOB_KINDS)[K]> }[JobKind];

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'interrupted';
export type JobView = {
  id: string;
  kind: string;
  status: JobStatus;
  params: JobParams;
  progress: { phase: string; done?: number; total?: number } | null;
  /** null until the job succeeded; left out of the list. */
  result: JobResult | null | undefined;
  error: { code: string; message: string } | null;
  createdBy: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  elapsedMs: number | null;
};

const running = new Map<string, Promise<void>>();

/**
 * Starts a durable job: recorded first (so `GET /v1/jobs/:id` answers at once, from any process
 * on the same database), run in a worker thread, its progress and result (or error) written back.
 */
export async function startJob<K extends JobKind>(
  ctx: EngineContext,
  kind: K,
  params: HeavyOptions<(typeof JOB_KINDS)[K]>,
  by: string | null,
  run: Pick<RunHeavyOptions, 'threads'> = {},
): Promise<JobView> {
  const id = randomUUID();
  const now = () => ctx.clock.now().toISOString();
  await insertJob(ctx.store, {
    id,
    kind,
    params: JSON.stringify(params ?? {}),
    status: 'running',
    progress: JSON.stringify({ phase: 'running' }),
    result: null,
    error: null,
    created_by: by,
    created_at: now(),
    started_at: now(),
    finished_at: null,
  });
  let lastWrite = 0;
  let progressWrite: Promise<void> = Promise.resolve();
  const onProgress = (done: number, total: number) => {
    const t = Date.now();
    if (t - lastWrite < 250 && done < total) return;
    lastWrite = t;
    progressWrite = progressWrite
      .then(() => updateJob(ctx.store, id, { progress: JSON.stringify({ phase: 'running', done, total }) }))
      .catch(() => {});
  };
  const p = (async () => {
    try {
      const result = await runHeavy(ctx, JOB_KINDS[kind], params as never, { ...run, onProgress });
      await progressWrite;
      await updateJob(ctx.store, id, {
        status: 'succeeded',
        progress: JSON.stringify({ phase: 'done' }),
        result: JSON.stringify(result ?? null),
        finished_at: now(),
      });
    } catch (e) {
      await progressWrite;
      const err = e instanceof AppError ? e : new AppError('INTERNAL', (e as Error)?.message ?? String(e));
      await updateJob(ctx.store, id, {
        status: 'failed',
        progress: JSON.stringify({ phase: 'failed' }),
        error: JSON.stringify({ code: err.code, message: err.message }),
        finished_at: now(),
      }).catch(() => {});
    } finally {
      running.delete(id);
    }
  })();
  running.set(id, p);
  return (await getJob(ctx, id)) as JobView;
}

/** Resolves when the job started in this process has finished (tests, graceful shutdown). */
export async function waitForJob(id: string): Promise<void> {
  await running.get(id);
}

/** Resolves when every job started in this process has finished. */
export async function drainJobs(): Promise<void> {
  await Promise.all([...running.values()]);
}

export async function getJob(ctx: EngineContext, id: string): Promise<JobView> {
  const row = await getJobRow(ctx.store, id);
  if (!row) throw new AppError('NOT_FOUND', `no job ${id}`);
  return toView(row, ctx.clock.now());
}

export async function listJobs(
  ctx: EngineContext,
  options: { status?: JobStatus; limit?: number } = {},
): Promise<JobView[]> {
  const rows = await listJobRows(ctx.store, { status: options.status, limit: options.limit ?? 50 });
  const now = ctx.clock.now();
  return rows.map((r) => ({ ...toView(r, now), result: undefined }));
}

/** At start-up: jobs another (stopped) process left running can never finish. */
export async function interruptStaleJobs(ctx: EngineContext): Promise<number> {
  const now = ctx.clock.now().toISOString();
  return markUnfinishedJobsInterrupted(ctx.store, now, now);
}

function toView(row: JobRow, now: Date): JobView {
  const parse = (s: string | null) => (s === null ? null : JSON.parse(s));
  const end = row.finished_at ? Date.parse(row.finished_at) : now.getTime();
  return {
    id: row.id,
    kind: row.kind,
    status: row.status as JobStatus,
    params: parse(row.params),
    progress: parse(row.progress),
    result: parse(row.result),
    error: parse(row.error),
    createdBy: row.created_by,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    elapsedMs: row.started_at ? Math.max(0, end - Date.parse(row.started_at)) : null,
  };
}
