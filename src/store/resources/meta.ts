import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';

export type MetaResource = {
  /**
   * The value stored under `key`; when there is none, stores `initial` and returns it. Concurrent
   * first calls agree: whichever insert lands first wins and both read it back.
   */
  getOrInsert(key: string, initial: () => string): Promise<string>;
};

export function metaResource(db: Kysely<Database>): MetaResource {
  const find = (key: string) =>
    db.selectFrom('meta').select('value').where('key', '=', key).executeTakeFirst();
  return {
    async getOrInsert(key, initial) {
      const row = await find(key);
      if (row) return row.value;
      await db
        .insertInto('meta')
        .values({ key, value: initial() })
        .onConflict((oc) => oc.column('key').doNothing())
        .execute();
      const again = await find(key);
      if (!again) throw new Error(`meta ${key} vanished after insert`);
      return again.value;
    },
  };
}
