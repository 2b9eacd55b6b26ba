import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';

export type TasksResource = {
  /** The account a task belongs to, or null when there is no such task. */
  accountOf(taskId: string): Promise<string | null>;
};

export function tasksResource(db: Kysely<Database>): TasksResource {
  return {
    async accountOf(taskId) {
      const row = await db
        .selectFrom('tasks')
        .select('account_id')
        .where('id', '=', taskId)
        .executeTakeFirst();
      return row?.account_id ?? null;
    },
  };
}
