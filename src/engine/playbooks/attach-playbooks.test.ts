import { mkdtempSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../store/database.ts';
import { markDirty } from '../../store/queries/mark-dirty.ts';
import { openTestStore } from '../../store/test-stores.ts';
import { contextForStore, type EngineContext, fixedClock } from '../context.ts';
import { generateDemo } from '../demo/generate-demo.ts';
import { importFiles } from '../import/import-files.ts';
import { recomputeScores } from '../scoring/recompute-scores.ts';
import { attachPlaybooks } from './attach-playbooks.ts';
import { importPlaybooks } from './import-playbooks.ts';
import { listTasks } from './list-tasks.ts';
import { verifyWebhookSignature } from './sign-webhook.ts';

const SECRET = 'e2e-secret';
const demo = mkdtempSync(join(tmpdir(), 'vigil-pb-'));
await generateDemo({ outDir: demo, accounts: 25, months: 14, seed: 7, endDate: '2026-06-30' });

// One new event on an account → rescore → the playbooks run from the bus → a task and a
// signed webhook at a real local receiver, with no second task on a repeat rescore.
describe('playbooks attached to rescoring', () => {
  let store: Store;
  let ctx: EngineContext;
  const received: { headers: IncomingMessage['headers']; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  let url = '';
  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/vigil`;
    store = await openTestStore('sqlite');
    ctx = contextForStore(store, { clock: fixedClock('2026-06-30T12:00:00Z') });
    await importFiles(ctx, { paths: [demo] });
  });
  afterAll(async () => {
    await store?.close();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('a competitor mention creates its task and a signed webhook within one rescore', async () => {
    const settings = { webhookSecret: SECRET, defaultWebhookUrl: url, dailyBudgetPerOwner: null };
    await importPlaybooks(
      ctx,
      `- id: competitor-alert
  name: Competitor alert
  trigger: { type: signal, signalId: competitor-mentions, op: gt, value: 0 }
  actions:
    - { type: create_task, title: "Competitor at {{account.name}}", dueInDays: 2 }
    - { type: notify, channel: webhook, target: default }
`,
    );
    const attached = attachPlaybooks(ctx, { debounceMs: 10, pollMs: 0, run: { settings }, workerId: 'e2e' });
    try {
      // warm-up: the first scores
      await recomputeScores(ctx);
      await attached.idle();
      const clean = await store.db.selectFrom('current_scores').select(['account_id', 'detail']).execute();
      const quiet = clean.find((c) =>
        (JSON.parse(c.detail) as { signals: { signalId: string; value: unknown }[] }).signals.some(
          (s) => s.signalId === 'competitor-mentions' && s.value === 0,
        ),
      );
      expect(quiet).toBeDefined();
      const id = quiet!.account_id;
      expect(
        (await listTasks(ctx, { accountId: id })).items.some((t) => t.playbookId === 'competitor-alert'),
      ).toBe(false);
      const before = received.length;

      await store.db
        .insertInto('events')
        .values({
          id: 'e2e-competitor-1',
          account_id: id,
          contact_id: null,
          type: 'competitor_mention',
          time: '2026-06-30T09:00:00.000Z',
          properties: JSON.stringify({ competitor: 'RivalCo', channel: 'call' }),
          ingested_at: '2026-06-30T09:00:00.000Z',
        })
        .execute();
      await markDirty(store, [id], '2026-06-30T12:00:00Z');
      const t0 = performance.now();
      const r = await recomputeScores(ctx);
      expect(r.changes.map((c) => c.accountId)).toEqual([id]);
      await attached.idle();
      const ms = performance.now() - t0;
      expect(ms).toBeLessThan(5000);

      const tasks = (await listTasks(ctx, { accountId: id })).items.filter(
        (t) => t.playbookId === 'competitor-alert',
      );
      expect(tasks).toHaveLength(1);
      expect(tasks[0]?.because).toContain('RivalCo mentioned 1 time');
      const hooks = received
        .slice(before)
        .filter((h) => JSON.parse(h.body).vigil.playbook.id === 'competitor-alert');
      expect(hooks).toHaveLength(1);
      const h = hooks[0]!;
      expect(verifyWebhookSignature(SECRET, h.body, h.headers['x-vigil-signature'] as string)).toBe(true);
      expect(JSON.parse(h.body).vigil.task.id).toBe(tasks[0]?.id);

      // the same condition again: no second task, no second webhook
      await markDirty(store, [id], '2026-06-30T12:05:00Z');
      await recomputeScores(ctx, { accountIds: [id] });
      await attached.idle();
      expect(
        (await listTasks(ctx, { accountId: id })).items.filter((t) => t.playbookId === 'competitor-alert'),
      ).toHaveLength(1);
    } finally {
      attached.detach();
    }
  }, 20_000);
});
