import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../store/database.ts';
import { createTestDatabase, TEST_STORE_KINDS, type TestStoreKind } from '../../store/test-stores.ts';

// Issue 20 item 9: `vigil worker` and `vigil serve` stop within the drain bound on SIGTERM while a
// receiver hangs on a delivery backlog, and leave what was not delivered for the next start.
const root = join(import.meta.dirname, '..', '..', '..');
const BACKLOG = 20;
const DRAIN_SECONDS = 1;

let hung = 0;
let server: Server;
let url = '';
beforeAll(async () => {
  // a receiver that never answers (each request hangs until the client gives up)
  server = createServer((req) => {
    req.resume();
    hung++;
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

/** A fresh database (a SQLite file, or a new PostgreSQL database) holding a backlog of notifications. */
async function dbWithBacklog(kind: TestStoreKind): Promise<{ url: string; drop(): Promise<void> }> {
  let file = join(mkdtempSync(join(tmpdir(), 'vigil-drain-')), 'vigil.db');
  let drop = async () => {};
  if (kind === 'postgres') {
    // a copy of a migrated template database (src/store/test-stores.ts)
    const created = await createTestDatabase('vigil_drain');
    file = created.url;
    drop = () => created.drop().catch(() => {});
  }
  const store = await openStore({ url: file });
  const at = new Date().toISOString();
  await store.db
    .insertInto('outbox')
    .values(
      Array.from({ length: BACKLOG }, (_, i) => ({
        kind: 'webhook',
        target: url,
        payload: JSON.stringify({ text: `backlog ${i}` }),
        status: 'pending',
        attempts: 0,
        next_attempt_at: at,
        locked_by: null,
        locked_until: null,
        delivered_at: null,
        last_error: null,
        created_at: at,
        task_id: null,
      })),
    )
    .execute();
  await store.close();
  return { url: file, drop };
}

const exited = (p: ChildProcess) =>
  p.exitCode !== null || p.signalCode !== null
    ? Promise.resolve(p.exitCode)
    : new Promise<number | null>((r) => p.once('exit', (code) => r(code)));

const CASES = TEST_STORE_KINDS.flatMap((kind) => [
  ['worker', kind, ['worker', '--interval', '100']] as const,
  ['serve', kind, ['serve', '--port', '0']] as const,
]);

describe.each(CASES)('vigil %s on %s under SIGTERM with a hung delivery backlog', (name, kind, args) => {
  it(`exits within the drain bound (${DRAIN_SECONDS} s + start-up slack), nothing lost or left locked`, async () => {
    const { url: db, drop } = await dbWithBacklog(kind);
    const before = hung;
    const child = spawn(process.execPath, [join(root, 'bin/vigil.js'), '--db', db, ...args], {
      cwd: root,
      env: {
        ...process.env,
        VIGIL_WEBHOOK_ALLOW: '127.0.0.1',
        VIGIL_WEBHOOK_SECRET: 'drain-test',
        VIGIL_SHUTDOWN_DRAIN_SECONDS: String(DRAIN_SECONDS),
        VIGIL_DELIVERY_CONCURRENCY: '4',
        VIGIL_ADMIN_PASSWORD: 'drain-test-password-1',
        VIGIL_LOG_LEVEL: 'error',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      // deliveries are in flight (hanging at the receiver)
      for (let i = 0; i < 300 && hung - before < 4; i++) await new Promise((r) => setTimeout(r, 50));
      expect(hung - before).toBeGreaterThanOrEqual(4);
      const t0 = performance.now();
      child.kill('SIGTERM');
      const code = await Promise.race([
        exited(child),
        new Promise((r) => setTimeout(() => r('timeout'), 15_000)),
      ]);
      const ms = performance.now() - t0;
      console.log(
        `vigil ${name} (${kind}): SIGTERM → exit ${String(code)} in ${ms.toFixed(0)} ms (drain ${DRAIN_SECONDS} s)`,
      );
      expect(code).toBe(0);
      expect(ms).toBeLessThan(DRAIN_SECONDS * 1000 + 3000);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    const store = await openStore({ url: db });
    try {
      const rows = await store.db.selectFrom('outbox').select(['status', 'locked_by', 'attempts']).execute();
      expect(rows).toHaveLength(BACKLOG);
      // given back unsent: still pending, unlocked, the cut attempt not counted
      expect(
        rows.every((r) => r.status === 'pending' && r.locked_by === null && Number(r.attempts) === 0),
      ).toBe(true);
    } finally {
      await store.close();
      await drop();
    }
  }, 90_000);
});
