import { randomBytes } from 'node:crypto';
import type { EngineContext } from '../context.ts';
import type { PlaybookSettings } from './playbook-settings.ts';

const META_KEY = 'webhook_secret';

/**
 * The configured secret, or one generated once and kept in the database so
 * every process signs with the same key (`vigil playbooks secret` shows it).
 */
export async function getWebhookSecret(ctx: EngineContext, settings: PlaybookSettings): Promise<string> {
  if (settings.webhookSecret) return settings.webhookSecret;
  return ctx.store.meta.getOrInsert(META_KEY, () => randomBytes(32).toString('hex'));
}
