import { resolve } from 'node:path';

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
}>;

export const DEFAULT_DATABASE_PATH = './data/vigil.db';

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
    workerLeaseSeconds: overrides.workerLeaseSeconds ?? Number(env.VIGIL_WORKER_LEASE_SECONDS ?? 60),
  });
}
