import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../store/database.ts';
import { openTestStore, TEST_STORE_KINDS } from '../../store/test-stores.ts';
import { contextForStore, type EngineContext, fixedClock } from '../context.ts';
import { importFiles } from '../import/import-files.ts';
import { backupStore, restoreStore } from './backup-store.ts';
import { verifyStore } from './verify-store.ts';

function portfolio(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-maint-'));
  writeFileSync(join(dir, 'accounts.csv'), 'id,name\na1,A\na2,B\n');
  writeFileSync(
    join(dir, 'usage-1.csv'),
    'id,account_id,contact_id,type,time,key,count\n1,a1,c1,login,2025-01-01T00:00:00.000Z,,2\n2,a1,c1,feature_used,2025-01-01T01:00:00.000Z,reports,3\n3,a2,,integration_used,2025-01-02T00:00:00.000Z,api,1\n',
  );
  return dir;
}

describe.each(TEST_STORE_KINDS)('verifyStore on %s', (kind) => {
  let store: Store;
  let ctx: EngineContext;
  beforeAll(async () => {
    store = await openTestStore(kind);
    ctx = contextForStore(store, { clock: fixedClock('2026-01-01T00:00:00Z') });
    await importFiles(ctx, { paths: [portfolio()] });
  });
  afterAll(async () => {
    await store?.close();
  });

  it('passes on an imported portfolio', async () => {
    const r = await verifyStore(ctx);
    expect(r.checks.filter((c) => !c.ok)).toEqual([]);
    expect(r.ok).toBe(true);
  });

  it('finds rollups that disagree and rows that point at nothing', async () => {
    await store.db.updateTable('usage_daily').set({ events: 99 }).where('account_id', '=', 'a1').execute();
    await store.db
      .insertInto('contacts')
      .values({
        id: 'orphan',
        account_id: 'nope',
        email: null,
        name: null,
        title: null,
        role: 'user',
        joined_at: null,
        left_at: null,
      })
      .execute();
    const r = await verifyStore(ctx);
    expect(r.ok).toBe(false);
    const failed = Object.fromEntries(r.checks.filter((c) => !c.ok).map((c) => [c.name, c.examples]));
    expect(failed['usage_daily.events = logins + feature/integration/custom counts (per month)']).toEqual([
      'a1 2025-01: events 99 vs 5',
    ]);
    expect(failed['contacts belong to known accounts']).toEqual(['orphan → nope']);
  });
});

describe('backup and restore (SQLite)', () => {
  it('an online backup restores every record', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-backup-'));
    const dbPath = join(dir, 'live.db');
    const store = await openStore({ url: dbPath });
    const ctx = contextForStore(store, { clock: fixedClock('2026-01-01T00:00:00Z') });
    await importFiles(ctx, { paths: [portfolio()] });
    const backup = join(dir, 'backup.db');
    const r = await backupStore(ctx, backup);
    expect(r.bytes).toBeGreaterThan(0);
    await expect(backupStore(ctx, backup)).rejects.toThrow(/exists/);
    // damage the live database's content, then restore
    await store.db.deleteFrom('usage_daily').execute();
    await store.db.deleteFrom('accounts').execute();
    await store.close();
    expect(restoreStore(dbPath, backup)).toMatchObject({ accounts: 2 });
    const again = await openStore({ url: dbPath });
    expect(await again.db.selectFrom('accounts').select('id').execute()).toHaveLength(2);
    expect(await again.db.selectFrom('usage_daily').select('day').execute()).toHaveLength(2);
    expect((await verifyStore(contextForStore(again))).ok).toBe(true);
    await again.close();
    writeFileSync(join(dir, 'junk.db'), 'not a database');
    expect(() => restoreStore(dbPath, join(dir, 'junk.db'))).toThrow(/not a SQLite database|damaged/);
    expect(existsSync(dbPath)).toBe(true);
  });
});
