import { describe, expect, it } from 'vitest';
import { openTestStore, TEST_STORE_KINDS } from './test-stores.ts';

describe.each(TEST_STORE_KINDS)('store capabilities (%s)', (kind) => {
  it('singleProcess: only embedded SQLite lets a starting server interrupt jobs left running', async () => {
    const store = await openTestStore(kind);
    try {
      expect(store.capabilities.singleProcess).toBe(kind === 'sqlite');
    } finally {
      await store.close();
    }
  });

  it('meta.getOrInsert keeps the first value: concurrent first calls agree, later calls do not overwrite', async () => {
    const store = await openTestStore(kind);
    try {
      const [a, b] = await Promise.all([
        store.meta.getOrInsert('probe', () => 'first'),
        store.meta.getOrInsert('probe', () => 'second'),
      ]);
      expect(a).toBe(b);
      expect(['first', 'second']).toContain(a);
      expect(await store.meta.getOrInsert('probe', () => 'third')).toBe(a);
    } finally {
      await store.close();
    }
  });
});
