import { openStore, type Store } from '../store/database.ts';
import { type Bus, createBus } from './bus.ts';
import { loadConfig, type VigilConfig } from './config.ts';
import { createLogger, type Logger } from './logger.ts';

/** The clock is injected so jobs and tests can run "as of" any moment. */
export type Clock = { now(): Date };
export const systemClock: Clock = { now: () => new Date() };

/** What every use-case receives: the store, config, clock and logger. */
export type EngineContext = {
  store: Store;
  config: VigilConfig;
  clock: Clock;
  logger: Logger;
  /** In-process event bus (score and task changes) for live updates. */
  bus: Bus;
};

export async function createContext(
  overrides: Partial<VigilConfig> = {},
  clock: Clock = systemClock,
): Promise<EngineContext> {
  const config = loadConfig(overrides);
  const store = await openStore({ url: config.databaseUrl, sqliteCacheMb: config.sqliteCacheMb });
  return { store, config, clock, logger: createLogger(config.logLevel), bus: createBus() };
}

/** Today's date (UTC, YYYY-MM-DD) by the context's clock. */
export const today = (ctx: Pick<EngineContext, 'clock'>) => ctx.clock.now().toISOString().slice(0, 10);

/** A context around an already-open store (tests, embedded use). The caller closes the store. */
export function contextForStore(
  store: Store,
  options: { clock?: Clock; config?: Partial<VigilConfig> } = {},
): EngineContext {
  const config = loadConfig({ logLevel: 'silent', ...options.config, databaseUrl: store.url });
  return {
    store,
    config,
    clock: options.clock ?? systemClock,
    logger: createLogger(config.logLevel),
    bus: createBus(),
  };
}

/** A clock fixed at one moment (tests, as-of runs). */
export const fixedClock = (iso: string): Clock => ({ now: () => new Date(iso) });
