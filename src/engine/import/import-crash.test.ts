import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../store/database.ts';
import { contextForStore } from '../context.ts';
import { verifyStore } from '../maintenance/verify-store.ts';

const root = join(import.meta.dirname, '..', '..', '..');

function vigil(args: string[]): ChildProcess {
  return spawn(process.execPath, [join(root, 'bin/vigil.js'), ...args], { cwd: root, stdio: 'pipe' });
}
const exited = (p: ChildProcess) => new Promise<number | null>((res) => p.on('exit', (code) => res(code)));

// A file import killed with SIGKILL midway leaves nothing half-applied, and
// running it again completes it with no duplicates.
describe('an import killed midway', () => {
  it('is all-or-nothing per file and can be re-run to completion', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-crash-'));
    const db = join(dir, 'v.db');
    const data = join(dir, 'data');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(data);
    const accounts = Array.from({ length: 200 }, (_, i) => `a${i},Account ${i}`).join('\n');
    writeFileSync(join(data, 'accounts.csv'), `id,name\n${accounts}\n`);
    const N = 400_000;
    const lines: string[] = ['id,account_id,contact_id,type,time,key,count'];
    for (let i = 0; i < N; i++) {
      const day = String(1 + (i % 28)).padStart(2, '0');
      lines.push(`u${i},a${i % 200},c${i % 7},feature_used,2025-03-${day}T10:00:00.000Z,f${i % 5},1`);
    }
    writeFileSync(join(data, 'usage-big.csv'), `${lines.join('\n')}\n`);

    // first run: wait until the accounts file has landed, then kill mid-usage
    const first = vigil(['--db', db, 'import', data]);
    const code = exited(first);
    let landed = false;
    for (let i = 0; i < 200 && !landed; i++) {
      await new Promise((r) => setTimeout(r, 50));
      try {
        const s = await openStore({ url: db, migrate: false });
        const rows = await s.db.selectFrom('imports').select('kind').where('status', '=', 'done').execute();
        await s.close();
        landed = rows.some((r) => r.kind === 'accounts');
      } catch {
        // the database may not exist yet
      }
    }
    expect(landed).toBe(true);
    first.kill('SIGKILL');
    expect(await code).toBe(null);

    const store = await openStore({ url: db });
    const usageAfterKill = await store.db.selectFrom('usage_daily').select('events').execute();
    expect(usageAfterKill).toHaveLength(0); // nothing of the killed file is visible
    expect((await verifyStore(contextForStore(store))).ok).toBe(true);
    await store.close();

    const second = vigil(['--db', db, 'import', data]);
    expect(await exited(second)).toBe(0);
    const again = await openStore({ url: db });
    const total = await again.db
      .selectFrom('usage_daily')
      .select((eb) => eb.fn.sum<number>('events').as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(total.n)).toBe(N);
    const imports = await again.db.selectFrom('imports').select(['kind', 'status']).execute();
    expect(imports.filter((i) => i.kind === 'usage')).toEqual([{ kind: 'usage', status: 'done' }]);
    expect((await verifyStore(contextForStore(again))).ok).toBe(true);
    await again.close();
  }, 90_000);
});
