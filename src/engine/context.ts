import { dirname, resolve } from 'node:path';
import { AppError } from '../core/errors.ts';
import { isPostgresUrl, openStore, type Store } from '../store/database.ts';
import { inspectDatabaseFile } from '../store/inspect-database-file.ts';
import { type Bus, createBus } from './bus.ts';
import { loadConfig, type VigilConfig } from './config.ts';
import { createLogger, type Logger } from './logger.ts';
import { AccountCache } from './scoring/account-cache.ts';

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
  /** The process's columnar scoring cache (ADR 0033); absent = every rescore loads its accounts. */
  scoringCache?: AccountCache;
};

export async function createContext(
  overrides: Partial<VigilConfig> = {},
  clock: Clock = systemClock,
  options: CreateContextOptions = {},
): Promise<EngineContext> {
  const config = loadConfig(overrides);
  if (options.checkDatabasePath) checkDatabasePath(config.databaseUrl, options.checkDatabasePath);
  const store = await openStore({ url: config.databaseUrl, sqliteCacheMb: config.sqliteCacheMb });
  return {
    store,
    config,
    clock,
    logger: createLogger(config.logLevel),
    bus: createBus(),
    scoringCache: new AccountCache(),
  };
}

export type CreateContextOptions = {
  /**
   * Refuse a SQLite path that is not a Vigil database: a folder that does not exist, a file
   * that is not SQLite or is another application's, and (`existing`) a file that does not exist
   * yet. `create` allows a new or empty file. Exit code 2 (BAD_INPUT) either way.
   */
  checkDatabasePath?: 'existing' | 'create';
};

function checkDatabasePath(url: string, mode: 'existing' | 'create') {
  if (isPostgresUrl(url) || url === ':memory:') return;
  const state = inspectDatabaseFile(url);
  const hint = mode === 'existing' ? ' (add --create to make a new one)' : '';
  if (state === 'no-folder')
    throw new AppError('BAD_INPUT', `--db ${url}: the folder ${dirname(resolve(url))} does not exist`);
  if (state === 'not-sqlite') throw new AppError('BAD_INPUT', `--db ${url} is not a SQLite database`);
  if (state === 'foreign')
    throw new AppError('BAD_INPUT', `--db ${url} is a SQLite database of another application, not Vigil's`);
  if (state === 'missing' && mode === 'existing')
    throw new AppError('BAD_INPUT', `--db ${url}: no Vigil database there${hint}`);
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
