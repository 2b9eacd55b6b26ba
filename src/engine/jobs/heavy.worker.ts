/**
 * Worker-thread entry (piscina): runs one heavy use-case by name on its own context over the
 * same database as the thread that sent it. Contexts are kept per database for the thread's life.
 */
import type { MessagePort } from 'node:worker_threads';
import { AppError, isAppError } from '../../core/errors.ts';
import { openStore } from '../../store/database.ts';
import type { StoreLocation } from '../../store/store-location.ts';
import { createBus } from '../bus.ts';
import { loadConfig } from '../config.ts';
import type { Clock, EngineContext } from '../context.ts';
import { createLogger } from '../logger.ts';
import { lowerThisThreadsPriority } from './heavy-nice.ts';
import { HEAVY_TASKS, isHeavyTaskName } from './heavy-tasks.ts';

export type HeavyRequest = {
  name: string;
  options: unknown;
  location: StoreLocation;
  /** The sender's clock minus the real clock, in ms (a fixed or shifted clock stays so here). */
  clockOffsetMs: number;
  logLevel: string;
  /** When given, the use-case's `onProgress(done, total)` reports here (backfill reports it). */
  progressPort?: MessagePort;
};
export type HeavyResponse =
  | { ok: true; value: unknown }
  | { ok: false; error: { code: string; message: string; details?: unknown; stack?: string } };

lowerThisThreadsPriority();

const contexts = new Map<string, Promise<EngineContext>>();

function contextFor(req: HeavyRequest): Promise<EngineContext> {
  const key = `${req.location.url}\0${req.location.pgSchema ?? ''}`;
  let ctx = contexts.get(key);
  if (!ctx) {
    ctx = (async () => {
      const config = loadConfig({ databaseUrl: req.location.url, logLevel: req.logLevel as never });
      // the sending process already migrated this database
      const store = await openStore({
        url: req.location.url,
        migrate: false,
        sqliteCacheMb: config.sqliteCacheMb,
        ...(req.location.pgSchema ? { pgSchema: req.location.pgSchema, poolSize: 2 } : { poolSize: 2 }),
      });
      const clock: Clock = { now: () => new Date(Date.now() + req.clockOffsetMs) };
      return { store, config, clock, logger: createLogger(config.logLevel), bus: createBus() };
    })();
    contexts.set(key, ctx);
    ctx.catch(() => contexts.delete(key));
  }
  return ctx;
}

export default async function run(req: HeavyRequest): Promise<HeavyResponse> {
  try {
    if (!isHeavyTaskName(req.name)) throw new AppError('BAD_INPUT', `unknown heavy task ${req.name}`);
    const ctx = await contextFor(req);
    ctx.clock = { now: () => new Date(Date.now() + req.clockOffsetMs) };
    const task = await HEAVY_TASKS[req.name]();
    const port = req.progressPort;
    const options =
      port && req.options && typeof req.options === 'object'
        ? { ...req.options, onProgress: (done: number, total: number) => port.postMessage({ done, total }) }
        : req.options;
    try {
      return { ok: true, value: await task(ctx, options as never) };
    } finally {
      // the result travels on another channel: mark the end so the sender has every report first
      port?.postMessage({ end: true });
      port?.close();
    }
  } catch (e) {
    const err = e as Error;
    return {
      ok: false,
      error: isAppError(e)
        ? { code: e.code, message: e.message, details: e.details }
        : { code: 'INTERNAL', message: err?.message ?? String(e), stack: err?.stack },
    };
  }
}
