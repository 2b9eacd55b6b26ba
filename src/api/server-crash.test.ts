import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contextForStore } from '../engine/context.ts';
import { importFiles } from '../engine/import/import-files.ts';
import { verifyStore } from '../engine/maintenance/verify-store.ts';
import { openStore } from '../store/database.ts';

const root = join(import.meta.dirname, '..', '..');
const PASSWORD = 'crash-test-password-1';

function serve(db: string, port: number): ChildProcess {
  return spawn(
    process.execPath,
    [join(root, 'bin/vigil.js'), '--db', db, 'serve', '--port', String(port), '--no-worker'],
    {
      cwd: root,
      env: { ...process.env, VIGIL_ADMIN_PASSWORD: PASSWORD, VIGIL_LOG_LEVEL: 'error' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
}

/** Resolves when the process has exited, also if it already has. */
const exited = (p: ChildProcess) =>
  p.exitCode !== null || p.signalCode !== null ? Promise.resolve() : new Promise((r) => p.once('exit', r));

async function ready(url: string) {
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('server did not start');
}

async function login(url: string): Promise<{ cookie: string; csrf: string }> {
  const res = await fetch(`${url}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: PASSWORD }),
  });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { csrf: string };
  return { cookie: (res.headers.get('set-cookie') ?? '').split(';')[0]!, csrf: body.csrf };
}

// The server is SIGKILLed while clients post event batches. After a restart,
// every batch the server acknowledged is there, exactly once, and no batch is
// half there.
describe('a server killed during HTTP ingestion', () => {
  it('keeps every acknowledged event exactly once and never half a batch', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-srv-crash-'));
    const db = join(dir, 'v.db');
    writeFileSync(
      join(dir, 'accounts.csv'),
      `id,name\n${Array.from({ length: 20 }, (_, i) => `s${i},Server ${i}`).join('\n')}\n`,
    );
    const seed = await openStore({ url: db });
    await importFiles(contextForStore(seed), { paths: [join(dir, 'accounts.csv')] });
    await seed.close();

    const port = 38_000 + Math.floor(Math.random() * 1000);
    const url = `http://127.0.0.1:${port}`;
    let server = serve(db, port);
    await ready(url);
    const auth = await login(url);
    const time = new Date(Date.now() - 3600_000).toISOString();
    const batch = (b: number) =>
      Array.from({ length: 500 }, (_, i) => ({
        id: `b${b}-e${i}`,
        accountId: `s${i % 20}`,
        type: i % 2 ? 'login' : 'csm_note',
        time,
        properties: i % 2 ? { count: 1 } : { text: `note ${b}-${i}` },
      }));
    const acked: number[] = [];
    const sent: number[] = [];
    let killed = false;
    const post = async (b: number) => {
      sent.push(b);
      try {
        const res = await fetch(`${url}/v1/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', cookie: auth.cookie, 'x-vigil-csrf': auth.csrf },
          body: JSON.stringify({ events: batch(b) }),
        });
        if (res.status === 200) acked.push(b);
        else if (acked.length === 0 && sent.length < 4)
          console.log('status', res.status, (await res.text()).slice(0, 300));
      } catch {
        // the server died under this request: not acknowledged
      }
    };
    const clients = [0, 1, 2].map(async (c) => {
      for (let b = c; b < 300 && !killed; b += 3) await post(b);
    });
    for (let i = 0; i < 300 && acked.length < 6; i++) await new Promise((r) => setTimeout(r, 20));
    expect(acked.length).toBeGreaterThanOrEqual(6);
    server.kill('SIGKILL');
    killed = true;
    await Promise.all(clients);
    await exited(server);

    server = serve(db, port);
    await ready(url);
    server.kill('SIGTERM');
    await exited(server);

    const store = await openStore({ url: db });
    const notes = await store.db.selectFrom('events').select('id').execute();
    const byBatch = new Map<number, number>();
    for (const n of notes) {
      const b = Number(n.id.slice(1, n.id.indexOf('-')));
      byBatch.set(b, (byBatch.get(b) ?? 0) + 1);
    }
    // every acknowledged batch: all 250 notes present; any other batch: all or nothing
    for (const b of acked) expect(byBatch.get(b)).toBe(250);
    for (const [b, count] of byBatch) expect([0, 250], `batch ${b}`).toContain(count);
    // usage from the same batches: one login per usage event id, no double counting
    const logins = await store.db
      .selectFrom('usage_daily')
      .select((eb) => eb.fn.sum<number>('logins').as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(logins.n)).toBe(byBatch.size * 250);
    expect((await verifyStore(contextForStore(store))).ok).toBe(true);
    await store.close();
    console.log(
      `batches sent ${sent.length}, acknowledged ${acked.length}, stored ${byBatch.size} (the in-flight ones may land whole or not at all)`,
    );
  }, 120_000);
});
