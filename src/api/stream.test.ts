import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runWorkerRound } from '../engine/worker/run-worker.ts';
import { type ApiFixture, openApiFixture } from './api-test-fixture.ts';

type Reader = {
  events: { event: string; data: Record<string, unknown> }[];
  stop(): void;
  until(pred: () => boolean, ms: number): Promise<boolean>;
};

/** Opens /v1/stream as a user (no network: app.request) and collects its events. */
async function subscribe(f: ApiFixture, user: string): Promise<Reader> {
  const client = await f.as(user);
  const controller = new AbortController();
  const res = await client.request('/v1/stream', { signal: controller.signal });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const events: Reader['events'] = [];
  let buffer = '';
  void (async () => {
    for (;;) {
      const r = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (r.done) break;
      buffer += decoder.decode(r.value);
      let i = buffer.indexOf('\n\n');
      while (i >= 0) {
        const block = buffer.slice(0, i);
        buffer = buffer.slice(i + 2);
        const event = /^event: (.+)$/m.exec(block)?.[1] ?? 'message';
        const data = /^data: (.+)$/m.exec(block)?.[1] ?? '{}';
        events.push({ event, data: JSON.parse(data) as Record<string, unknown> });
        i = buffer.indexOf('\n\n');
      }
    }
  })();
  return {
    events,
    stop: () => controller.abort(),
    async until(pred, ms) {
      const deadline = Date.now() + ms;
      while (Date.now() < deadline) {
        if (pred()) return true;
        await new Promise((r) => setTimeout(r, 10));
      }
      return pred();
    },
  };
}

describe('live stream visibility', () => {
  let f: ApiFixture;
  beforeAll(async () => {
    f = await openApiFixture('sqlite', { accounts: 15, app: { stream: { flushMs: 5 } } });
  }, 60_000);
  afterAll(async () => {
    await f?.close();
  });

  it('delivers a score change to the owner, their manager and an admin, and not to another CSM', async () => {
    const owner = await subscribe(f, 'csm-a');
    const manager = await subscribe(f, 'mgr-1');
    const admin = await subscribe(f, 'root');
    const other = await subscribe(f, 'csm-c');
    for (const r of [owner, manager, admin, other])
      expect(await r.until(() => r.events.some((e) => e.event === 'ready'), 1000)).toBe(true);
    const account = f.owned.get('csm-a')![0]!;
    const otherAccount = f.owned.get('csm-c')![0]!;
    const csm = await f.as('csm-a');
    const note = await csm.send('POST', `/v1/accounts/${account}/notes`, {
      text: 'Champion left; new VP is evaluating a competitor and cutting budget.',
      sentiment: 'red',
    });
    expect(note.status).toBe(201);
    const round = await runWorkerRound(f.ctx, { workerId: 'test', deliver: false });
    expect(round.changes).toBe(1);
    const got = (r: Reader) =>
      r.events.some((e) => e.event === 'score-changed' && e.data.accountId === account);
    expect(await owner.until(() => got(owner), 2000)).toBe(true);
    expect(await manager.until(() => got(manager), 2000)).toBe(true);
    expect(await admin.until(() => got(admin), 2000)).toBe(true);
    // give the other CSM's stream the same time; it must stay silent about csm-a's account
    await new Promise((r) => setTimeout(r, 100));
    expect(other.events.filter((e) => e.event !== 'ready' && e.event !== 'ping')).toEqual([]);
    // and the other CSM does hear about their own account
    const own = await (await f.as('csm-c')).send('POST', `/v1/accounts/${otherAccount}/notes`, {
      text: 'Outage anger; the sponsor asked for a cancellation quote.',
      sentiment: 'red',
    });
    expect(own.status).toBe(201);
    expect((await runWorkerRound(f.ctx, { workerId: 'test', deliver: false })).changes).toBe(1);
    const seenOwn = await other.until(
      () => other.events.some((e) => e.data.accountId === otherAccount),
      2000,
    );
    expect(seenOwn).toBe(true);
    expect(other.events.some((e) => e.data.accountId === account)).toBe(false);
    expect(owner.events.some((e) => e.data.accountId === otherAccount)).toBe(false);
    for (const r of [owner, manager, admin, other]) r.stop();
  });

  it('announces a task a playbook created as task-created, and a reopened task only as task-changed', async () => {
    const owner = await subscribe(f, 'csm-a');
    const other = await subscribe(f, 'csm-c');
    for (const r of [owner, other])
      expect(await r.until(() => r.events.some((e) => e.event === 'ready'), 1000)).toBe(true);
    const account = f.owned.get('csm-a')![0]!;
    const base = { accountId: account, owner: 'csm-a', status: 'open', title: 'Call the new VP' };
    f.ctx.bus.emit('task-changed', { ...base, taskId: 901, created: true });
    f.ctx.bus.emit('task-changed', { ...base, taskId: 902 }); // e.g. a snoozed task that reopened
    const seen = (id: number, event: string) =>
      owner.events.some((e) => e.event === event && e.data.taskId === id);
    expect(await owner.until(() => seen(901, 'task-created') && seen(902, 'task-changed'), 2000)).toBe(true);
    expect(seen(902, 'task-created')).toBe(false);
    expect(other.events.some((e) => e.data.accountId === account)).toBe(false);
    for (const r of [owner, other]) r.stop();
  });

  it('refuses the stream without a login', async () => {
    const r = await f.anonymous.get('/v1/stream');
    expect(r.status).toBe(401);
  });
});
