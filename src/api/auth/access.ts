import type { Context, MiddlewareHandler } from 'hono';
import type { Role, Viewer } from '../../core/access.ts';
import { AppError } from '../../core/errors.ts';
import type { AppEnv, Principal } from '../app-env.ts';

/**
 * What a route needs:
 * - `read`: any signed-in user; API keys scoped read or admin.
 * - `write`: changes to accounts the caller can see (notes, overrides, tasks); sessions, admin keys.
 * - `ingest`: event ingestion; ingest or admin keys, admin sessions.
 * - `manage`: imports and reports across owners; admins and managers.
 * - `admin`: configuration (playbooks, models, rejects); admins only.
 */
export type AccessRule = 'read' | 'write' | 'ingest' | 'manage' | 'admin';

const ROLES_FOR: Record<AccessRule, readonly Role[]> = {
  read: ['admin', 'manager', 'csm'],
  write: ['admin', 'manager', 'csm'],
  ingest: ['admin'],
  manage: ['admin', 'manager'],
  admin: ['admin'],
};
const SCOPES_FOR: Record<AccessRule, readonly string[]> = {
  read: ['read', 'admin'],
  write: ['admin'],
  ingest: ['ingest', 'admin'],
  manage: ['admin'],
  admin: ['admin'],
};

/** Throws 401 without a principal, 403 when role or key scope does not allow the rule; returns the principal. */
export function requireAccess(c: Context<AppEnv>, rule: AccessRule): Principal & { viewer: Viewer } {
  const p = c.get('principal');
  if (!p) throw new AppError('UNAUTHENTICATED', 'sign in (POST /v1/auth/login) or send an API key');
  if (p.kind === 'key' && !SCOPES_FOR[rule].includes(p.scope))
    throw new AppError(
      'FORBIDDEN',
      `an API key scoped "${p.scope}" cannot do this (needs ${SCOPES_FOR[rule].join(' or ')})`,
    );
  // an ingest key is an integration's credential: it writes events for any account and reads nothing
  if (p.kind === 'key' && p.scope === 'ingest' && rule === 'ingest') return p;
  if (!ROLES_FOR[rule].includes(p.viewer.role))
    throw new AppError('FORBIDDEN', `the ${p.viewer.role} role cannot do this`);
  return p;
}

/** A short name for the audit log. */
export const actorOf = (p: Principal) =>
  p.kind === 'key' ? `${p.viewer.userId} (key ${p.keyId})` : p.viewer.userId;

/** Route middleware form of `requireAccess`: runs before body and query validation, so a caller without access learns nothing from validation errors. */
export const access =
  (rule: AccessRule): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    requireAccess(c, rule);
    await next();
  };

/** The principal in a handler behind `access(...)`. */
export function principalOf(c: Context<AppEnv>): Principal {
  const p = c.get('principal');
  if (!p) throw new AppError('UNAUTHENTICATED', 'sign in (POST /v1/auth/login) or send an API key');
  return p;
}
