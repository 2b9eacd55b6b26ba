import type { Store } from '../database.ts';
import type { JobsTable } from '../schema-perf.ts';

export type JobRow = JobsTable;

export async function insertJob(store: Store, row: JobRow): Promise<void> {
  await store.db.insertInto('jobs').values(row).execute();
}

export async function updateJob(
  store: Store,
  id: string,
  patch: Partial<Pick<JobRow, 'status' | 'progress' | 'result' | 'error' | 'started_at' | 'finished_at'>>,
): Promise<void> {
  await store.db.updateTable('jobs').set(patch).where('id', '=', id).execute();
}

export async function getJobRow(store: Store, id: string): Promise<JobRow | undefined> {
  return store.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listJobRows(
  store: Store,
  options: { status?: string; limit: number },
): Promise<JobRow[]> {
  let q = store.db.selectFrom('jobs').selectAll();
  if (options.status) q = q.where('status', '=', options.status);
  return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(options.limit).execute();
}

/** Jobs left queued or running by a process that stopped: they will not finish. */
export async function markUnfinishedJobsInterrupted(
  store: Store,
  at: string,
  before: string,
): Promise<number> {
  const r = await store.db
    .updateTable('jobs')
    .set({ status: 'interrupted', finished_at: at })
    .where('status', 'in', ['queued', 'running'])
    .where('created_at', '<', before)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}
