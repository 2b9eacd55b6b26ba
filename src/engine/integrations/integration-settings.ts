import { dirname, join, resolve } from 'node:path';
import { isPostgresUrl } from '../../store/database.ts';

/**
 * Settings of the integrations area, read from the environment here (the
 * engine is the only layer that reads it); tests pass overrides instead.
 */
export type IntegrationSettings = Readonly<{
  /** 32-byte key (base64 or 64 hex chars) for secrets at rest. VIGIL_SECRET_KEY. */
  secretKey: string | null;
  /** Where the key is kept when VIGIL_SECRET_KEY is unset; created with 0600 on first start. VIGIL_SECRET_KEY_FILE. */
  secretKeyFile: string;
}>;

export function loadIntegrationSettings(
  databaseUrl: string,
  overrides: Partial<IntegrationSettings> = {},
  env: NodeJS.ProcessEnv = process.env,
): IntegrationSettings {
  const dataDir =
    isPostgresUrl(databaseUrl) || databaseUrl === ':memory:'
      ? resolve('./data')
      : dirname(resolve(databaseUrl));
  return Object.freeze({
    secretKey: env.VIGIL_SECRET_KEY || null,
    secretKeyFile: env.VIGIL_SECRET_KEY_FILE || join(dataDir, 'vigil-secret.key'),
    ...overrides,
  });
}
