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
  const row = await ctx.store.db
    .selectFrom('meta')
    .select('value')
    .where('key', '=', META_KEY)
    .executeTakeFirst();
  if (row) return row.value;
  await ctx.store.db
    .insertInto('meta')
    .values({ key: META_KEY, value: randomBytes(32).toString('hex') })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  const again = await ctx.store.db
    .selectFrom('meta')
    .select('value')
    .where('key', '=', META_KEY)
    .executeTakeFirstOrThrow();
  return again.value;
}
