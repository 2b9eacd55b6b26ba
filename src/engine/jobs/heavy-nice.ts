import { setPriority } from 'node:os';
import { isMainThread } from 'node:worker_threads';

/**
 * Heavy work yields the CPU to the request thread. On Linux a nice value belongs to a thread, and
 * `setPriority(0, n)` called from a worker thread lowers that thread only: when both compete for a
 * core, the scheduler gives the request thread about nine times the share at nice 10
 * (VIGIL_HEAVY_NICE, 0..19, default 10; 0 leaves it as is).
 */
export function heavyNice(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.VIGIL_HEAVY_NICE;
  const n = raw === undefined || raw === '' ? 10 : Number(raw);
  return Number.isInteger(n) && n >= 0 && n <= 19 ? n : 10;
}

/** Called once by the heavy worker thread's entry; never lowers the main (request) thread. */
export function lowerThisThreadsPriority(env: NodeJS.ProcessEnv = process.env): void {
  if (isMainThread) return;
  const nice = heavyNice(env);
  try {
    if (nice > 0) setPriority(0, nice);
  } catch {
    // not permitted or not supported here: the thread keeps the default priority
  }
}
