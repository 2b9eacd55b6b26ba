import type { Kysely, Selectable } from 'kysely';
import { AppError } from '../../core/errors.ts';
import type { Database, UsersTable } from '../schema.ts';
import type { ApiKeysTable, SessionsTable } from '../schema-auth.ts';
import { type AuditEntry, insertAudit } from './audit.ts';

export type UserRow = Selectable<UsersTable>;
export type ApiKeyRow = Selectable<ApiKeysTable>;
export type SessionRow = Selectable<SessionsTable>;

/** The fields of a user that a save may set; `undefined` leaves a field as it is on update. */
export type SaveUser = {
  id: string;
  /** Required for a new user; an update keeps the current role when absent. */
  role?: string;
  name?: string;
  email?: string;
  managerId?: string;
  passwordHash?: string;
  at: string;
};

export type UsersResource = {
  get(id: string): Promise<UserRow | null>;
  list(): Promise<UserRow[]>;
  /** The first admin (by id) who can log in (has a password, not disabled), or null. */
  firstLoginAdmin(): Promise<string | null>;
  /**
   * Creates or updates a user in one transaction; a new password ends every session of the user.
   * `audit` is given the row before the save (null for a new user) and the role saved, and returns
   * the audit line to write with it, or null.
   */
  save(user: SaveUser, audit: (before: UserRow | null, role: string) => AuditEntry | null): Promise<void>;
};

export type SessionWithUser = {
  csrf: string;
  expires_at: string;
  revoked_at: string | null;
  id: string;
  name: string | null;
  role: string;
  manager_id: string | null;
  disabled_at: string | null;
};

export type SessionsResource = {
  create(row: SessionRow): Promise<void>;
  /** The session with this id hash joined with its user, or null. */
  findByHash(idHash: string): Promise<SessionWithUser | null>;
  revoke(idHash: string, at: string): Promise<void>;
};

export type ApiKeyWithUser = {
  id: string;
  scope: string;
  secret_hash: string;
  revoked_at: string | null;
  last_used_at: string | null;
  user_id: string;
  role: string;
  disabled_at: string | null;
};

export type ApiKeysResource = {
  /** Stores a key and its audit line in one transaction. */
  create(row: ApiKeyRow, audit: AuditEntry): Promise<void>;
  /** Revokes a live key (audited); false when there was none to revoke. */
  revoke(id: string, at: string, audit: AuditEntry): Promise<boolean>;
  list(): Promise<ApiKeyRow[]>;
  findWithUser(id: string): Promise<ApiKeyWithUser | null>;
  touch(id: string, at: string): Promise<void>;
};

export function usersResource(db: Kysely<Database>): UsersResource {
  return {
    async get(id) {
      return (await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst()) ?? null;
    },
    list: () => db.selectFrom('users').selectAll().orderBy('id').execute(),
    async firstLoginAdmin() {
      const row = await db
        .selectFrom('users')
        .select('id')
        .where('role', '=', 'admin')
        .where('password_hash', 'is not', null)
        .where('disabled_at', 'is', null)
        .orderBy('id')
        .executeTakeFirst();
      return row?.id ?? null;
    },
    async save(u, audit) {
      await db.transaction().execute(async (trx) => {
        const before = await trx.selectFrom('users').selectAll().where('id', '=', u.id).executeTakeFirst();
        const role = u.role ?? before?.role;
        if (!role)
          throw new AppError('BAD_INPUT', `user "${u.id}" does not exist yet: a new user needs a role`);
        if (before) {
          await trx
            .updateTable('users')
            .set({
              role,
              ...(u.name !== undefined ? { name: u.name } : {}),
              ...(u.email !== undefined ? { email: u.email } : {}),
              ...(u.managerId !== undefined ? { manager_id: u.managerId } : {}),
              ...(u.passwordHash ? { password_hash: u.passwordHash } : {}),
            })
            .where('id', '=', u.id)
            .execute();
          if (u.passwordHash)
            await trx.updateTable('sessions').set({ revoked_at: u.at }).where('user_id', '=', u.id).execute();
        } else {
          await trx
            .insertInto('users')
            .values({
              id: u.id,
              name: u.name ?? null,
              email: u.email ?? null,
              role,
              manager_id: u.managerId ?? null,
              password_hash: u.passwordHash ?? null,
              created_at: u.at,
              disabled_at: null,
            })
            .execute();
        }
        const entry = audit(before ?? null, role);
        if (entry) await insertAudit(trx, entry);
      });
    },
  };
}

export function sessionsResource(db: Kysely<Database>): SessionsResource {
  return {
    async create(row) {
      await db.insertInto('sessions').values(row).execute();
    },
    async findByHash(idHash) {
      return (
        (await db
          .selectFrom('sessions as s')
          .innerJoin('users as u', 'u.id', 's.user_id')
          .select([
            's.csrf',
            's.expires_at',
            's.revoked_at',
            'u.id',
            'u.name',
            'u.role',
            'u.manager_id',
            'u.disabled_at',
          ])
          .where('s.id_hash', '=', idHash)
          .executeTakeFirst()) ?? null
      );
    },
    async revoke(idHash, at) {
      await db.updateTable('sessions').set({ revoked_at: at }).where('id_hash', '=', idHash).execute();
    },
  };
}

export function apiKeysResource(db: Kysely<Database>): ApiKeysResource {
  return {
    async create(row, audit) {
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('api_keys').values(row).execute();
        await insertAudit(trx, audit);
      });
    },
    async revoke(id, at, audit) {
      return db.transaction().execute(async (trx) => {
        const res = await trx
          .updateTable('api_keys')
          .set({ revoked_at: at })
          .where('id', '=', id)
          .where('revoked_at', 'is', null)
          .executeTakeFirst();
        if (Number(res.numUpdatedRows) === 0) return false;
        await insertAudit(trx, audit);
        return true;
      });
    },
    list: () => db.selectFrom('api_keys').selectAll().orderBy('created_at').execute(),
    async findWithUser(id) {
      return (
        (await db
          .selectFrom('api_keys as k')
          .innerJoin('users as u', 'u.id', 'k.user_id')
          .select([
            'k.id',
            'k.scope',
            'k.secret_hash',
            'k.revoked_at',
            'k.last_used_at',
            'u.id as user_id',
            'u.role',
            'u.disabled_at',
          ])
          .where('k.id', '=', id)
          .executeTakeFirst()) ?? null
      );
    },
    async touch(id, at) {
      await db.updateTable('api_keys').set({ last_used_at: at }).where('id', '=', id).execute();
    },
  };
}
