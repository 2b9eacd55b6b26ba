import { resolve } from 'node:path';
import { AppError } from '../core/errors.ts';
import { isTimeZone } from '../core/import/values.ts';

/**
 * Runtime configuration. The engine is the only layer that reads process.env;
 * everything below it receives values. Frozen at construction.
 */
export type VigilConfig = Readonly<{
  databaseUrl: string;
  port: number;
  host: string;
  /** Secret for signing sessions and CSRF tokens; generated and stored in the db when unset. */
  sessionSecret: string | null;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** How long a worker's claim on dirty accounts lasts; a dead worker's claims are retaken after it. */
  workerLeaseSeconds: number;
  /** On SIGTERM, in-flight notification deliveries get this long before they are given back unsent. */
  shutdownDrainSeconds: number;
  /** Notification deliveries in flight at once per worker (apart from rescoring). */
  deliveryConcurrency: number;
  /** SQLite page cache per connection, in MiB (memory for speed on large databases). */
  sqliteCacheMb: number;
  /**
   * The workspace's time zone (IANA name, default UTC): timestamps written
   * without a zone are read in it, never in the machine's TZ.
   */
  timeZone: string;
  /** NATS server(s); when set, POST /v1/events stores batches in JetStream for `vigil ingest-worker`. */
  natsUrl: string | null;
  /** The JetStream stream (and subject prefix) of ingested batches. */
  natsStream: string;
}>;

export const DEFAULT_DATABASE_PATH = './data/vigil.db';

/** A positive number from the environment, or a clear error naming the variable. */
function positive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0)
    throw new AppError('BAD_INPUT', `${name} must be a positive number; got "${raw}"`);
  return n;
}

function timeZone(raw: string | undefined): string {
  if (raw === undefined || raw === '') return 'UTC';
  if (!isTimeZone(raw))
    throw new AppError(
      'BAD_INPUT',
      `VIGIL_TIME_ZONE must be an IANA time zone (e.g. Europe/Berlin); got "${raw}"`,
    );
  return raw;
}

export function loadConfig(
  overrides: Partial<VigilConfig> = {},
  env: NodeJS.ProcessEnv = process.env,
): VigilConfig {
  const databaseUrl = overrides.databaseUrl ?? env.VIGIL_DATABASE_URL ?? DEFAULT_DATABASE_PATH;
  return Object.freeze({
    databaseUrl:
      /^postgres(ql)?:\/\//.test(databaseUrl) || databaseUrl === ':memory:'
        ? databaseUrl
        : resolve(databaseUrl),
    port: overrides.port ?? Number(env.VIGIL_PORT ?? env.PORT ?? 3000),
    host: overrides.host ?? env.VIGIL_HOST ?? '127.0.0.1',
    sessionSecret: overrides.sessionSecret ?? env.VIGIL_SESSION_SECRET ?? null,
    logLevel: overrides.logLevel ?? ((env.VIGIL_LOG_LEVEL as VigilConfig['logLevel']) || 'info'),
    workerLeaseSeconds: overrides.workerLeaseSeconds ?? positive(env, 'VIGIL_WORKER_LEASE_SECONDS', 60),
    shutdownDrainSeconds: overrides.shutdownDrainSeconds ?? positive(env, 'VIGIL_SHUTDOWN_DRAIN_SECONDS', 10),
    deliveryConcurrency: overrides.deliveryConcurrency ?? positive(env, 'VIGIL_DELIVERY_CONCURRENCY', 4),
    sqliteCacheMb: overrides.sqliteCacheMb ?? positive(env, 'VIGIL_SQLITE_CACHE_MB', 256),
    timeZone: overrides.timeZone ?? timeZone(env.VIGIL_TIME_ZONE),
    natsUrl: overrides.natsUrl !== undefined ? overrides.natsUrl : env.VIGIL_NATS_URL || null,
    natsStream: overrides.natsStream ?? (env.VIGIL_NATS_STREAM || 'VIGIL_EVENTS'),
  });
}
