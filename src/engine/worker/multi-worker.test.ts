import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../store/database.ts';
import { markDirty } from '../../store/queries/mark-dirty.ts';
import { createTestDatabase, TEST_PG_URL } from '../../store/test-stores.ts';
import { contextForStore } from '../context.ts';
import { importFiles } from '../import/import-files.ts';

const root = join(import.meta.dirname, '..', '..', '..');
const ACCOUNTS = 150;

// Three `vigil worker` processes share the rescoring of one PostgreSQL
// database; one is killed with SIGKILL mid-run. Every change must be
// processed, none twice except what the dead worker had claimed.
describe.skipIf(!TEST_PG_URL && process.env.CI !== 'true')('several workers on PostgreSQL', () => {
  // a copy of a migrated template database (src/store/test-stores.ts)
  let url = '';
  let drop = async () => {};
  let store: Store;
  const workers: { proc: ChildProcess; claims: string[]; name: string }[] = [];
  // a webhook receiver: every notification the workers deliver lands here with its delivery id
  const received: string[] = [];
  let receiver: Server;
  let webhookUrl = '';

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      received.push(String(req.headers['x-vigil-delivery']));
      req.resume();
      req.on('end', () => res.writeHead(200).end('ok'));
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    webhookUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`;
    ({ url, drop } = await createTestDatabase('vigil_mw'));
    store = await openStore({ url, poolSize: 4 });
    const dir = mkdtempSync(join(tmpdir(), 'vigil-mw-'));
    const ids = Array.from({ length: ACCOUNTS }, (_, i) => `m${i}`);
    writeFileSync(
      join(dir, 'accounts.csv'),
      `id,name,owner\n${ids.map((id) => `${id},Account ${id},csm-${id.length}`).join('\n')}\n`,
    );
    writeFileSync(
      join(dir, 'contracts.csv'),
      `id,account_id,start,end,arr,seats\n${ids.map((id) => `${id}-c,${id},2025-01-01,2027-12-31,10000,10`).join('\n')}\n`,
    );
    const usage = ['id,account_id,contact_id,type,time,key,count'];
    const day = new Date(Date.now() - 5 * 86_400_000).toISOString().slice(0, 10);
    ids.forEach((id, i) => {
      for (let k = 0; k < (i % 7) + 1; k++)
        usage.push(`${id}-u${k},${id},${id}-p${k},login,${day}T10:00:00.000Z,,1`);
    });
    writeFileSync(join(dir, 'usage-1.csv'), `${usage.join('\n')}\n`);
    await importFiles(contextForStore(store), { paths: [dir] });
  }, 120_000);

  afterAll(async () => {
    for (const w of workers) if (w.proc.exitCode === null && !w.proc.killed) w.proc.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    await store?.close();
    receiver?.close();
    await drop().catch(() => {});
  });

  it('shares the work, survives a SIGKILL, processes every change, and creates no duplicate tasks', async () => {
    expect((await store.db.selectFrom('dirty_accounts').select('account_id').execute()).length).toBe(
      ACCOUNTS,
    );
    for (const name of ['w1', 'w2', 'w3']) {
      const proc = spawn(
        process.execPath,
        [
          join(root, 'bin/vigil.js'),
          '--db',
          url,
          'worker',
          '--id',
          name,
          '--batch',
          '4',
          '--interval',
          '100',
          '--log-claims',
        ],
        {
          cwd: root,
          env: {
            ...process.env,
            VIGIL_WORKER_LEASE_SECONDS: '3',
            VIGIL_LOG_LEVEL: 'error',
            VIGIL_WEBHOOK_URL: webhookUrl,
          },
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      const w = { proc, claims: [] as string[], name };
      let rest = '';
      proc.stdout!.on('data', (b: Buffer) => {
        const lines = (rest + b.toString()).split('\n');
        rest = lines.pop() ?? '';
        for (const line of lines)
          if (line.startsWith('claimed ')) w.claims.push(...line.slice(8).trim().split(' ').filter(Boolean));
      });
      workers.push(w);
    }
    // kill the first worker as soon as it has claimed something
    const victim = workers[0]!;
    for (let i = 0; i < 400 && victim.claims.length === 0; i++) await new Promise((r) => setTimeout(r, 25));
    expect(victim.claims.length).toBeGreaterThan(0);
    victim.proc.kill('SIGKILL');
    // new changes arrive while the others work
    const lateMark = new Date().toISOString();
    await markDirty(store, ['m1', 'm2', 'm3'], lateMark);
    const deadline = Date.now() + 60_000;
    let left = -1;
    while (Date.now() < deadline) {
      left = (await store.db.selectFrom('dirty_accounts').select('account_id').execute()).length;
      if (left === 0) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(left).toBe(0);
    // every account has its score: nothing was lost with the killed worker
    expect((await store.db.selectFrom('current_scores').select('account_id').execute()).length).toBe(
      ACCOUNTS,
    );
    // no change was scored twice, except what the dead worker had claimed (its lease expired and was retaken)
    const survivors = workers.slice(1).flatMap((w) => w.claims);
    const dup = survivors.filter((c, i) => survivors.indexOf(c) !== i);
    expect(dup).toEqual([]);
    const victimAccounts = new Set(victim.claims.map((c) => c.split('@')[0]));
    const retaken = survivors.filter((c) => victimAccounts.has(c.split('@')[0]));
    expect(retaken.length).toBeGreaterThan(0);
    // the work was spread over the surviving workers
    expect(workers.slice(1).every((w) => w.claims.length > 0)).toBe(true);
    // no duplicate open tasks, whatever the playbooks fired
    const dupTasks = await store.db
      .selectFrom('tasks')
      .select(['dedupe_key', (eb) => eb.fn.countAll<number>().as('n')])
      .where('status', 'in', ['open', 'snoozed'])
      .groupBy('dedupe_key')
      .having((eb) => eb.fn.countAll(), '>', 1)
      .execute();
    expect(dupTasks).toEqual([]);
    // the ledger: one row per processed change, each account processed after its last mark
    const ledger = await store.db.selectFrom('worker_ledger').selectAll().execute();
    expect(new Set(ledger.map((l) => `${l.account_id}|${l.marked_at}|${l.version}`)).size).toBe(
      ledger.length,
    );
    expect(new Set(ledger.map((l) => l.account_id)).size).toBe(ACCOUNTS);
    for (const id of ['m1', 'm2', 'm3'])
      expect(ledger.some((l) => l.account_id === id && l.marked_at >= lateMark)).toBe(true);
    expect(await store.db.selectFrom('worker_baselines').selectAll().execute()).toEqual([]);
    // notifications: every outbox row delivered once (no row twice, no delivery id received twice)
    let pending = -1;
    for (let i = 0; i < 80; i++) {
      pending = (await store.db.selectFrom('outbox').select('id').where('status', '=', 'pending').execute())
        .length;
      if (pending === 0) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(pending).toBe(0);
    const delivered = await store.db
      .selectFrom('outbox')
      .select(['id', 'task_id', 'kind', 'target'])
      .where('status', '=', 'delivered')
      .where('kind', '=', 'webhook')
      .execute();
    expect(new Set(received).size).toBe(received.length);
    expect(received.length).toBe(delivered.length);
    const perTask = delivered.map((d) => `${d.task_id}|${d.kind}|${d.target}`);
    expect(new Set(perTask).size).toBe(perTask.length);
    console.log(
      `ledger ${ledger.length} changes for ${ACCOUNTS} accounts; webhooks delivered ${received.length} (distinct ${new Set(received).size}); claims per worker: ${workers.map((w) => `${w.name}${w === victim ? ' (killed)' : ''} ${w.claims.length}`).join(', ')}; retaken after the kill: ${retaken.length}`,
    );
  }, 120_000);
});
