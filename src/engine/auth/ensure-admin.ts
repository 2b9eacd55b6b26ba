import { randomBytes } from 'node:crypto';
import type { EngineContext } from '../context.ts';
import { addUser } from './users.ts';

export type EnsureAdminResult = { created: boolean; username: string; password?: string };

/**
 * First start: when nobody can log in as an admin, creates `admin` with $VIGIL_ADMIN_PASSWORD or a
 * random password that is returned (to be printed once; only its hash is stored).
 */
export async function ensureAdmin(
  ctx: EngineContext,
  options: { username?: string; password?: string } = {},
): Promise<EnsureAdminResult> {
  const existing = await ctx.store.users.firstLoginAdmin();
  if (existing) return { created: false, username: existing };
  const username = options.username ?? 'admin';
  const fromEnv = options.password ?? process.env.VIGIL_ADMIN_PASSWORD;
  const password = fromEnv || randomBytes(12).toString('base64url');
  await addUser(ctx, { id: username, role: 'admin', name: 'Administrator', password, actor: 'first-start' });
  return fromEnv ? { created: true, username } : { created: true, username, password };
}
