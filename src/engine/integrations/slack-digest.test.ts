import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildSlackDigest, localDateAndHour } from '../../core/integrations/slack-digest.ts';
import type { Store } from '../../store/database.ts';
import { upsertAccounts, upsertUsers } from '../../store/queries/import-writes.ts';
import { listSyncLog } from '../../store/queries/integrations/sync-log.ts';
import { openTestStore, TEST_STORE_KINDS } from '../../store/test-stores.ts';
import { type Clock, contextForStore, type EngineContext } from '../context.ts';
import { configureIntegrations, saveConnection } from './connections.ts';
import { runDueSyncs } from './run-due-syncs.ts';
import { sendSlackDigests } from './send-slack-digests.ts';
import { SlackTestServer } from './test-servers/slack-test-server.ts';

const KEY = Buffer.alloc(32, 7).toString('base64');
const texts = (blocks: unknown[]) => JSON.stringify(blocks);

describe('Slack digest message (pure)', () => {
  it('lists the accounts that moved (largest drop first) and the tasks due (overdue first); null when nothing to say', () => {
    const d = buildSlackDigest({
      csm: { id: 'alice', name: 'Alice' },
      date: '2026-03-10',
      minChange: 5,
      publicUrl: 'https://vigil.example.com/',
      accounts: [
        {
          id: 'globex',
          name: 'Globex',
          score: 62,
          band: 'at-risk',
          previousScore: 60,
          previousBand: 'at-risk',
        },
        {
          id: 'initech',
          name: 'Initech',
          score: 46,
          band: 'critical',
          previousScore: 40,
          previousBand: 'critical',
        },
        {
          id: 'acme',
          name: 'Acme & Co',
          score: 55,
          band: 'at-risk',
          previousScore: 70,
          previousBand: 'healthy',
        },
        { id: 'new', name: 'New', score: 80, band: 'healthy', previousScore: null, previousBand: null },
      ],
      tasks: [
        {
          id: 't1',
          title: 'Call',
          due: '2026-03-10',
          priority: 'high',
          accountId: 'acme',
          accountName: 'Acme & Co',
        },
        {
          id: 't2',
          title: 'QBR',
          due: '2026-03-05',
          priority: 'urgent',
          accountId: 'initech',
          accountName: 'Initech',
        },
        {
          id: 't3',
          title: 'Later',
          due: '2026-03-20',
          priority: 'low',
          accountId: 'acme',
          accountName: 'Acme & Co',
        },
      ],
    });
    if (!d) throw new Error('expected a digest');
    expect(d.moved.map((a) => a.id)).toEqual(['acme', 'initech']);
    expect(d.due.map((t) => t.id)).toEqual(['t2', 't1']);
    expect(d.text).toBe('Vigil digest for 2026-03-10: 2 account(s) moved, 2 task(s) due');
    const moved = (d.blocks[1] as { text: { text: string } }).text.text;
    expect(moved).toBe(
      '*Your accounts that moved*\n' +
        '• <https://vigil.example.com/accounts/acme|Acme &amp; Co>: 70 → 55 (-15), healthy → at-risk\n' +
        '• <https://vigil.example.com/accounts/initech|Initech>: 40 → 46 (+6) (critical)',
    );
    const due = (d.blocks[2] as { text: { text: string } }).text.text;
    expect(due).toBe(
      '*Your tasks due*\n' +
        '• QBR — <https://vigil.example.com/accounts/initech|Initech> (urgent, overdue since 2026-03-05)\n' +
        '• Call — <https://vigil.example.com/accounts/acme|Acme &amp; Co> (high, due today)',
    );
    expect(
      buildSlackDigest({
        csm: { id: 'x', name: null },
        date: '2026-03-10',
        minChange: 5,
        publicUrl: null,
        accounts: [
          { id: 'g', name: 'G', score: 62, band: 'at-risk', previousScore: 60, previousBand: 'at-risk' },
        ],
        tasks: [],
      }),
    ).toBeNull();
  });

  it('local date and hour in the workspace time zone (DST included)', () => {
    expect(localDateAndHour(new Date('2026-03-10T12:00:00Z'), 'America/New_York')).toEqual({
      date: '2026-03-10',
      hour: 8,
    });
    expect(localDateAndHour(new Date('2026-01-10T12:00:00Z'), 'America/New_York').hour).toBe(7);
    expect(localDateAndHour(new Date('2026-03-10T23:30:00Z'), 'Asia/Tokyo')).toEqual({
      date: '2026-03-11',
      hour: 8,
    });
  });
});

describe.each(TEST_STORE_KINDS)('Slack daily digest through @slack/web-api (%s)', (kind) => {
  let store: Store;
  let ctx: EngineContext;
  let slack: SlackTestServer;
  let now = '2026-03-10T11:59:00.000Z';
  const clock: Clock = { now: () => new Date(now) };
  const fresh = () => {
    const c = contextForStore(store, { clock });
    configureIntegrations(c, { secretKey: KEY });
    return c;
  };

  beforeAll(async () => {
    slack = await new SlackTestServer().start();
  });
  afterAll(async () => {
    await slack.stop();
  });
  beforeEach(async () => {
    now = '2026-03-10T11:59:00.000Z';
    store = await openTestStore(kind);
    ctx = fresh();
    slack.requests.length = 0;
    slack.messages.length = 0;
    slack.users.clear();
    slack.users.set('U0ALICE', 'alice@vigil.test');
    await upsertUsers(
      store.db,
      [
        { id: 'alice', name: 'Alice', email: 'alice@vigil.test', role: 'csm' },
        { id: 'bob', name: 'Bob', email: 'bob@vigil.test', role: 'csm' },
        { id: 'carol', name: 'Carol', email: 'carol@vigil.test', role: 'csm' },
      ],
      now,
    );
    await upsertAccounts(
      store.db,
      [
        { id: 'acme', name: 'Acme', segment: 'smb', owner: 'alice', traits: {} },
        { id: 'globex', name: 'Globex', segment: 'smb', owner: 'alice', traits: {} },
        { id: 'bobco', name: 'BobCo', segment: 'smb', owner: 'bob', traits: {} },
        { id: 'calm', name: 'Calm', segment: 'smb', owner: 'carol', traits: {} },
      ],
      now,
    );
    const score = (account: string, asOf: string, s: number, band: string) => ({
      account_id: account,
      as_of: asOf,
      model_version: 1,
      score: s,
      band,
      coverage: 1,
      detail: '{}',
      computed_at: `${asOf}T02:00:00.000Z`,
    });
    await store.db
      .insertInto('scores')
      .values([
        score('acme', '2026-03-09', 70, 'healthy'),
        score('acme', '2026-03-10', 55, 'at-risk'),
        score('globex', '2026-03-09', 60, 'at-risk'),
        score('globex', '2026-03-10', 62, 'at-risk'),
        score('bobco', '2026-03-09', 80, 'healthy'),
        score('bobco', '2026-03-10', 50, 'at-risk'),
        score('calm', '2026-03-09', 80, 'healthy'),
        score('calm', '2026-03-10', 81, 'healthy'),
      ])
      .execute();
    const task = (id: string, account: string, owner: string, due: string, status = 'open') => ({
      id,
      account_id: account,
      playbook_id: null,
      dedupe_key: null,
      title: `Task ${id}`,
      checklist: '[]',
      priority: 'high',
      owner,
      manager: null,
      status,
      reason: null,
      because: null,
      due,
      snoozed_until: null,
      snapshot: '{}',
      created_at: now,
      updated_at: now,
      closed_at: null,
    });
    await store.db
      .insertInto('tasks')
      .values([
        task('t1', 'globex', 'alice', '2026-03-10'),
        task('t2', 'globex', 'alice', '2026-03-12'),
        task('t3', 'globex', 'alice', '2026-03-01', 'done'),
      ])
      .execute();
    await saveConnection(
      ctx,
      {
        id: 'slack',
        kind: 'slack',
        settings: {
          apiUrl: `${slack.url}/api/`,
          publicUrl: 'https://vigil.example.com',
          digest: { enabled: true, hour: 8, timeZone: 'America/New_York', minChange: 5 },
        },
        secrets: { botToken: slack.token, signingSecret: 'x' },
      },
      { source: 'api', actor: 'test' },
    );
  });
  afterEach(async () => {
    await store.close();
  });

  it('the worker sends each CSM one digest at the local hour, never twice — not after a restart either', async () => {
    await runDueSyncs(ctx);
    expect(slack.messages).toHaveLength(0); // 07:59 in New York
    now = '2026-03-10T12:00:00.000Z';
    await runDueSyncs(ctx);
    expect(slack.messages).toHaveLength(1);
    const [m] = slack.messages;
    expect(m?.channel).toBe('U0ALICE');
    expect(m?.text).toBe('Vigil digest for 2026-03-10: 1 account(s) moved, 1 task(s) due');
    expect(texts(m?.blocks ?? [])).toContain('70 → 55 (-15), healthy → at-risk');
    expect(texts(m?.blocks ?? [])).toContain('Task t1');
    expect(texts(m?.blocks ?? [])).not.toContain('Task t2');
    // bob has no Slack account: reported in the sync log; carol had nothing to report
    const [log] = await listSyncLog(store, { connectionId: 'slack', limit: 1 });
    expect(log).toMatchObject({ operation: 'digest', status: 'partial', succeeded: 1, failed: 1 });
    expect(log?.message).toContain('bob@vigil.test: no Slack user with e-mail bob@vigil.test');

    now = '2026-03-10T15:00:00.000Z';
    await runDueSyncs(ctx);
    await runDueSyncs(fresh()); // a restarted process
    const manual = await sendSlackDigests(fresh(), { date: '2026-03-10' });
    expect(manual.outcomes.find((o) => o.userId === 'alice')?.status).toBe('already-sent');
    expect(slack.messages).toHaveLength(1);

    // the next local day has its own digest: nothing moved, t1 is now overdue
    now = '2026-03-11T12:30:00.000Z';
    await runDueSyncs(ctx);
    expect(slack.messages.map((x) => x.text)).toEqual([
      'Vigil digest for 2026-03-10: 1 account(s) moved, 1 task(s) due',
      'Vigil digest for 2026-03-11: 0 account(s) moved, 1 task(s) due',
    ]);
    expect(texts(slack.messages[1]?.blocks ?? [])).toContain('overdue since 2026-03-10');
  });

  it('dry run shows the digests and sends and claims nothing; --date sends that date once', async () => {
    const dry = await sendSlackDigests(ctx, { dryRun: true, date: '2026-03-10' });
    expect(dry.status).toBe('dry-run');
    expect(dry.outcomes.map((o) => [o.userId, o.status])).toEqual([
      ['alice', 'dry-run'],
      ['bob', 'dry-run'],
      ['carol', 'nothing-to-say'],
    ]);
    expect(slack.messages).toHaveLength(0);
    const sent = await sendSlackDigests(ctx, { date: '2026-03-10' });
    expect(sent.outcomes.map((o) => [o.userId, o.status])).toEqual([
      ['alice', 'sent'],
      ['bob', 'no-slack-user'],
      ['carol', 'nothing-to-say'],
    ]);
    slack.users.set('U0BOB', 'bob@vigil.test');
    const again = await sendSlackDigests(ctx, { date: '2026-03-10' });
    expect(again.outcomes.map((o) => [o.userId, o.status])).toEqual([
      ['alice', 'already-sent'],
      ['bob', 'sent'],
      ['carol', 'nothing-to-say'],
    ]);
    expect(slack.messages.map((m) => m.channel)).toEqual(['U0ALICE', 'U0BOB']);
    await expect(sendSlackDigests(ctx, { date: '10/03/2026' })).rejects.toThrow(/YYYY-MM-DD/);
  });
});
