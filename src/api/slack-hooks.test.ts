import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeSlackSignature } from '../core/integrations/slack-signature.ts';
import { contextForStore } from '../engine/context.ts';
import { configureIntegrations, saveConnection } from '../engine/integrations/connections.ts';
import type { Store } from '../store/database.ts';
import { listSyncLog } from '../store/queries/integrations/sync-log.ts';
import { openTestStore } from '../store/test-stores.ts';
import { createApp } from './app.ts';

const SIGNING = 'slack-signing-secret-test';
const NOW = Date.parse('2026-06-30T12:00:00Z');

describe('/hooks/slack over HTTP', () => {
  let store: Store;
  let app: ReturnType<typeof createApp>;
  beforeAll(async () => {
    store = await openTestStore('sqlite');
    const ctx = contextForStore(store, { clock: { now: () => new Date(NOW) } });
    configureIntegrations(ctx, { secretKey: Buffer.alloc(32, 3).toString('base64') });
    await saveConnection(
      ctx,
      {
        id: 'slack',
        kind: 'slack',
        settings: { apiUrl: 'http://127.0.0.1:9/api/' },
        secrets: { botToken: 'xoxb-x', signingSecret: SIGNING },
      },
      { source: 'api', actor: 'test' },
    );
    app = createApp(ctx);
  });
  afterAll(async () => {
    await store.close();
  });
  const send = (path: string, body: string, ts: string, secret = SIGNING) =>
    app.request(path, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': ts,
        'x-slack-signature': computeSlackSignature(secret, ts, body),
      },
      body,
    });

  it('reads the raw body for the signature: forged and replayed requests get 401 before anything is parsed', async () => {
    const now = String(NOW / 1000);
    const forged = await send('/hooks/slack/interactivity', 'payload=%7B%7D', now, 'wrong');
    expect(forged.status).toBe(401);
    expect((await forged.json()).error.message).toMatch(/signature does not match/);
    const replay = await send('/hooks/slack/commands', 'text=acme&user_id=U1', String(NOW / 1000 - 301));
    expect(replay.status).toBe(401);
    // a correctly signed request that is not a block action is answered (no Slack call needed)
    const ok = await send(
      '/hooks/slack/interactivity',
      `payload=${encodeURIComponent('{"type":"view_submission"}')}`,
      now,
    );
    expect(ok.status).toBe(200);
    expect((await ok.json()).text).toBe('Vigil only handles its alert buttons.');
    const log = await listSyncLog(store, { connectionId: 'slack', limit: 5 });
    expect(log.map((l) => l.status)).toEqual(['rejected', 'rejected']);
  });
});
