import { describe, expect, it } from 'vitest';
import { openStore } from '../store/database.ts';
import { loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('reads numbers from the environment and falls back to defaults', () => {
    const c = loadConfig({}, { VIGIL_SQLITE_CACHE_MB: '64', VIGIL_DATABASE_URL: ':memory:' });
    expect(c.sqliteCacheMb).toBe(64);
    expect(c.workerLeaseSeconds).toBe(60);
    expect(loadConfig({}, {}).sqliteCacheMb).toBe(256);
  });

  it('refuses a value that is not a positive number, naming the variable', () => {
    expect(() => loadConfig({}, { VIGIL_SQLITE_CACHE_MB: 'lots' })).toThrow(/VIGIL_SQLITE_CACHE_MB.*"lots"/);
    expect(() => loadConfig({}, { VIGIL_WORKER_LEASE_SECONDS: '-5' })).toThrow(/VIGIL_WORKER_LEASE_SECONDS/);
  });

  it('sizes the SQLite page cache as configured', async () => {
    const store = await openStore({ url: ':memory:', sqliteCacheMb: 32 });
    expect(store.sqlite!.pragma('cache_size', { simple: true })).toBe(-32 * 1024);
    await store.close();
  });
});
