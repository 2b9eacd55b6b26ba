import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { AppError, type ErrorCode } from '../../core/errors.ts';
import { storeLocation } from '../../store/store-location.ts';
import type { EngineContext } from '../context.ts';
import type { HeavyRequest, HeavyResponse } from './heavy.worker.ts';
import { HEAVY_TASKS, type HeavyOptions, type HeavyResult, type HeavyTaskName } from './heavy-tasks.ts';

/**
 * Threads for heavy use-cases: the request thread hands the work over and stays free to answer
 * other requests. Sized to the machine (one fewer than the cores, at least 1: the main thread
 * keeps serving), or $VIGIL_WORKER_THREADS; 0 runs everything inline (as do in-memory SQLite
 * stores, which no other thread can open).
 */
export function defaultPoolSize(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.VIGIL_WORKER_THREADS;
  if (raw !== undefined && raw !== '') {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0 || n > 64)
      throw new AppError('BAD_INPUT', `VIGIL_WORKER_THREADS must be an integer 0..64, got "${raw}"`);
    return n;
  }
  return Math.max(1, availableParallelism() - 1);
}

const pools = new Map<number, Piscina>();

/** The worker entry: the compiled dist/…/heavy.worker.js, or (from the sources) a tsx bootstrap. */
function workerEntry(): { filename: string; execArgv: string[] } {
  const here = fileURLToPath(import.meta.url);
  if (extname(here) === '.ts') {
    return { filename: join(dirname(here), 'heavy-worker-dev.mjs'), execArgv: [] };
  }
  // compiled: this code may sit in a shared chunk; the entry keeps its path under dist/
  let dir = dirname(here);
  while (!existsSync(join(dir, 'engine', 'jobs', 'heavy.worker.js'))) {
    const up = dirname(dir);
    if (up === dir)
      throw new AppError('INTERNAL', 'heavy.worker.js is missing from the build (npm run build)');
    dir = up;
  }
  return { filename: join(dir, 'engine', 'jobs', 'heavy.worker.js'), execArgv: [] };
}

function poolOf(size: number): Piscina {
  let pool = pools.get(size);
  if (!pool) {
    const { filename, execArgv } = workerEntry();
    pool = new Piscina({
      filename,
      execArgv,
      minThreads: 0,
      maxThreads: size,
      idleTimeout: 30_000,
      // a thread's context keeps its own database connection: never more than one task at a time
      concurrentTasksPerWorker: 1,
    });
    pools.set(size, pool);
  }
  return pool;
}

export type RunHeavyOptions = {
  /** Threads (default: defaultPoolSize()); 0 = inline on this thread. */
  threads?: number;
  /** Progress the use-case reports (those that take `onProgress`), from whichever thread runs it. */
  onProgress?: (done: number, total: number) => void;
};

/**
 * Runs a heavy use-case by name, in a worker thread when the store can be opened there, and
 * returns exactly what the use-case returns (same inputs, same code, so the same result whatever
 * the pool size). Errors come back as the same AppError codes.
 */
export async function runHeavy<K extends HeavyTaskName>(
  ctx: EngineContext,
  name: K,
  options: HeavyOptions<K>,
  run: RunHeavyOptions = {},
): Promise<HeavyResult<K>> {
  const threads = run.threads ?? defaultPoolSize();
  const location = storeLocation(ctx.store);
  if (threads === 0 || location === null) {
    const task = await HEAVY_TASKS[name]();
    const opts = run.onProgress && options ? { ...options, onProgress: run.onProgress } : options;
    return (await task(ctx, opts as never)) as HeavyResult<K>;
  }
  const channel = run.onProgress ? new MessageChannel() : null;
  let ended: Promise<void> = Promise.resolve();
  if (channel && run.onProgress) {
    const report = run.onProgress;
    ended = new Promise<void>((resolve) => {
      channel.port1.on('message', (m: { done: number; total: number; end?: true }) => {
        if (m.end) resolve();
        else report(m.done, m.total);
      });
      channel.port1.once('close', () => resolve());
    });
  }
  const req: HeavyRequest = {
    name,
    options,
    location,
    clockOffsetMs: ctx.clock.now().getTime() - Date.now(),
    logLevel: ctx.config.logLevel,
    ...(channel ? { progressPort: channel.port2 } : {}),
  };
  let res: HeavyResponse;
  try {
    res = (await poolOf(threads).run(req, channel ? { transferList: [channel.port2] } : {})) as HeavyResponse;
    // every progress report before the result (bounded: a thread that died sends no end mark)
    await Promise.race([ended, new Promise((r) => setTimeout(r, 2000).unref())]);
  } finally {
    channel?.port1.close();
  }
  if (res.ok) return res.value as HeavyResult<K>;
  if (res.error.code === 'INTERNAL') {
    ctx.logger.error('heavy task failed', { task: name, error: res.error.message, stack: res.error.stack });
  }
  throw new AppError(res.error.code as ErrorCode, res.error.message, res.error.details);
}

/** Ends the worker threads (server shutdown, tests). */
export async function closeHeavyPools(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  await Promise.all(all.map((p) => p.destroy()));
}
