import { openStore, type Store } from '../store/database.ts';
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
};

export async function createContext(overrides: Partial<VigilConfig> = {}, clock: Clock = systemClock): Promise<EngineContext> {
  const config = loadConfig(overrides);
  const store = await openStore({ url: config.databaseUrl });
  return { store, config, clock, logger: createLogger(config.logLevel) };
}

/** Today's date (UTC, YYYY-MM-DD) by the context's clock. */
export const today = (ctx: Pick<EngineContext, 'clock'>) => ctx.clock.now().toISOString().slice(0, 10);
