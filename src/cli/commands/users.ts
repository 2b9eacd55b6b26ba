import type { Command } from 'commander';
import { z } from 'zod';
import { ROLES } from '../../core/access.ts';
import { addUser, listUsers } from '../../engine/auth/users.ts';
import { formatTable } from '../print-table.ts';
import { printJson, withContext } from '../with-context.ts';

const addSchema = z.object({
  role: z.enum(ROLES).optional(),
  name: z.string().optional(),
  email: z.string().optional(),
  manager: z.string().optional(),
  password: z.string().optional(),
  passwordStdin: z.boolean().default(false),
});

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

export function register(program: Command) {
  const users = program.command('users').description('people who log in: admins, managers, CSMs');
  users
    .command('add <id>')
    .description('create a user, or update one (e.g. give an imported CSM a password)')
    .option('--role <role>', `one of ${ROLES.join(', ')} (required for a new user; kept when updating)`)
    .option('--name <name>')
    .option('--email <email>')
    .option('--manager <id>', 'their manager (a manager sees their team’s accounts)')
    .option(
      '--password <password>',
      'at least 10 characters (prefer --password-stdin: argv is visible to other users)',
    )
    .option('--password-stdin', 'read the password from stdin')
    .action(async (id: string, raw: unknown, cmd: Command) => {
      const o = addSchema.parse(raw);
      const password = o.passwordStdin ? await readStdin() : o.password;
      await withContext(cmd, async (ctx) => {
        const u = await addUser(ctx, {
          id,
          role: o.role,
          name: o.name,
          email: o.email,
          managerId: o.manager,
          password,
          actor: `cli:${process.env.USER ?? 'unknown'}`,
        });
        process.stdout.write(
          `${u.id}: ${u.role}${u.managerId ? `, reports to ${u.managerId}` : ''}${u.canLogIn ? ', can log in' : ', no password (cannot log in yet)'}\n`,
        );
      });
    });
  users
    .command('list')
    .description('list users')
    .option('--json', 'JSON output')
    .action(async (raw: { json?: boolean }, cmd: Command) => {
      await withContext(cmd, async (ctx) => {
        const list = await listUsers(ctx);
        if (raw.json) return printJson(list);
        process.stdout.write(
          formatTable(list, [
            { header: 'id', value: (u) => u.id },
            { header: 'name', value: (u) => u.name },
            { header: 'role', value: (u) => u.role },
            { header: 'manager', value: (u) => u.managerId },
            {
              header: 'login',
              value: (u) => (u.disabled ? 'disabled' : u.canLogIn ? 'can log in' : 'no password'),
            },
          ]),
        );
      });
    });
}
