import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { playbookSchema } from '../core/playbooks/playbook-schema.ts';
import { makeScoreResult } from '../core/playbooks/playbook-test-fixtures.ts';
import { loadPlaybooks } from '../engine/playbooks/load-playbooks.ts';
import { runPlaybooks } from '../engine/playbooks/run-playbooks.ts';
import { TEST_STORE_KINDS } from '../store/test-stores.ts';
import { type ApiFixture, type Client, openApiFixture } from './api-test-fixture.ts';

// Issue 20 (minor, brief item 3): notification targets are secrets. Every route that could return
// them, for every kind of caller: never whole; admins see the last 4 characters, others nothing.
const SLACK = 'https://hooks.slack.com/services/T0001/B0001/XXXXsecretTOKENab12';
const HOOK = 'https://hooks.example.com/in?token=s3cr3t-value-WXYZ';
const EMAIL = 'ceo.private@example.com';
const SECRETS = ['XXXXsecretTOKEN', 's3cr3t-value', 'ceo.private', 'T0001/B0001'];

const document = {
  id: 'secret-play',
  name: 'Secret play',
  trigger: { type: 'band_entered', band: 'critical' },
  actions: [
    { type: 'create_task', title: 'Save {{account.name}}', dueInDays: 2 },
    { type: 'notify', channel: 'slack', target: SLACK },
    { type: 'notify', channel: 'webhook', target: HOOK },
    { type: 'notify', channel: 'email', target: EMAIL },
    { type: 'notify', channel: 'email', target: 'owner' },
  ],
};

const ROUTES = [
  '/v1/playbooks',
  '/v1/playbooks/stats',
  '/v1/tasks',
  '/v1/tasks/queue',
  '/v1/accounts',
  '/v1/portfolio',
  '/v1/openapi.json',
];

describe.each(TEST_STORE_KINDS)('playbook notification targets never leave whole on %s', (kind) => {
  let f: ApiFixture;
  let callers: [string, Client, 'admin' | 'restricted'][];
  beforeAll(async () => {
    f = await openApiFixture(kind, { accounts: 12 });
    const root = await f.as('root');
    const put = await root.send('PUT', '/v1/playbooks/secret-play', document);
    expect(put.status).toBe(200);
    // the play fired: tasks and queued notifications (outbox rows) carry the targets too
    const id = f.owned.get('csm-a')![0]!;
    await runPlaybooks(
      f.ctx,
      [
        {
          accountId: id,
          owner: 'csm-a',
          previous: { score: 60, band: 'at-risk' },
          current: makeScoreResult(id, 20, 'critical'),
        },
      ],
      { playbooks: [playbookSchema.parse(document)], settings: { dailyBudgetPerOwner: null } },
    );
    expect(Number((await f.store.outbox.counts()).pending ?? 0)).toBeGreaterThan(0);
    callers = [
      ['admin session', root, 'admin'],
      ['admin key', await f.withKey('admin', 'root'), 'admin'],
      ['read key of an admin', await f.withKey('read', 'root'), 'restricted'],
      ['manager', await f.as('mgr-1'), 'restricted'],
      ['csm', await f.as('csm-a'), 'restricted'],
      ['read key of a csm', await f.withKey('read', 'csm-a'), 'restricted'],
    ];
  }, 120_000);
  afterAll(async () => {
    await f?.close();
  });

  it('no route answers any caller with a whole target', async () => {
    let checked = 0;
    for (const [who, client] of callers)
      for (const route of ROUTES) {
        const res = await client.get(route);
        const body = await res.text();
        for (const s of SECRETS) expect(body.includes(s), `${who} GET ${route} leaks ${s}`).toBe(false);
        checked++;
      }
    expect(checked).toBe(callers.length * ROUTES.length);
  });

  it('admins see the last 4 characters (and a URL origin); others see the target hidden', async () => {
    for (const [who, client, audience] of callers) {
      const res = await client.get('/v1/playbooks');
      expect(res.status, who).toBe(200);
      const { items } = (await res.json()) as {
        items: { playbook: { id: string; actions: { type: string; target?: string }[] } }[];
      };
      const targets = items
        .find((i) => i.playbook.id === 'secret-play')!
        .playbook.actions.filter((a) => a.type === 'notify')
        .map((a) => a.target);
      expect(targets, who).toEqual(
        audience === 'admin'
          ? ['https://hooks.slack.com/•••ab12', 'https://hooks.example.com/•••WXYZ', '•••.com', 'owner']
          : ['•••', '•••', '•••', 'owner'],
      );
    }
  });

  it('an admin who edits a masked playbook keeps its targets (GET, change the name, PUT)', async () => {
    const root = callers[0]![1];
    const { items } = (await (await root.get('/v1/playbooks')).json()) as {
      items: { playbook: { id: string; name: string } }[];
    };
    const masked = items.find((i) => i.playbook.id === 'secret-play')!.playbook;
    const put = await root.send('PUT', '/v1/playbooks/secret-play', { ...masked, name: 'Renamed play' });
    expect(put.status).toBe(200);
    const stored = (await loadPlaybooks(f.ctx)).find((p) => p.playbook.id === 'secret-play')!.playbook;
    expect(stored.name).toBe('Renamed play');
    expect(stored.actions.flatMap((a) => (a.type === 'notify' ? [a.target] : []))).toEqual([
      SLACK,
      HOOK,
      EMAIL,
      'owner',
    ]);
  });
});
