import type { Store } from '../database.ts';

export type RejectRecord = {
  id: number;
  importId: number | null;
  source: string;
  line: number | null;
  field: string | null;
  reason: string;
  raw: string;
  createdAt: string;
};

export async function listRejects(
  store: Store,
  options: { importId?: number | undefined; limit?: number; offset?: number } = {},
): Promise<RejectRecord[]> {
  let q = store.db.selectFrom('rejects').selectAll().where('resolved_at', 'is', null);
  if (options.importId !== undefined) q = q.where('import_id', '=', options.importId);
  const rows = await q
    .orderBy('id')
    .limit(options.limit ?? 200)
    .offset(options.offset ?? 0)
    .execute();
  return rows.map((r) => ({
    id: Number(r.id),
    importId: r.import_id === null ? null : Number(r.import_id),
    source: r.source,
    line: r.line === null ? null : Number(r.line),
    field: r.field,
    reason: r.reason,
    raw: r.raw,
    createdAt: r.created_at,
  }));
}
