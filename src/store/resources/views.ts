import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';

/** A stored view as the store hands it out (`filters` still JSON text: the engine validates it). */
export type SavedViewRow = {
  id: string;
  owner: string;
  name: string;
  filters: string;
  createdAt: string;
};

export type ViewsResource = {
  /** The views `owner` saved, by name. */
  listByOwner(owner: string): Promise<SavedViewRow[]>;
  find(id: string): Promise<SavedViewRow | null>;
  /** False when the owner already has a view of that name (nothing is written). */
  insert(row: SavedViewRow): Promise<boolean>;
  /** Deletes the view if `owner` owns it; true when a row went. */
  delete(id: string, owner: string): Promise<boolean>;
};

const toRow = (r: { id: string; owner: string; name: string; filters: string; created_at: string }) => ({
  id: r.id,
  owner: r.owner,
  name: r.name,
  filters: r.filters,
  createdAt: r.created_at,
});

export function viewsResource(db: Kysely<Database>): ViewsResource {
  return {
    async listByOwner(owner) {
      const rows = await db
        .selectFrom('saved_views')
        .selectAll()
        .where('owner', '=', owner)
        .orderBy('name')
        .orderBy('id')
        .execute();
      return rows.map(toRow);
    },
    async find(id) {
      const r = await db.selectFrom('saved_views').selectAll().where('id', '=', id).executeTakeFirst();
      return r ? toRow(r) : null;
    },
    async insert(row) {
      const r = await db
        .insertInto('saved_views')
        .values({
          id: row.id,
          owner: row.owner,
          name: row.name,
          filters: row.filters,
          created_at: row.createdAt,
        })
        .onConflict((oc) => oc.columns(['owner', 'name']).doNothing())
        .executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
    },
    async delete(id, owner) {
      const r = await db
        .deleteFrom('saved_views')
        .where('id', '=', id)
        .where('owner', '=', owner)
        .executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },
  };
}
