import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Analytics } from '@segment/analytics-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextForStore, type EngineContext } from '../engine/context.ts';
import { configureIntegrations, saveConnection } from '../engine/integrations/connections.ts';
import type { Store } from '../store/database.ts';
import { seedScoreFixtures } from '../store/queries/integrations/seed-score-fixtures.ts';
import { listSyncLog } from '../store/queries/integrations/sync-log.ts';
import { openTestStore } from '../store/test-stores.ts';
import { createApp } from './app.ts';

const WRITE_KEY = 'seg_wk_4f1b2c';

describe('Segment-compatible endpoint, fed by @segment/analytics-node', () => {
  let store: Store;
  let ctx: EngineContext;
  let server: ReturnType<typeof serve>;
  let base = '';
  beforeAll(async () => {
    store = await openTestStore('sqlite');
    ctx = contextForStore(store);
    configureIntegrations(ctx, { secretKey: Buffer.alloc(32, 6).toString('base64') });
    await seedScoreFixtures(
      store,
      [
        { id: 'acme', score: 50, band: 'at-risk' },
        { id: 'globex', score: 80, band: 'healthy' },
      ],
      new Date().toISOString(),
    );
    await saveConnection(
      ctx,
      {
        id: 'segment',
        kind: 'segment',
        settings: {
          events: {
            'Report Exported': { type: 'feature_used', feature: 'reports' },
            'Page Pinged': { type: 'ignore' },
          },
        },
        secrets: { writeKey: WRITE_KEY },
      },
      { source: 'api', actor: 'test' },
    );
    const app = createApp(ctx);
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await store.close();
  });

  it('track / identify / group from the official client land as events, contacts and traits; unknown accounts are rejected', async () => {
    const analytics = new Analytics({
      writeKey: WRITE_KEY,
      host: base,
      path: '/hooks/segment/v1/batch',
      flushInterval: 50,
      maxRetries: 0,
    });
    const errors: unknown[] = [];
    analytics.on('error', (e) => errors.push(e));
    const today = new Date().toISOString().slice(0, 10);
    analytics.track({ userId: 'u-1', event: 'Signed In', context: { groupId: 'acme' } });
    analytics.track({ userId: 'u-1', event: 'Report Exported', context: { groupId: 'acme' } });
    analytics.track({ userId: 'u-1', event: 'Report Exported', context: { groupId: 'acme' } });
    analytics.track({ userId: 'u-2', event: 'Dashboard Shared', context: { groupId: 'globex' } });
    analytics.track({ userId: 'u-1', event: 'Page Pinged', context: { groupId: 'acme' } });
    analytics.track({ userId: 'u-9', event: 'Signed In', context: { groupId: 'initech' } });
    analytics.identify({
      userId: 'u-1',
      traits: { email: 'ana@acme.com', name: 'Ana', title: 'Ops lead', accountId: 'acme' },
      context: { groupId: 'acme' },
    });
    analytics.group({ userId: 'u-1', groupId: 'acme', traits: { domain: 'acme.com', plan: 'pro' } });
    await analytics.closeAndFlush({ timeout: 5000 });
    expect(errors.map((e) => String((e as { reason?: { message?: string } }).reason?.message ?? e))).toEqual(
      [],
    );

    const usage = await store.db.selectFrom('usage_daily').selectAll().orderBy('account_id').execute();
    expect(usage.map((u) => [u.account_id, u.day, u.logins, u.events])).toEqual([
      ['acme', today, 1, 3],
      ['globex', today, 0, 1],
    ]);
    const features = await store.db
      .selectFrom('feature_monthly')
      .select(['account_id', 'feature', 'count'])
      .orderBy('feature')
      .execute();
    expect(features).toContainEqual({ account_id: 'acme', feature: 'reports', count: 2 });
    expect(
      (await store.db.selectFrom('contacts').selectAll().where('id', '=', 'u-1').executeTakeFirst())?.email,
    ).toBe('ana@acme.com');
    const traits = JSON.parse(
      (
        await store.db
          .selectFrom('accounts')
          .select('traits')
          .where('id', '=', 'acme')
          .executeTakeFirstOrThrow()
      ).traits,
    );
    expect(traits).toMatchObject({ domain: 'acme.com', plan: 'pro' });
    const rejects = await store.db.selectFrom('rejects').select(['source', 'field', 'reason']).execute();
    expect(rejects).toEqual([
      { source: 'segment:segment', field: 'accountId', reason: 'unknown account "initech"' },
    ]);
    const [log] = await listSyncLog(store, { connectionId: 'segment', limit: 1 });
    expect(log?.message).toMatch(
      /8 Segment call\(s\): 6 accepted, 0 duplicate\(s\), 1 ignored, 1 rejected \(first: unknown account "initech"\)/,
    );
  });

  it('identify and group alone (no usage) mark the account for a rescore: contacts and traits feed signals', async () => {
    await store.dirty.clearAll();
    const analytics = new Analytics({
      writeKey: WRITE_KEY,
      host: base,
      path: '/hooks/segment/v1/batch',
      flushInterval: 50,
      maxRetries: 0,
    });
    analytics.identify({
      userId: 'g-7',
      traits: { email: 'gia@globex.io', name: 'Gia', title: 'VP Ops', accountId: 'globex' },
      context: { groupId: 'globex' },
    });
    analytics.group({ userId: 'g-7', groupId: 'globex', traits: { plan: 'enterprise' } });
    await analytics.closeAndFlush({ timeout: 5000 });
    const dirty = await store.db.selectFrom('dirty_accounts').select(['account_id', 'priority']).execute();
    // before: nothing was marked, so a new champion or plan waited for an unrelated rescore
    expect(dirty).toEqual([{ account_id: 'globex', priority: 1 }]);
  });

  it('a retried batch (same messageIds) is counted once; a wrong write key changes nothing', async () => {
    const batch = {
      batch: [
        {
          type: 'track',
          messageId: 'm-1',
          userId: 'u-2',
          event: 'Signed In',
          context: { groupId: 'globex' },
          timestamp: '2026-01-05T10:00:00Z',
        },
        {
          type: 'track',
          messageId: 'm-2',
          userId: 'u-2',
          event: 'Signed In',
          context: { groupId: 'globex' },
          timestamp: '2026-01-05T11:00:00Z',
        },
      ],
    };
    const post = (key: string) =>
      fetch(`${base}/hooks/segment/v1/batch`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}`,
        },
        body: JSON.stringify(batch),
      });
    const first = await (await post(WRITE_KEY)).json();
    expect(first).toMatchObject({ success: true, accepted: 2, duplicates: 0 });
    const again = await (await post(WRITE_KEY)).json();
    expect(again).toMatchObject({ accepted: 0, duplicates: 2 });
    const day = await store.db
      .selectFrom('usage_daily')
      .select('logins')
      .where('account_id', '=', 'globex')
      .where('day', '=', '2026-01-05')
      .executeTakeFirstOrThrow();
    expect(day.logins).toBe(2);
    const forged = await post('not-the-key');
    expect(forged.status).toBe(401);
    expect((await forged.json()).error.message).toBe('unknown Segment write key');
    const none = await fetch(`${base}/hooks/segment/v1/track`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(none.status).toBe(401);
    const bad = await fetch(`${base}/hooks/segment/v1/batch`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}` },
      body: '{not json',
    });
    expect(bad.status).toBe(400);
    // the write keys are cached for a firehose, but a rotated key takes effect at once
    await saveConnection(
      ctx,
      { id: 'segment', kind: 'segment', secrets: { writeKey: 'seg_wk_rotated' } },
      { source: 'api', actor: 'test' },
    );
    expect((await post(WRITE_KEY)).status).toBe(401);
    expect((await post('seg_wk_rotated')).status).toBe(200);
    await saveConnection(
      ctx,
      { id: 'segment', kind: 'segment', enabled: false },
      { source: 'api', actor: 'test' },
    );
    expect((await post('seg_wk_rotated')).status).toBe(401);
  });
});
