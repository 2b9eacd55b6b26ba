import type { Selectable } from 'kysely';
import { AppError } from '../../../core/errors.ts';
import type { Store } from '../../database.ts';
import type { ModelsTable } from '../../schema.ts';

export type ModelRow = Selectable<ModelsTable>;

/** Every model version, newest first. */
export async function listModelRows(store: Store): Promise<ModelRow[]> {
  return store.db.selectFrom('models').selectAll().orderBy('version', 'desc').execute();
}

export async function findModelRow(store: Store, version: number): Promise<ModelRow | null> {
  return (
    (await store.db.selectFrom('models').selectAll().where('version', '=', version).executeTakeFirst()) ??
    null
  );
}

export async function findActiveModelRow(store: Store): Promise<ModelRow | null> {
  return (
    (await store.db
      .selectFrom('models')
      .selectAll()
      .where('status', '=', 'active')
      .orderBy('version', 'desc')
      .executeTakeFirst()) ?? null
  );
}

export type InsertModelRow = {
  name: string;
  status: 'active' | 'proposed' | 'retired';
  document: unknown;
  createdAt: string;
  createdBy: string | null;
  notes: string | null;
  backtest: unknown;
};

/** Inserts a model with the next version number; retried once if another writer took the number. */
export async function insertModelRow(store: Store, row: InsertModelRow): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await store.db.transaction().execute(async (trx) => {
        const max = await trx
          .selectFrom('models')
          .select((eb) => eb.fn.max<number | null>('version').as('v'))
          .executeTakeFirst();
        const version = Number(max?.v ?? 0) + 1;
        await trx
          .insertInto('models')
          .values({
            version,
            name: row.name,
            status: row.status,
            document: JSON.stringify(row.document),
            created_at: row.createdAt,
            created_by: row.createdBy,
            approved_at: null,
            approved_by: null,
            notes: row.notes,
            backtest: row.backtest === null ? null : JSON.stringify(row.backtest),
          })
          .execute();
        return version;
      });
    } catch (e) {
      if (attempt >= 2) throw e;
    }
  }
}

/**
 * Makes `version` the active model and retires the one it replaces, in one transaction, with an
 * audit entry. Only a proposed model can be approved.
 */
export async function activateModelRow(
  store: Store,
  version: number,
  by: string,
  at: string,
): Promise<{ previous: number | null }> {
  return store.db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('models').selectAll().where('version', '=', version).executeTakeFirst();
    if (!row) throw new AppError('NOT_FOUND', `model version ${version} does not exist`);
    if (row.status !== 'proposed')
      throw new AppError(
        'CONFLICT',
        `model version ${version} is ${row.status}; only a proposed model can be approved`,
      );
    const previous = await trx
      .selectFrom('models')
      .select('version')
      .where('status', '=', 'active')
      .execute();
    await trx.updateTable('models').set({ status: 'retired' }).where('status', '=', 'active').execute();
    await trx
      .updateTable('models')
      .set({ status: 'active', approved_at: at, approved_by: by })
      .where('version', '=', version)
      .execute();
    await trx
      .insertInto('audit_log')
      .values({
        at,
        actor: by,
        action: 'model.approve',
        target: `model:${version}`,
        details: JSON.stringify({ version, retired: previous.map((p) => p.version) }),
      })
      .execute();
    return { previous: previous[0]?.version ?? null };
  });
}
