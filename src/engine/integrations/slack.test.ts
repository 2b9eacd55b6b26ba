import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { computeSlackSignature } from '../../core/integrations/slack-signature.ts';
import { type Playbook, playbookSchema } from '../../core/playbooks/playbook-schema.ts';
import { makeScoreResult } from '../../core/playbooks/playbook-test-fixtures.ts';
import type { Store } from '../../store/database.ts';
import { listSyncLog } from '../../store/queries/integrations/sync-log.ts';
import { openTestStore, TEST_STORE_KINDS } from '../../store/test-stores.ts';
import { type Clock, contextForStore, type EngineContext } from '../context.ts';
import { deliverOutbox } from '../playbooks/deliver-outbox.ts';
import { runPlaybooks } from '../playbooks/run-playbooks.ts';
import { seedPlaybookFixtures } from '../playbooks/seed-playbook-fixtures.ts';
import { configureIntegrations, saveConnection } from './connections.ts';
import { handleSlackCommand, handleSlackInteraction } from './handle-slack-request.ts';
import { SlackTestServer } from './test-servers/slack-test-server.ts';

const SIGNING = '8f742231b10e8888abcd99yyyzzz85a5';
const play = (target: string): Playbook =>
  playbookSchema.parse({
    id: 'crit',
    name: 'Critical',
    trigger: { type: 'band_entered', band: 'critical' },
    actions: [
      { type: 'create_task', title: 'Save {{account.name}}', dueInDays: 2 },
      { type: 'notify', channel: 'slack', target },
    ],
  });

describe.each(TEST_STORE_KINDS)('Slack through @slack/web-api (%s)', (kind) => {
  let store: Store;
  let ctx: EngineContext;
  let slack: SlackTestServer;
  let now = '2025-06-01T10:00:00.000Z';
  const clock: Clock = { now: () => new Date(now) };
  let ids: string[];
  const nowSec = () => String(Math.floor(Date.parse(now) / 1000));
  const signed = (body: string, ts = nowSec(), secret = SIGNING) => ({
    rawBody: body,
    timestamp: ts,
    signature: computeSlackSignature(secret, ts, body),
  });
  const press = (action: string, taskId: string, slackUser: string, msg = slack.messages[0]) =>
    `payload=${encodeURIComponent(
      JSON.stringify({
        type: 'block_actions',
        user: { id: slackUser },
        container: { type: 'message', channel_id: msg?.channel, message_ts: msg?.ts },
        message: { ts: msg?.ts, text: msg?.text, blocks: msg?.blocks },
        actions: [{ type: 'button', action_id: action, value: taskId, block_id: `vigil_task:${taskId}` }],
      }),
    )}`;

  beforeAll(async () => {
    slack = await new SlackTestServer().start();
  });
  afterAll(async () => {
    await slack.stop();
  });
  beforeEach(async () => {
    now = '2025-06-01T10:00:00.000Z';
    store = await openTestStore(kind);
    ctx = contextForStore(store, { clock });
    configureIntegrations(ctx, { secretKey: Buffer.alloc(32, 5).toString('base64') });
    ids = await seedPlaybookFixtures(store, { accounts: 2 });
    slack.requests.length = 0;
    slack.messages.length = 0;
    slack.updates.length = 0;
    slack.revoked = false;
    slack.users.clear();
    slack.users.set('U0CSM1', 'csm1@example.test');
    slack.users.set('U0MGR1', 'mgr@example.test');
    slack.users.set('U0CSM2', 'csm2@example.test');
    await saveConnection(
      ctx,
      {
        id: 'slack',
        kind: 'slack',
        settings: { apiUrl: `${slack.url}/api/`, publicUrl: 'https://vigil.example.com' },
        secrets: { botToken: slack.token, signingSecret: SIGNING },
      },
      { source: 'api', actor: 'test' },
    );
  });
  afterEach(async () => {
    await store.close();
  });

  const fire = async (target = 'owner') => {
    const r = await runPlaybooks(
      ctx,
      [
        {
          accountId: ids[0] as string,
          owner: 'csm-1',
          previous: { score: 60, band: 'at-risk' },
          current: makeScoreResult(ids[0] as string, 30, 'critical'),
        },
      ],
      { playbooks: [play(target)], settings: { dailyBudgetPerOwner: null } },
    );
    return r.taskIds[0] as string;
  };

  it('notify: slack → owner sends a Block Kit DM with claim / snooze / done buttons through the outbox', async () => {
    const taskId = await fire();
    expect(await deliverOutbox(ctx, { workerId: 'w', settings: { maxAttempts: 2 } })).toMatchObject({
      delivered: 1,
    });
    expect(slack.calls('POST', '/api/users.lookupByEmail')).toHaveLength(1);
    expect(slack.messages).toHaveLength(1);
    const m = slack.messages[0];
    expect(m?.channel).toBe('U0CSM1');
    expect(m?.text).toBe(`Critical: Account ${ids[0]} is critical (30)`);
    const actions = (
      (m?.blocks ?? []) as { type: string; elements?: { action_id: string; value: string }[] }[]
    ).find((b) => b.type === 'actions');
    expect(actions?.elements?.map((e) => [e.action_id, e.value])).toEqual([
      ['vigil_task_claim', taskId],
      ['vigil_task_snooze', taskId],
      ['vigil_task_done', taskId],
    ]);
    expect(JSON.stringify(m?.blocks)).toContain(
      `<https://vigil.example.com/accounts/${ids[0]}|Open in Vigil>`,
    );
    // delivered once: a second pass sends nothing
    await deliverOutbox(ctx, { workerId: 'w' });
    expect(slack.messages).toHaveLength(1);
  });

  it('an owner without Slack and a revoked token fail visibly (outbox retries, sync log says why)', async () => {
    slack.users.delete('U0CSM1');
    await fire();
    expect(await deliverOutbox(ctx, { workerId: 'w', settings: { maxAttempts: 2 } })).toMatchObject({
      retried: 1,
    });
    const row = await store.db
      .selectFrom('outbox')
      .select(['last_error', 'status'])
      .executeTakeFirstOrThrow();
    expect(row.last_error).toBe('Slack: users_not_found');
    const log = await listSyncLog(store, { connectionId: 'slack', limit: 1 });
    expect(log[0]?.message).toMatch(/not sent: users_not_found/);
    slack.users.set('U0CSM1', 'csm1@example.test');
    slack.revoked = true;
    now = '2025-06-01T10:10:00.000Z';
    expect(await deliverOutbox(ctx, { workerId: 'w', settings: { maxAttempts: 2 } })).toMatchObject({
      dead: 1,
    });
    expect(
      (await store.db.selectFrom('outbox').select('last_error').executeTakeFirstOrThrow()).last_error,
    ).toBe('Slack: token_revoked');
    expect(slack.messages).toHaveLength(0);
  });

  it('buttons: claim, snooze 7 days and done update the task and the message', async () => {
    const taskId = await fire();
    await deliverOutbox(ctx, { workerId: 'w' });
    // csm-2 may not act on csm-1's account; nothing changes
    const other = await handleSlackInteraction(ctx, signed(press('vigil_task_done', taskId, 'U0CSM2')));
    expect(other.body.text).toMatch(/not found or is not on one of your accounts/);
    expect((await store.db.selectFrom('tasks').select('status').executeTakeFirstOrThrow()).status).toBe(
      'open',
    );
    // the manager claims it
    await handleSlackInteraction(ctx, signed(press('vigil_task_claim', taskId, 'U0MGR1')));
    expect((await store.db.selectFrom('tasks').select('owner').executeTakeFirstOrThrow()).owner).toBe(
      'mgr-1',
    );
    expect(JSON.stringify(slack.updates[0]?.blocks)).toContain('Claimed by mgr-1');
    expect(JSON.stringify(slack.updates[0]?.blocks)).not.toContain('vigil_task_done');
    await handleSlackInteraction(ctx, signed(press('vigil_task_snooze', taskId, 'U0MGR1')));
    let t = await store.db.selectFrom('tasks').select(['status', 'snoozed_until']).executeTakeFirstOrThrow();
    expect(t).toEqual({ status: 'snoozed', snoozed_until: '2025-06-08T10:00:00.000Z' });
    await handleSlackInteraction(ctx, signed(press('vigil_task_done', taskId, 'U0CSM1')));
    t = await store.db.selectFrom('tasks').select(['status', 'snoozed_until']).executeTakeFirstOrThrow();
    expect(t.status).toBe('done');
    const audit = await store.db
      .selectFrom('audit_log')
      .select(['actor', 'action'])
      .where('target', '=', `task:${taskId}`)
      .orderBy('id')
      .execute();
    expect(audit.filter((a) => a.actor.endsWith('(slack)')).map((a) => [a.actor, a.action])).toEqual([
      ['mgr-1 (slack)', 'task.claim'],
      ['mgr-1 (slack)', 'task.snoozed'],
      ['csm-1 (slack)', 'task.done'],
    ]);
  });

  it('a forged signature, a changed body or a replay older than 5 minutes is refused and changes nothing', async () => {
    const taskId = await fire();
    await deliverOutbox(ctx, { workerId: 'w' });
    const body = press('vigil_task_done', taskId, 'U0CSM1');
    await expect(handleSlackInteraction(ctx, signed(body, nowSec(), 'not-the-secret'))).rejects.toThrow(
      /signature does not match/,
    );
    const good = signed(body);
    await expect(
      handleSlackInteraction(ctx, { ...good, rawBody: body.replace('done', 'claim') }),
    ).rejects.toThrow(/signature does not match/);
    await expect(handleSlackInteraction(ctx, { ...good, signature: undefined })).rejects.toThrow(
      /missing X-Slack-Request-Timestamp or X-Slack-Signature/,
    );
    // a valid request captured and replayed 6 minutes later
    now = '2025-06-01T10:06:00.000Z';
    await expect(handleSlackInteraction(ctx, good)).rejects.toThrow(
      /360s away from now \(more than 300s\): a replay/,
    );
    expect((await store.db.selectFrom('tasks').select('status').executeTakeFirstOrThrow()).status).toBe(
      'open',
    );
    const log = await listSyncLog(store, { connectionId: 'slack', limit: 10 });
    expect(log.filter((l) => l.status === 'rejected')).toHaveLength(4);
  });

  it('/vigil ACCOUNT answers with the card, only for accounts the Slack user may see', async () => {
    const form = (text: string, user: string) =>
      new URLSearchParams({ command: '/vigil', text, user_id: user, team_id: 'T1' }).toString();
    const mine = await handleSlackCommand(ctx, signed(form(ids[0] as string, 'U0CSM1')));
    expect(mine.body.response_type).toBe('ephemeral');
    expect(JSON.stringify(mine.body.blocks)).toContain(`Account ${ids[0]}`);
    const notMine = await handleSlackCommand(ctx, signed(form(ids[0] as string, 'U0CSM2')));
    expect(notMine.body.text).toMatch(/No account of yours matches/);
    await expect(handleSlackCommand(ctx, signed(form('x', 'U0CSM1'), nowSec(), 'forged'))).rejects.toThrow(
      /signature/,
    );
  });
});
