import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '../../core/errors.ts';
import type { Role } from '../../store/queries/visible-accounts.ts';
import type { EngineContext } from '../context.ts';

export const KEY_SCOPES = ['ingest', 'read', 'admin'] as const;
export type KeyScope = (typeof KEY_SCOPES)[number];

export type ApiKeyView = {
  id: string;
  userId: string;
  name: string;
  scope: KeyScope;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
};

export const createApiKeyOptionsSchema = z.object({
  userId: z.string().min(1),
  name: z.string().min(1).max(200),
  scope: z.enum(KEY_SCOPES),
  actor: z.string().default('cli'),
});

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const KEY_PATTERN = /^vgl_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

/** Creates a key; the only time the secret exists in clear is the returned `key`. */
export async function createApiKey(
  ctx: EngineContext,
  input: z.input<typeof createApiKeyOptionsSchema>,
): Promise<ApiKeyView & { key: string }> {
  const o = createApiKeyOptionsSchema.parse(input);
  const user = await ctx.store.users.get(o.userId);
  if (!user) throw new AppError('NOT_FOUND', `user "${o.userId}" not found`);
  if (o.scope === 'admin' && user.role !== 'admin')
    throw new AppError('FORBIDDEN', `an admin-scoped key needs an admin user; "${o.userId}" is ${user.role}`);
  const id = randomBytes(9)
    .toString('base64url')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '0')
    .slice(0, 12);
  const secret = randomBytes(32).toString('base64url');
  const now = ctx.clock.now().toISOString();
  await ctx.store.apiKeys.create(
    {
      id,
      user_id: o.userId,
      name: o.name,
      scope: o.scope,
      secret_hash: sha256(secret),
      created_at: now,
      last_used_at: null,
      revoked_at: null,
    },
    {
      at: now,
      actor: o.actor,
      action: 'api-key.create',
      target: `api-key:${id}`,
      details: { userId: o.userId, scope: o.scope, name: o.name },
    },
  );
  return {
    id,
    userId: o.userId,
    name: o.name,
    scope: o.scope,
    createdAt: now,
    lastUsedAt: null,
    revokedAt: null,
    key: `vgl_${id}_${secret}`,
  };
}

export async function revokeApiKey(ctx: EngineContext, id: string, actor = 'cli'): Promise<ApiKeyView> {
  const now = ctx.clock.now().toISOString();
  await ctx.store.apiKeys.revoke(id, now, {
    at: now,
    actor,
    action: 'api-key.revoke',
    target: `api-key:${id}`,
  });
  const key = (await listApiKeys(ctx)).find((k) => k.id === id);
  if (!key) throw new AppError('NOT_FOUND', `API key ${id} not found`);
  return key;
}

export async function listApiKeys(ctx: EngineContext): Promise<ApiKeyView[]> {
  const rows = await ctx.store.apiKeys.list();
  return rows.map((r) => ({
    id: r.id,
    userId: r.user_id,
    name: r.name,
    scope: r.scope as KeyScope,
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
    revokedAt: r.revoked_at,
  }));
}

export type KeyPrincipal = { keyId: string; scope: KeyScope; userId: string; role: Role };

/**
 * Resolves `vgl_<id>_<secret>` to its key and user, or null (unknown, revoked, wrong secret, disabled
 * user). `last_used_at` is refreshed at most once a minute so reads do not become writes.
 */
export async function verifyApiKey(ctx: EngineContext, presented: string): Promise<KeyPrincipal | null> {
  const m = KEY_PATTERN.exec(presented);
  if (!m) return null;
  const row = await ctx.store.apiKeys.findWithUser(m[1] as string);
  if (!row || row.revoked_at !== null || row.disabled_at !== null) return null;
  const a = Buffer.from(sha256(m[2] as string), 'hex');
  const b = Buffer.from(row.secret_hash, 'hex');
  if (a.length !== b.length || !timingSafeEqual(a, b)) return null;
  const now = ctx.clock.now();
  if (!row.last_used_at || now.getTime() - Date.parse(row.last_used_at) > 60_000)
    await ctx.store.apiKeys.touch(row.id, now.toISOString());
  return { keyId: row.id, scope: row.scope as KeyScope, userId: row.user_id, role: row.role as Role };
}
