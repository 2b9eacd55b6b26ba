import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SOURCES } from '../core/sources/data-sources.ts';
import { createApiKey } from '../engine/auth/api-keys.ts';
import { addUser } from '../engine/auth/users.ts';
import { contextForStore, type EngineContext, fixedClock } from '../engine/context.ts';
import { generateDemo } from '../engine/demo/generate-demo.ts';
import { importFiles } from '../engine/import/import-files.ts';
import type { SourcesReport } from '../engine/scoring/list-sources.ts';
import type { Store } from '../store/database.ts';
import { openTestStore, TEST_STORE_KINDS } from '../store/test-stores.ts';
import { createApp } from './app.ts';

const dir = mkdtempSync(join(tmpdir(), 'vigil-sources-'));
await generateDemo({ outDir: dir, accounts: 20, months: 6, seed: 5, endDate: '2026-06-10' });

/** The oracle: the demo's event files read directly, per source (no SQL). */
function fromFiles() {
  const out = new Map<string, { first: string; last: string; rows: number; accounts: Set<string> }>();
  for (const f of readdirSync(dir).filter((n) => n.startsWith('events-')))
    for (const line of readFileSync(join(dir, f), 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const e = JSON.parse(line) as {
        type: string;
        time?: string;
        timestamp?: string;
        account_id?: string;
        accountId?: string;
      };
      const source = Object.values(SOURCES).find((s) => s.eventTypes.includes(e.type))?.id;
      if (!source) continue;
      const day = String(e.time ?? e.timestamp).slice(0, 10);
      const acc = String(e.accountId ?? e.account_id);
      const x = out.get(source) ?? { first: day, last: day, rows: 0, accounts: new Set<string>() };
      if (day < x.first) x.first = day;
      if (day > x.last) x.last = day;
      x.rows++;
      x.accounts.add(acc);
      out.set(source, x);
    }
  return out;
}

describe.each(TEST_STORE_KINDS)('GET /v1/sources on %s', (kind) => {
  let store: Store;
  let ctx: EngineContext;
  let key: string;
  beforeAll(async () => {
    store = await openTestStore(kind);
    // scored 30 days after the data ends: the daily feeds are stale
    ctx = contextForStore(store, { clock: fixedClock('2026-07-10T12:00:00Z') });
    await importFiles(ctx, { paths: [dir] });
    await addUser(ctx, { id: 'root', role: 'admin', password: 'correct horse battery', actor: 'test' });
    key = (await createApiKey(ctx, { userId: 'root', scope: 'read', name: 't', actor: 'test' })).key;
  });
  afterAll(async () => {
    await store?.close();
  });

  it('lists each source with first/last event, rows and accounts as the files say, and flags stale feeds', async () => {
    const res = await createApp(ctx).request('/v1/sources', { headers: { authorization: `Bearer ${key}` } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as SourcesReport;
    const oracle = fromFiles();
    expect(oracle.size).toBeGreaterThan(5);
    for (const [id, x] of oracle) {
      const s = body.sources.find((r) => r.id === id)!;
      expect({
        id,
        first: s.firstEvent,
        last: s.lastEvent,
        rows: s.rows,
        accounts: s.accountsCovered,
      }).toEqual({
        id,
        first: x.first,
        last: x.last,
        rows: x.rows,
        accounts: x.accounts.size,
      });
    }
    const logins = body.sources.find((s) => s.id === 'logins')!;
    expect(logins.status).toBe('stale');
    expect(logins.signals.map((s) => s.id)).toContain('login-frequency');
    expect(body.warnings.some((w) => w.startsWith('Logins: no data for'))).toBe(true);
    // a source the demo never writes
    expect(body.sources.every((s) => s.status !== 'absent' || s.rows === 0)).toBe(true);
  });
});
