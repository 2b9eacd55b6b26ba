import { z } from 'zod';
import { AppError } from '../../core/errors.ts';
import { ROLES, type Role } from '../../store/queries/visible-accounts.ts';
import type { EngineContext } from '../context.ts';
import { hashPassword } from './password.ts';

export const MIN_PASSWORD_LENGTH = 10;

export const addUserOptionsSchema = z.object({
  id: z
    .string()
    .min(1)
    .max(100)
    .regex(/^[A-Za-z0-9._@-]+$/, 'letters, digits and . _ @ - only'),
  /** Required for a new user; an update keeps the current role when absent. */
  role: z.enum(ROLES).optional(),
  name: z.string().max(200).optional(),
  email: z.string().max(320).optional(),
  managerId: z.string().max(100).optional(),
  password: z
    .string()
    .min(MIN_PASSWORD_LENGTH, `at least ${MIN_PASSWORD_LENGTH} characters`)
    .max(1024)
    .optional(),
  actor: z.string().default('cli'),
});
export type AddUserOptions = z.input<typeof addUserOptionsSchema>;

export type UserView = {
  id: string;
  name: string | null;
  email: string | null;
  role: Role;
  managerId: string | null;
  canLogIn: boolean;
  disabled: boolean;
};

/**
 * Creates a user or updates an existing one (e.g. a CSM imported from users.csv who now gets a
 * password). A role change is written to the audit log.
 */
export async function addUser(ctx: EngineContext, input: AddUserOptions): Promise<UserView> {
  const o = addUserOptionsSchema.parse(input);
  const now = ctx.clock.now().toISOString();
  const hash = o.password ? await hashPassword(o.password) : undefined;
  if (o.managerId) {
    const m = await ctx.store.db
      .selectFrom('users')
      .select('id')
      .where('id', '=', o.managerId)
      .executeTakeFirst();
    if (!m) throw new AppError('BAD_INPUT', `manager "${o.managerId}" is not a user`);
  }
  await ctx.store.db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('users').selectAll().where('id', '=', o.id).executeTakeFirst();
    const role = o.role ?? (before?.role as Role | undefined);
    if (!role) throw new AppError('BAD_INPUT', `user "${o.id}" does not exist yet: a new user needs a role`);
    if (before) {
      await trx
        .updateTable('users')
        .set({
          role,
          ...(o.name !== undefined ? { name: o.name } : {}),
          ...(o.email !== undefined ? { email: o.email } : {}),
          ...(o.managerId !== undefined ? { manager_id: o.managerId } : {}),
          ...(hash ? { password_hash: hash } : {}),
        })
        .where('id', '=', o.id)
        .execute();
      // a password change ends every session of that user
      if (hash)
        await trx.updateTable('sessions').set({ revoked_at: now }).where('user_id', '=', o.id).execute();
    } else {
      await trx
        .insertInto('users')
        .values({
          id: o.id,
          name: o.name ?? null,
          email: o.email ?? null,
          role,
          manager_id: o.managerId ?? null,
          password_hash: hash ?? null,
          created_at: now,
          disabled_at: null,
        })
        .execute();
    }
    if (!before || before.role !== role || hash)
      await trx
        .insertInto('audit_log')
        .values({
          at: now,
          actor: o.actor,
          action: before
            ? before.role !== role
              ? 'user.role-change'
              : 'user.password-change'
            : 'user.create',
          target: `user:${o.id}`,
          details: JSON.stringify({ from: before?.role ?? null, to: role }),
        })
        .execute();
  });
  const users = await listUsers(ctx);
  return users.find((u) => u.id === o.id) as UserView;
}

export async function listUsers(ctx: EngineContext): Promise<UserView[]> {
  const rows = await ctx.store.db.selectFrom('users').selectAll().orderBy('id').execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    email: r.email,
    role: r.role as Role,
    managerId: r.manager_id,
    canLogIn: r.password_hash !== null && r.disabled_at === null,
    disabled: r.disabled_at !== null,
  }));
}
