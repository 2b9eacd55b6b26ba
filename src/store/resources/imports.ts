import type { Kysely } from 'kysely';
import type { Store } from '../database.ts';
import { listRejects, type RejectRecord } from '../queries/list-rejects.ts';
import type { Database } from '../schema.ts';

export type ImportRecord = {
  id: number;
  path: string;
  kind: string;
  status: string;
  accepted: number;
  duplicates: number;
  rejected: number;
  startedAt: string;
  finishedAt: string | null;
  error: string | null;
};

export type ImportsResource = {
  /** Import runs, newest first. */
  list(page: { limit: number; offset: number }): Promise<ImportRecord[]>;
  /** Unresolved rejects, optionally of one import. */
  rejects: (options: Parameters<typeof listRejects>[1]) => Promise<RejectRecord[]>;
};

export function importsResource(store: Store, db: Kysely<Database>): ImportsResource {
  return {
    async list(page) {
      const rows = await db
        .selectFrom('imports')
        .selectAll()
        .orderBy('id', 'desc')
        .limit(page.limit)
        .offset(page.offset)
        .execute();
      return rows.map((r) => ({
        id: Number(r.id),
        path: r.path,
        kind: r.kind,
        status: r.status,
        accepted: Number(r.accepted),
        duplicates: Number(r.duplicates),
        rejected: Number(r.rejected),
        startedAt: r.started_at,
        finishedAt: r.finished_at,
        error: r.error,
      }));
    },
    rejects: (options) => listRejects(store, options),
  };
}
