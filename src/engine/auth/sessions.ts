import { createHash, randomBytes } from 'node:crypto';
import { DAY_MS } from '../../core/dates/day-number.ts';
import { AppError } from '../../core/errors.ts';
import type { Role } from '../../store/queries/visible-accounts.ts';
import type { EngineContext } from '../context.ts';
import { hashPassword, verifyPassword } from './password.ts';

export const SESSION_DAYS = 7;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export type SessionUser = { id: string; name: string | null; role: Role; managerId: string | null };
export type SessionPrincipal = { user: SessionUser; csrf: string; expiresAt: string };

// A real hash of a random password, verified when the user is unknown so a login takes as long either way.
let decoyHash: Promise<string> | null = null;
const decoy = () => {
  decoyHash ??= hashPassword(randomBytes(16).toString('hex'));
  return decoyHash;
};

/**
 * Checks a username and password and opens a session. Returns the cookie value (the only copy of the
 * session id; the database keeps its SHA-256) and the CSRF token for state-changing requests. Every
 * attempt, good or bad, is audited.
 */
export async function logIn(
  ctx: EngineContext,
  username: string,
  password: string,
  meta: { ip?: string } = {},
): Promise<SessionPrincipal & { token: string }> {
  const { store } = ctx;
  const user = await store.users.get(username);
  const ok = await verifyPassword(password, user?.password_hash ?? (await decoy()));
  const now = ctx.clock.now();
  const audit = (action: string) =>
    store.audit.insert({
      at: now.toISOString(),
      actor: user ? user.id : 'anonymous',
      action,
      target: `user:${username.slice(0, 100)}`,
      details: { ip: meta.ip ?? null },
    });
  if (!user || !ok || user.disabled_at !== null || !user.password_hash) {
    await audit('login.failure');
    throw new AppError('UNAUTHENTICATED', 'wrong username or password');
  }
  const token = randomBytes(32).toString('base64url');
  const csrf = randomBytes(24).toString('base64url');
  const expiresAt = new Date(now.getTime() + SESSION_DAYS * DAY_MS).toISOString();
  await store.sessions.create({
    id_hash: sha256(token),
    user_id: user.id,
    csrf,
    created_at: now.toISOString(),
    expires_at: expiresAt,
    last_seen_at: now.toISOString(),
    revoked_at: null,
  });
  await audit('login.success');
  return {
    token,
    csrf,
    expiresAt,
    user: { id: user.id, name: user.name, role: user.role as Role, managerId: user.manager_id },
  };
}

/** The live session behind a cookie value, or null (unknown, expired, revoked, user disabled). */
export async function findSession(ctx: EngineContext, token: string): Promise<SessionPrincipal | null> {
  if (token.length < 20 || token.length > 100) return null;
  const row = await ctx.store.sessions.findByHash(sha256(token));
  if (!row || row.revoked_at !== null || row.disabled_at !== null) return null;
  if (row.expires_at <= ctx.clock.now().toISOString()) return null;
  return {
    csrf: row.csrf,
    expiresAt: row.expires_at,
    user: { id: row.id, name: row.name, role: row.role as Role, managerId: row.manager_id },
  };
}

export async function logOut(ctx: EngineContext, token: string): Promise<void> {
  await ctx.store.sessions.revoke(sha256(token), ctx.clock.now().toISOString());
}
