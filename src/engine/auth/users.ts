import { z } from 'zod';
import { ROLES, type Role } from '../../core/access.ts';
import { AppError } from '../../core/errors.ts';
import type { UserRow } from '../../store/resources/auth.ts';
import type { EngineContext } from '../context.ts';
import { hashPassword } from './password.ts';
import { passwordProblem } from './password-strength.ts';

export const MIN_PASSWORD_LENGTH = 10;

export const addUserOptionsSchema = z
  .object({
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
  })
  .superRefine((o, ctx) => {
    if (o.password === undefined) return;
    const problem = passwordProblem(o.password, [o.id, o.name ?? '', o.email ?? '', 'vigil']);
    if (problem) ctx.addIssue({ code: 'custom', path: ['password'], message: problem });
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
  if (o.managerId && !(await ctx.store.users.get(o.managerId)))
    throw new AppError('BAD_INPUT', `manager "${o.managerId}" is not a user`);
  await ctx.store.users.save(
    {
      id: o.id,
      role: o.role,
      name: o.name,
      email: o.email,
      managerId: o.managerId,
      passwordHash: hash,
      at: now,
    },
    (before, role) =>
      !before || before.role !== role || hash
        ? {
            at: now,
            actor: o.actor,
            action: before
              ? before.role !== role
                ? 'user.role-change'
                : 'user.password-change'
              : 'user.create',
            target: `user:${o.id}`,
            details: { from: before?.role ?? null, to: role },
          }
        : null,
  );
  const users = await listUsers(ctx);
  return users.find((u) => u.id === o.id) as UserView;
}

export async function listUsers(ctx: EngineContext): Promise<UserView[]> {
  return (await ctx.store.users.list()).map(toUserView);
}

const toUserView = (r: UserRow): UserView => ({
  id: r.id,
  name: r.name,
  email: r.email,
  role: r.role as Role,
  managerId: r.manager_id,
  canLogIn: r.password_hash !== null && r.disabled_at === null,
  disabled: r.disabled_at !== null,
});

/** One user, or null (`GET /v1/auth/me` for an API key's user). */
export async function getUser(ctx: EngineContext, id: string): Promise<UserView | null> {
  const r = await ctx.store.users.get(id);
  return r ? toUserView(r) : null;
}
