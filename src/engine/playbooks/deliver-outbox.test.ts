import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Playbook, playbookSchema } from '../../core/playbooks/playbook-schema.ts';
import { makeScoreResult } from '../../core/playbooks/playbook-test-fixtures.ts';
import { openStore, type Store } from '../../store/database.ts';
import { openTestStore, TEST_STORE_KINDS } from '../../store/test-stores.ts';
import { type Clock, contextForStore, type EngineContext } from '../context.ts';
import { deliverOutbox } from './deliver-outbox.ts';
import { runPlaybooks } from './run-playbooks.ts';
import { seedPlaybookFixtures } from './seed-playbook-fixtures.ts';
import { closeEmailTransports } from './send-email.ts';
import { verifyWebhookSignature } from './sign-webhook.ts';

const SECRET = 'test-secret-123';
type Received = { headers: IncomingMessage['headers']; body: string };

/** A real local webhook receiver; `respond` decides each status code. */
function startReceiver(respond: (n: number) => number | 'hang') {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      const status = respond(received.length);
      if (status === 'hang') return;
      res.writeHead(status).end();
    });
  });
  return new Promise<{ url: string; received: Received[]; close: () => Promise<void> }>((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}/hook`,
        received,
        close: () =>
          new Promise((r) => {
            server.closeAllConnections();
            server.close(() => r());
          }),
      });
    }),
  );
}

const notifyPlay = (channel: 'webhook' | 'email', target: string): Playbook =>
  playbookSchema.parse({
    id: 'crit',
    name: 'Critical',
    trigger: { type: 'band_entered', band: 'critical' },
    actions: [
      { type: 'create_task', title: 'Save {{account.name}}', dueInDays: 2 },
      { type: 'notify', channel, target },
    ],
  });

describe.each(TEST_STORE_KINDS)('outbox delivery on %s', (kind) => {
  let store: Store;
  let ctx: EngineContext;
  let now = '2025-06-01T10:00:00.000Z';
  const clock: Clock = { now: () => new Date(now) };
  let ids: string[];
  beforeEach(async () => {
    now = '2025-06-01T10:00:00.000Z';
    store = await openTestStore(kind);
    ctx = contextForStore(store, { clock });
    ids = await seedPlaybookFixtures(store, { accounts: 3 });
  });
  afterEach(async () => {
    await store.close();
  });
  const enqueue = (url: string, accounts = 1) =>
    runPlaybooks(
      ctx,
      ids.slice(0, accounts).map((id) => ({
        accountId: id,
        owner: 'csm-1',
        previous: { score: 60, band: 'at-risk' as const },
        current: makeScoreResult(id, 30, 'critical'),
      })),
      { playbooks: [notifyPlay('webhook', url)], settings: { dailyBudgetPerOwner: null } },
    );
  const settings = { webhookSecret: SECRET, backoffSeconds: 30, maxAttempts: 3, leaseSeconds: 60 };

  it('delivers a signed, Slack-compatible webhook; retries after a 500 with backoff; logs every attempt', async () => {
    const rx = await startReceiver((n) => (n === 1 ? 500 : 200));
    try {
      await enqueue(rx.url);
      const first = await deliverOutbox(ctx, { workerId: 'w1', settings });
      expect(first).toMatchObject({ claimed: 1, delivered: 0, retried: 1 });
      // not due yet: the backoff holds it
      now = '2025-06-01T10:00:20.000Z';
      expect((await deliverOutbox(ctx, { workerId: 'w1', settings })).claimed).toBe(0);
      now = '2025-06-01T10:00:31.000Z';
      expect(await deliverOutbox(ctx, { workerId: 'w1', settings })).toMatchObject({
        claimed: 1,
        delivered: 1,
      });
      expect(rx.received).toHaveLength(2);
      for (const r of rx.received) {
        expect(verifyWebhookSignature(SECRET, r.body, r.headers['x-vigil-signature'] as string)).toBe(true);
        expect(verifyWebhookSignature('wrong', r.body, r.headers['x-vigil-signature'] as string)).toBe(false);
        expect(r.headers['x-vigil-delivery']).toBe(rx.received[0]!.headers['x-vigil-delivery']);
      }
      const last = rx.received[1]!;
      expect(last.headers['x-vigil-timestamp']).toBe(String(Date.parse(now) / 1000));
      const body = JSON.parse(last.body);
      expect(body.text).toContain('is critical (30)');
      expect(body.blocks[0].type).toBe('section');
      expect(body.vigil).toMatchObject({ event: 'playbook.fired', account: { id: ids[0] } });
      expect(body.sentAt).toBe(now);
      // a tampered body fails verification
      expect(
        verifyWebhookSignature(
          SECRET,
          last.body.replace('critical', 'healthy'),
          last.headers['x-vigil-signature'] as string,
        ),
      ).toBe(false);
      const log = await store.db.selectFrom('deliveries').selectAll().orderBy('id').execute();
      expect(log.map((l) => [l.attempt, l.ok, l.status_code])).toEqual([
        [1, 0, 500],
        [2, 1, 200],
      ]);
      const row = await store.db.selectFrom('outbox').selectAll().executeTakeFirstOrThrow();
      expect(row).toMatchObject({ status: 'delivered', attempts: 2, locked_by: null });
      // a delivered row is never sent again
      now = '2025-06-02T10:00:00.000Z';
      expect((await deliverOutbox(ctx, { workerId: 'w2', settings })).claimed).toBe(0);
      expect(rx.received).toHaveLength(2);
    } finally {
      await rx.close();
    }
  });

  it('gives up after maxAttempts and marks the row dead; unreachable hosts count as failures', async () => {
    const rx = await startReceiver(() => 503);
    await enqueue(rx.url);
    await rx.close();
    for (let i = 0; i < 3; i++) {
      const r = await deliverOutbox(ctx, { workerId: 'w1', settings });
      expect(r.claimed).toBe(1);
      now = new Date(Date.parse(now) + 3600_000).toISOString();
    }
    const row = await store.db.selectFrom('outbox').selectAll().executeTakeFirstOrThrow();
    expect(row.status).toBe('dead');
    expect(row.last_error).toBeTruthy();
    expect((await deliverOutbox(ctx, { workerId: 'w1', settings })).claimed).toBe(0);
  });

  it('a row claimed by a worker that died is redelivered after its lease expires, once', async () => {
    const rx = await startReceiver(() => 200);
    try {
      await enqueue(rx.url);
      // worker "dead" claimed the row and vanished
      await store.db
        .updateTable('outbox')
        .set({ locked_by: 'dead', locked_until: '2025-06-01T10:01:00.000Z', attempts: 1 })
        .execute();
      expect((await deliverOutbox(ctx, { workerId: 'w2', settings })).claimed).toBe(0);
      now = '2025-06-01T10:01:01.000Z';
      expect(await deliverOutbox(ctx, { workerId: 'w2', settings })).toMatchObject({
        claimed: 1,
        delivered: 1,
      });
      now = '2025-06-01T12:00:00.000Z';
      expect((await deliverOutbox(ctx, { workerId: 'w3', settings })).claimed).toBe(0);
      expect(rx.received).toHaveLength(1);
    } finally {
      await rx.close();
    }
  });

  it('a worker that lost its lease does not overwrite the new owner', async () => {
    const rx = await startReceiver(() => 200);
    try {
      await enqueue(rx.url);
      const r = await deliverOutbox(ctx, { workerId: 'w1', settings, limit: 0 });
      expect(r.claimed).toBe(0);
      await store.db
        .updateTable('outbox')
        .set({ locked_by: 'other', locked_until: '2025-06-01T11:00:00.000Z' })
        .execute();
      // simulate w1 finishing late: its guarded update must not match
      const res = await store.db
        .updateTable('outbox')
        .set({ status: 'delivered' })
        .where('locked_by', '=', 'w1')
        .executeTakeFirst();
      expect(Number(res.numUpdatedRows)).toBe(0);
    } finally {
      await rx.close();
    }
  });

  it('concurrent workers take disjoint rows: each notification is delivered exactly once', async () => {
    const rx = await startReceiver(() => 200);
    try {
      await enqueue(rx.url, 3);
      const reports = await Promise.all(
        ['w1', 'w2', 'w3', 'w4'].map((w) => deliverOutbox(ctx, { workerId: w, settings, limit: 2 })),
      );
      expect(reports.reduce((s, r) => s + r.delivered, 0)).toBe(3);
      const ids = rx.received.map((r) => r.headers['x-vigil-delivery']);
      expect(new Set(ids).size).toBe(3);
      expect(ids).toHaveLength(3);
    } finally {
      await rx.close();
    }
  });
});

describe('email delivery through a real SMTP server', () => {
  let smtp: SMTPServer;
  let port = 0;
  const mails: { from: string; to: string[]; data: string }[] = [];
  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, session, cb) {
        let data = '';
        stream.on('data', (c: Buffer) => {
          data += c.toString();
        });
        stream.on('end', () => {
          mails.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            data,
          });
          cb();
        });
      },
    });
    await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', () => r()));
    port = (smtp.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    closeEmailTransports();
    await new Promise<void>((r) => smtp.close(() => r()));
  });

  it('sends the manager an e-mail for an escalation, once', async () => {
    const store = await openTestStore('sqlite');
    try {
      const ctx = contextForStore(store, { clock: { now: () => new Date('2025-06-01T10:00:00.000Z') } });
      const [id] = await seedPlaybookFixtures(store, { accounts: 1 });
      await runPlaybooks(
        ctx,
        [{ accountId: id!, owner: 'csm-1', previous: null, current: makeScoreResult(id!, 30, 'critical') }],
        {
          playbooks: [notifyPlay('email', 'manager')],
          settings: { dailyBudgetPerOwner: null, smtpUrl: 'smtp://x' },
        },
      );
      const settings = { smtpUrl: `smtp://127.0.0.1:${port}`, mailFrom: 'vigil@example.test' };
      expect(await deliverOutbox(ctx, { workerId: 'w1', settings })).toMatchObject({ delivered: 1 });
      expect(await deliverOutbox(ctx, { workerId: 'w1', settings })).toMatchObject({ claimed: 0 });
      expect(mails).toHaveLength(1);
      expect(mails[0]?.to).toEqual(['mgr@example.test']);
      expect(mails[0]?.data).toContain('Subject: [Vigil] Critical: Account acc-00000 (critical, 30)');
      expect(mails[0]?.data).toMatch(/X-Vigil-Delivery: \d+/);
    } finally {
      await store.close();
    }
  });

  it('an SMTP failure is retried, not lost', async () => {
    const store = await openTestStore('sqlite');
    try {
      let now = '2025-06-01T10:00:00.000Z';
      const ctx = contextForStore(store, { clock: { now: () => new Date(now) } });
      const [id] = await seedPlaybookFixtures(store, { accounts: 1 });
      await runPlaybooks(
        ctx,
        [{ accountId: id!, owner: 'csm-1', previous: null, current: makeScoreResult(id!, 30, 'critical') }],
        {
          playbooks: [notifyPlay('email', 'owner')],
          settings: { dailyBudgetPerOwner: null, smtpUrl: 'smtp://x' },
        },
      );
      const down = await deliverOutbox(ctx, { workerId: 'w1', settings: { smtpUrl: 'smtp://127.0.0.1:1' } });
      expect(down).toMatchObject({ claimed: 1, retried: 1 });
      now = '2025-06-01T11:00:00.000Z';
      const before = mails.length;
      const up = await deliverOutbox(ctx, {
        workerId: 'w1',
        settings: { smtpUrl: `smtp://127.0.0.1:${port}` },
      });
      expect(up.delivered).toBe(1);
      expect(mails.length).toBe(before + 1);
      expect(mails.at(-1)?.to).toEqual(['csm1@example.test']);
    } finally {
      await store.close();
    }
  });
});

// An SMTP server that accepts the connection and never says a word (no greeting): before the bound,
// a delivery pass waited on it for nodemailer's two-minute default and a stopping worker hung with it.
describe('a silent SMTP server costs one timeout, and shutdown does not wait for it', () => {
  const sockets = new Set<import('node:net').Socket>();
  const silent = createNetServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  let port = 0;
  beforeAll(async () => {
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    port = (silent.address() as AddressInfo).port;
  });
  afterAll(async () => {
    closeEmailTransports();
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => silent.close(() => r()));
  });

  async function queuedEmail() {
    const store = await openTestStore('sqlite');
    const ctx = contextForStore(store, { clock: { now: () => new Date('2025-06-01T10:00:00.000Z') } });
    const [id] = await seedPlaybookFixtures(store, { accounts: 1 });
    await runPlaybooks(
      ctx,
      [{ accountId: id!, owner: 'csm-1', previous: null, current: makeScoreResult(id!, 30, 'critical') }],
      {
        playbooks: [notifyPlay('email', 'owner')],
        settings: { dailyBudgetPerOwner: null, smtpUrl: 'smtp://x' },
      },
    );
    return { store, ctx };
  }

  it('records a retry after the timeout instead of hanging', async () => {
    const { store, ctx } = await queuedEmail();
    try {
      const t0 = Date.now();
      const r = await deliverOutbox(ctx, {
        workerId: 'w1',
        timeoutMs: 300,
        settings: { smtpUrl: `smtp://127.0.0.1:${port}` },
      });
      expect(r).toMatchObject({ claimed: 1, retried: 1, delivered: 0 });
      expect(Date.now() - t0).toBeLessThan(60_000); // nodemailer's own default would wait 120 s
      const [attempt] = await store.db.selectFrom('deliveries').selectAll().execute();
      expect(attempt?.ok ? 'ok' : attempt?.error).toMatch(/SMTP: no answer in 300 ms|timeout/i);
    } finally {
      await store.close();
    }
  });

  it('a stopping worker gives the row back unsent, the attempt not counted', async () => {
    const { store, ctx } = await queuedEmail();
    try {
      const stop = new AbortController();
      setTimeout(() => stop.abort(), 200);
      const r = await deliverOutbox(ctx, {
        workerId: 'w1',
        timeoutMs: 30_000,
        signal: stop.signal,
        settings: { smtpUrl: `smtp://127.0.0.1:${port}` },
      });
      expect(r).toMatchObject({ claimed: 1, released: 1, retried: 0, delivered: 0 });
    } finally {
      await store.close();
    }
  });
});

// A process killed right after the task and its notification were committed
// (before any delivery) loses nothing: the restarted worker delivers once. A
// worker killed mid-delivery leaves a leased row that is redelivered with the
// same delivery id after the lease, so a receiver can drop the duplicate.
describe('crash between task creation and delivery', () => {
  const root = join(import.meta.dirname, '..', '..', '..');
  const runTs = (file: string, env: Record<string, string>): ChildProcess =>
    spawn(process.execPath, [join(root, 'bin/run-ts.js'), file], {
      cwd: root,
      stdio: 'pipe',
      env: { ...process.env, ...env },
    });
  const exited = (p: ChildProcess) => {
    let err = '';
    p.stderr?.on('data', (c) => {
      err += c;
    });
    return new Promise<string | null>((res) =>
      p.on('exit', (code, sig) => res(sig ?? `exit ${code}: ${err}`)),
    );
  };

  it('delivers exactly once after a SIGKILL before delivery, and redelivers with the same id after a SIGKILL mid-delivery', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-outbox-crash-'));
    const db = join(dir, 'v.db');
    const seed = await openStore({ url: db });
    const [id] = await seedPlaybookFixtures(seed, { accounts: 1 });
    await seed.close();
    let child: ChildProcess | null = null;
    const rx = await startReceiver((n) => {
      if (n === 1) {
        child?.kill('SIGKILL');
        return 'hang';
      }
      return 200;
    });
    try {
      const src = (p: string) => JSON.stringify(join(root, p));
      // 1. create the task + outbox row, then die before delivering
      const create = join(dir, 'create.mts');
      writeFileSync(
        create,
        `import { openStore } from ${src('src/store/database.ts')};
import { contextForStore } from ${src('src/engine/context.ts')};
import { runPlaybooks } from ${src('src/engine/playbooks/run-playbooks.ts')};
import { makeScoreResult } from ${src('src/core/playbooks/playbook-test-fixtures.ts')};
const store = await openStore({ url: ${JSON.stringify(db)} });
const ctx = contextForStore(store);
const r = await runPlaybooks(ctx, [{ accountId: ${JSON.stringify(id)}, owner: 'csm-1', previous: null, current: makeScoreResult(${JSON.stringify(id)}, 30, 'critical') }], { settings: { defaultWebhookUrl: ${JSON.stringify(rx.url)}, dailyBudgetPerOwner: null } });
if (r.notificationsQueued < 1) process.exit(3);
process.kill(process.pid, 'SIGKILL');
`,
      );
      expect(await exited(runTs(create, {}))).toBe('SIGKILL');
      // 2. a worker that dies while the receiver holds the request
      const deliver = join(dir, 'deliver.mts');
      writeFileSync(
        deliver,
        `import { openStore } from ${src('src/store/database.ts')};
import { contextForStore } from ${src('src/engine/context.ts')};
import { deliverOutbox } from ${src('src/engine/playbooks/deliver-outbox.ts')};
const store = await openStore({ url: ${JSON.stringify(db)} });
await deliverOutbox(contextForStore(store), { workerId: 'doomed', settings: { webhookSecret: 's', leaseSeconds: 60 } });
`,
      );
      child = runTs(deliver, {});
      expect(await exited(child)).toBe('SIGKILL');
      expect(rx.received).toHaveLength(1);

      const store = await openStore({ url: db });
      try {
        const tasks = await store.db.selectFrom('tasks').select('id').execute();
        expect(tasks).toHaveLength(2); // escalation + the save plan it enrolls
        const row = await store.db
          .selectFrom('outbox')
          .selectAll()
          .where('kind', '=', 'webhook')
          .executeTakeFirstOrThrow();
        expect(row).toMatchObject({ status: 'pending', locked_by: 'doomed' });
        // restart: while the dead worker's lease holds nothing is sent; after it, once
        const at = (iso: string) => contextForStore(store, { clock: { now: () => new Date(iso) } });
        const leaseEnd = Date.parse(row.locked_until!);
        expect(
          (
            await deliverOutbox(at(new Date(leaseEnd - 1000).toISOString()), {
              workerId: 'w2',
              settings: { webhookSecret: 's' },
            })
          ).claimed,
        ).toBe(0);
        const later = at(new Date(leaseEnd + 1000).toISOString());
        expect(
          await deliverOutbox(later, { workerId: 'w2', settings: { webhookSecret: 's' } }),
        ).toMatchObject({ delivered: 1 });
        expect(
          (await deliverOutbox(later, { workerId: 'w3', settings: { webhookSecret: 's' } })).claimed,
        ).toBe(0);
        expect(rx.received).toHaveLength(2);
        expect(rx.received[1]!.headers['x-vigil-delivery']).toBe(rx.received[0]!.headers['x-vigil-delivery']);
        expect(
          verifyWebhookSignature(
            's',
            rx.received[1]!.body,
            rx.received[1]!.headers['x-vigil-signature'] as string,
          ),
        ).toBe(true);
      } finally {
        await store.close();
      }
    } finally {
      await rx.close();
    }
  }, 30_000);
});
