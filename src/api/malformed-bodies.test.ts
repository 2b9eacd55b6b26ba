import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../core/errors.ts';
import { loadPlaybooks } from '../engine/playbooks/load-playbooks.ts';
import { type ApiFixture, openApiFixture } from './api-test-fixture.ts';

/**
 * Malformed bodies on every write route (POST events, notes, overrides, login, model training and
 * approval; PUT playbooks; PATCH tasks): never a 500, always the one envelope
 * `{ error: { code, message, details } }` naming the field, and nothing half-applied (the rows of
 * every table a write route touches are counted before and after).
 *
 * The API has no routes that create users or API keys (`vigil users add`, `vigil keys create` are
 * CLI-only), so there are none to test here.
 */
type Envelope = { error: { code: string; message: string; details: unknown } };
type Body = string | Uint8Array;

let f: ApiFixture;
let send: (method: string, path: string, body?: Body, contentType?: string) => Promise<Response>;
let accountId: string;
let taskId: string;

beforeAll(async () => {
  // rate limits out of the way: hundreds of requests per second are sent on purpose
  f = await openApiFixture('sqlite', {
    accounts: 12,
    app: { limits: { rateLimitPerSecond: 1e6, rateLimitBurst: 1e6 } },
  });
  const admin = await f.withKey('admin');
  send = (method, path, body, contentType = 'application/json') =>
    admin.request(path, {
      method,
      ...(body === undefined ? {} : { body: body as BodyInit, headers: { 'content-type': contentType } }),
    });
  accountId = f.accounts[0]!.id;
  // the default playbooks are stored on first use: do it now, not inside a counted request
  await loadPlaybooks(f.ctx);
  taskId = 'task-malformed-1';
  const at = '2026-06-30T12:00:00.000Z';
  await f.store.db
    .insertInto('tasks')
    .values({
      id: taskId,
      account_id: accountId,
      playbook_id: null,
      dedupe_key: null,
      title: 'Call the champion',
      checklist: '[]',
      priority: 'high',
      owner: f.accounts[0]!.owner,
      manager: null,
      status: 'open',
      reason: null,
      because: null,
      due: '2026-07-03',
      snoozed_until: null,
      snapshot: '{}',
      created_at: at,
      updated_at: at,
      closed_at: null,
    })
    .execute();
}, 120_000);
afterAll(async () => {
  await f?.close();
});

/** Every table a write route changes, counted; plus the usage totals and the task's state. */
async function fingerprint(): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const t of [
    'events',
    'seen_events',
    'usage_daily',
    'feature_monthly',
    'user_monthly',
    'rejects',
    'overrides',
    'playbooks',
    'models',
    'tasks',
    'dirty_accounts',
  ]) {
    const r = await sql<{ n: number }>`select count(*) as n from ${sql.table(t)}`.execute(f.store.db);
    out[t] = Number(r.rows[0]?.n);
  }
  const audit = await sql<{
    n: number;
  }>`select count(*) as n from audit_log where action not like 'auth.%' and action not like 'login%'`.execute(
    f.store.db,
  );
  out.audit = Number(audit.rows[0]?.n);
  const usage = await sql<{ e: number | null }>`select sum(events) as e from usage_daily`.execute(f.store.db);
  out.usageEvents = Number(usage.rows[0]?.e ?? 0);
  const overrides = await sql<{
    n: number;
  }>`select count(*) as n from current_scores where override_score is not null`.execute(f.store.db);
  out.overriddenScores = Number(overrides.rows[0]?.n);
  out.task = await f.store.db
    .selectFrom('tasks')
    .select(['status', 'reason', 'snoozed_until', 'updated_at'])
    .where('id', '=', taskId)
    .executeTakeFirst();
  out.models = await f.store.db
    .selectFrom('models')
    .select(['version', 'status'])
    .orderBy('version')
    .execute();
  return out;
}

async function envelopeOf(res: Response): Promise<Envelope['error']> {
  expect(res.headers.get('content-type') ?? '').toMatch(/application\/json/);
  const body = (await res.json()) as Envelope;
  expect(Object.keys(body)).toEqual(['error']);
  expect(Object.keys(body.error).sort()).toEqual(['code', 'details', 'message']);
  expect(ERROR_CODES).toContain(body.error.code);
  expect(typeof body.error.message).toBe('string');
  expect(body.error.message.length).toBeGreaterThan(0);
  // never a stack trace or a file path
  expect(JSON.stringify(body)).not.toMatch(/\.ts:\d+|at [A-Za-z.]+ \(|node_modules/);
  return body.error;
}

const deep = (n: number, leaf = '0') => `${'['.repeat(n)}${leaf}${']'.repeat(n)}`;
const deepObject = (n: number) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;
const INVALID_UTF8 = (before: string, after: string) =>
  new Uint8Array([...Buffer.from(before), 0xff, 0xfe, 0xc3, 0x28, 0xa0, ...Buffer.from(after)]);
const MB = 1024 * 1024;

type Case = {
  name: string;
  method: string;
  path: () => string;
  body?: Body;
  contentType?: string;
  status: number;
  /** The field (or line) the message must name. */
  names?: RegExp;
};

const notes = () => `/v1/accounts/${accountId}/notes`;
const overrides = () => `/v1/accounts/${accountId}/overrides`;
const task = () => `/v1/tasks/${taskId}`;
const playbook = () => '/v1/playbooks/malformed-check';
const train = () => '/v1/models/train';
const events = () => '/v1/events';
const login = () => '/v1/auth/login';

const CASES: Case[] = [
  // --- too large: 413 before anything is parsed
  {
    name: 'notes: 1 MiB + 1 byte',
    method: 'POST',
    path: notes,
    body: JSON.stringify({ text: 'x'.repeat(MB) }),
    status: 413,
  },
  {
    name: 'overrides: 1 MiB + 1 byte',
    method: 'POST',
    path: overrides,
    body: JSON.stringify({ score: 10, reason: 'x'.repeat(MB), expiresAt: '2026-08-01' }),
    status: 413,
  },
  {
    name: 'tasks: 2 MiB',
    method: 'PATCH',
    path: task,
    body: JSON.stringify({ status: 'x'.repeat(2 * MB) }),
    status: 413,
  },
  {
    name: 'playbooks: a 1 MiB YAML document',
    method: 'PUT',
    path: playbook,
    body: `id: malformed-check\nname: ${'n'.repeat(MB)}\n`,
    contentType: 'application/yaml',
    status: 413,
  },
  {
    name: 'train: 1 MiB + 1',
    method: 'POST',
    path: train,
    body: `{"from":"${'9'.repeat(MB)}"}`,
    status: 413,
  },
  {
    name: 'login: 1 MiB password',
    method: 'POST',
    path: login,
    body: JSON.stringify({ username: 'root', password: 'p'.repeat(MB) }),
    status: 413,
  },
  {
    name: 'events: 32 MiB + 1 byte',
    method: 'POST',
    path: events,
    body: JSON.stringify({ events: ['e'.repeat(32 * MB)] }),
    status: 413,
  },
  // --- too deep: 400 naming the field
  {
    name: 'notes: text nested 10,000 deep',
    method: 'POST',
    path: notes,
    body: `{"text":${deep(10_000)}}`,
    status: 400,
    names: /text/,
  },
  {
    name: 'overrides: score nested 10,000 deep in objects',
    method: 'POST',
    path: overrides,
    body: `{"score":${deepObject(10_000)},"reason":"deep","expiresAt":"2026-08-01"}`,
    status: 400,
    names: /score/,
  },
  {
    name: 'tasks: status nested 10,000 deep',
    method: 'PATCH',
    path: task,
    body: `{"status":${deep(10_000)}}`,
    status: 400,
    names: /status/,
  },
  {
    name: 'playbooks: JSON document nested 10,000 deep',
    method: 'PUT',
    path: playbook,
    body: deepObject(10_000),
    status: 400,
  },
  {
    name: 'events: event properties 40 levels deep',
    method: 'POST',
    path: events,
    body: JSON.stringify({
      events: [
        {
          id: 'deep-1',
          accountId: 'x',
          type: 'csm_note',
          time: '2026-06-01T00:00:00Z',
          properties: JSON.parse(deepObject(40)),
        },
      ],
    }),
    status: 400,
    names: /events\[0\].*nested/,
  },
  {
    name: 'events: the batch itself nested 100,000 deep',
    method: 'POST',
    path: events,
    body: `{"events":[${deep(100_000)}]}`,
    status: 400,
    names: /events\[0\]/,
  },
  // --- wrong shape
  {
    name: 'notes: text is a number',
    method: 'POST',
    path: notes,
    body: '{"text":42}',
    status: 400,
    names: /text/,
  },
  { name: 'notes: empty text', method: 'POST', path: notes, body: '{"text":""}', status: 400, names: /text/ },
  {
    name: 'notes: unknown sentiment',
    method: 'POST',
    path: notes,
    body: '{"text":"hi","sentiment":"purple"}',
    status: 400,
    names: /sentiment/,
  },
  {
    name: 'notes: unknown field',
    method: 'POST',
    path: notes,
    body: '{"text":"hi","colour":"red"}',
    status: 400,
    names: /colour/,
  },
  { name: 'notes: an array body', method: 'POST', path: notes, body: '[{"text":"hi"}]', status: 400 },
  {
    name: 'notes: validDays -1',
    method: 'POST',
    path: notes,
    body: '{"text":"hi","validDays":-1}',
    status: 400,
    names: /validDays/,
  },
  {
    name: 'overrides: score 101',
    method: 'POST',
    path: overrides,
    body: '{"score":101,"reason":"too much","expiresAt":"2026-08-01"}',
    status: 400,
    names: /score/,
  },
  {
    name: 'overrides: score as a string',
    method: 'POST',
    path: overrides,
    body: '{"score":"40","reason":"string","expiresAt":"2026-08-01"}',
    status: 400,
    names: /score/,
  },
  {
    name: 'overrides: not a date',
    method: 'POST',
    path: overrides,
    body: '{"score":40,"reason":"bad date","expiresAt":"2026-02-30x"}',
    status: 400,
    names: /expiresAt/,
  },
  {
    name: 'overrides: in the past',
    method: 'POST',
    path: overrides,
    body: '{"score":40,"reason":"past","expiresAt":"2020-01-01"}',
    status: 400,
    names: /expiresAt/,
  },
  {
    name: 'overrides: missing reason',
    method: 'POST',
    path: overrides,
    body: '{"score":40,"expiresAt":"2026-08-01"}',
    status: 400,
    names: /reason/,
  },
  {
    name: 'tasks: unknown status',
    method: 'PATCH',
    path: task,
    body: '{"status":"exploded"}',
    status: 400,
    names: /status/,
  },
  { name: 'tasks: null body', method: 'PATCH', path: task, body: 'null', status: 400 },
  {
    name: 'train: horizonDays as a string',
    method: 'POST',
    path: train,
    body: '{"horizonDays":"90"}',
    status: 400,
    names: /horizonDays/,
  },
  {
    name: 'train: from is not a date',
    method: 'POST',
    path: train,
    body: '{"from":"yesterday"}',
    status: 400,
    names: /from/,
  },
  {
    name: 'train: unknown field',
    method: 'POST',
    path: train,
    body: '{"epochs":1000}',
    status: 400,
    names: /epochs/,
  },
  {
    name: 'login: password missing',
    method: 'POST',
    path: login,
    body: '{"username":"root"}',
    status: 400,
    names: /password/,
  },
  {
    name: 'login: username an object',
    method: 'POST',
    path: login,
    body: '{"username":{"$ne":null},"password":"x"}',
    status: 400,
    names: /username/,
  },
  {
    name: 'events: events is an object',
    method: 'POST',
    path: events,
    body: '{"events":{"0":{}}}',
    status: 400,
    names: /events/,
  },
  {
    name: 'events: no events key',
    method: 'POST',
    path: events,
    body: '{"event":[]}',
    status: 400,
    names: /events/,
  },
  {
    name: 'events: 10,001 events',
    method: 'POST',
    path: events,
    body: JSON.stringify({ events: Array.from({ length: 10_001 }, (_, i) => ({ id: `many-${i}` })) }),
    status: 413,
    names: /10000|10,000/,
  },
  {
    name: 'events: 1,000,000 numbers',
    method: 'POST',
    path: events,
    body: `{"events":[${Array.from({ length: 1_000_000 }, () => '1').join(',')}]}`,
    status: 413,
  },
  {
    name: 'playbooks: a 1 MiB-long string inside a small playbook is refused at its field',
    method: 'PUT',
    path: playbook,
    body: JSON.stringify({
      id: 'malformed-check',
      name: 'n'.repeat(200_000),
      trigger: { type: 'band_entered', band: 'critical' },
      actions: [{ type: 'add_tag', tag: 'x' }],
    }),
    status: 400,
    names: /name/,
  },
  {
    name: 'playbooks: unknown trigger kind, on its line',
    method: 'PUT',
    path: playbook,
    body: 'id: malformed-check\nname: Check\ntrigger:\n  type: moon_phase\nactions:\n  - { type: add_tag, tag: x }\n',
    contentType: 'application/yaml',
    status: 400,
    names: /line 4|:4:|trigger/,
  },
  {
    name: 'playbooks: YAML syntax error',
    method: 'PUT',
    path: playbook,
    body: 'id: malformed-check\nname: [unclosed\ntrigger: {type: band_entered\n',
    contentType: 'application/yaml',
    status: 400,
    names: /syntax/,
  },
  {
    // YAML reads it (JSON is YAML) as name: null, and says so at line 1
    name: 'playbooks: JSON with a missing value',
    method: 'PUT',
    path: playbook,
    body: '{"id": "malformed-check", "name": }',
    contentType: 'text/plain',
    status: 400,
    names: /request:1:\d+ .*name/,
  },
  {
    name: 'playbooks: the id does not match the path',
    method: 'PUT',
    path: playbook,
    body: 'id: other-id\nname: Other\ntrigger: { type: band_entered, band: critical }\nactions: [{ type: add_tag, tag: x }]\n',
    contentType: 'application/yaml',
    status: 400,
    names: /malformed-check/,
  },
  // --- not JSON, or not declared as JSON
  { name: 'notes: truncated JSON', method: 'POST', path: notes, body: '{"text": "hi', status: 400 },
  {
    name: 'notes: text/plain',
    method: 'POST',
    path: notes,
    body: '{"text":"hi"}',
    contentType: 'text/plain',
    status: 400,
  },
  {
    name: 'notes: form-encoded',
    method: 'POST',
    path: notes,
    body: 'text=hi',
    contentType: 'application/x-www-form-urlencoded',
    status: 400,
  },
  { name: 'notes: no body', method: 'POST', path: notes, status: 400 },
  {
    name: 'overrides: XML',
    method: 'POST',
    path: overrides,
    body: '<override score="1"/>',
    contentType: 'application/xml',
    status: 400,
  },
  {
    name: 'tasks: text/plain',
    method: 'PATCH',
    path: task,
    body: '{"status":"done"}',
    contentType: 'text/plain',
    status: 400,
  },
  { name: 'train: empty body', method: 'POST', path: train, body: '', status: 400 },
  {
    name: 'login: text/plain',
    method: 'POST',
    path: login,
    body: '{"username":"root","password":"x"}',
    contentType: 'text/plain',
    status: 400,
  },
  {
    name: 'events: text/csv',
    method: 'POST',
    path: events,
    body: 'id,accountId\n1,2\n',
    contentType: 'text/csv',
    status: 400,
  },
  {
    name: 'events: JSON with a trailing comma',
    method: 'POST',
    path: events,
    body: '{"events":[],}',
    status: 400,
  },
  {
    name: 'playbooks: empty body',
    method: 'PUT',
    path: playbook,
    body: '   ',
    contentType: 'application/yaml',
    status: 400,
  },
  // --- invalid UTF-8 inside a string: decoded as U+FFFD, then validated like any text
  {
    name: 'tasks: invalid UTF-8 in status',
    method: 'PATCH',
    path: task,
    body: INVALID_UTF8('{"status":"', '"}'),
    status: 400,
    names: /status/,
  },
  {
    name: 'overrides: invalid UTF-8 in the date',
    method: 'POST',
    path: overrides,
    body: INVALID_UTF8('{"score":40,"reason":"utf","expiresAt":"2026-08-01', '"}'),
    status: 400,
    names: /expiresAt/,
  },
  {
    name: 'events: invalid UTF-8 outside strings',
    method: 'POST',
    path: events,
    body: INVALID_UTF8('{"events":', '[]}'),
    status: 400,
  },
  {
    name: 'playbooks: invalid UTF-8 bytes in YAML',
    method: 'PUT',
    path: playbook,
    body: INVALID_UTF8('id: malformed-check\nname: ', '\n'),
    contentType: 'application/yaml',
    status: 400,
  },
];

describe('malformed bodies on every write route', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const before = await fingerprint();
    const res = await send(c.method, c.path(), c.body, c.contentType);
    expect(res.status).toBe(c.status);
    const e = await envelopeOf(res);
    if (c.names) expect(`${e.message} ${JSON.stringify(e.details)}`).toMatch(c.names);
    expect(await fingerprint()).toEqual(before);
  });

  it('invalid UTF-8 inside a note is stored as replacement characters, never as a 500', async () => {
    const before = (await fingerprint()).events as number;
    const res = await send('POST', notes(), INVALID_UTF8('{"text":"bytes: ', '"}'));
    expect(res.status).toBe(201);
    const row = await f.store.db
      .selectFrom('events')
      .select('properties')
      .where('account_id', '=', accountId)
      .where('type', '=', 'csm_note')
      .where('properties', 'like', '%bytes: %')
      .executeTakeFirstOrThrow();
    expect((JSON.parse(row.properties) as { text: string }).text).toMatch(/^bytes: \uFFFD/);
    expect((await fingerprint()).events).toBe(before + 1);
  });

  // formerly a bug: doc.toJS() threw a ReferenceError for an undefined YAML alias or an alias bomb (500)
  it.each([
    ['an undefined alias', 'id: *nowhere\n'],
    [
      'an alias bomb',
      'a: &a [1,1,1,1,1,1,1,1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n',
    ],
  ])('PUT /v1/playbooks with %s answers 400, not 500', async (_n, doc) => {
    const res = await send('PUT', playbook(), doc, 'application/yaml');
    expect(res.status).toBe(400);
  });

  it('duplicate event ids inside one batch are stored once and counted once', async () => {
    const before = await fingerprint();
    const e = {
      id: 'dup-in-batch-1',
      accountId,
      type: 'login',
      time: '2026-06-29T10:00:00Z',
      properties: { count: 1 },
    };
    const res = await send(
      'POST',
      events(),
      JSON.stringify({ events: [e, { ...e }, { ...e, properties: { count: 5 } }] }),
    );
    expect(res.status).toBe(200);
    const report = (await res.json()) as { accepted: number; duplicates: number; rejected: unknown[] };
    expect(report.accepted).toBe(1);
    expect(report.accepted + report.duplicates + report.rejected.length).toBe(3);
    const after = await fingerprint();
    expect(after.seen_events).toBe((before.seen_events as number) + 1);
    // the first copy counts, once
    expect(after.usageEvents).toBe((before.usageEvents as number) + 1);
    const again = await send('POST', events(), JSON.stringify({ events: [e] }));
    expect(((await again.json()) as { duplicates: number }).duplicates).toBe(1);
    expect((await fingerprint()).usageEvents).toBe(after.usageEvents);
  });
});

describe('random JSON on every write route (fast-check)', () => {
  const routes: [string, string, () => string, readonly string[]][] = [
    ['POST', 'events', events, ['events']],
    ['POST', 'notes', notes, ['text', 'sentiment', 'validDays']],
    ['POST', 'overrides', overrides, ['score', 'reason', 'expiresAt']],
    ['PATCH', 'tasks', task, ['status', 'reason', 'snoozedUntil']],
    ['PUT', 'playbooks', playbook, []],
    ['POST', 'models/train', train, ['horizonDays', 'testMonths', 'from', 'to']],
    ['POST', 'models/1/approve', () => '/v1/models/1/approve', []],
    ['POST', 'auth/login', login, ['username', 'password']],
  ];
  // JSON values, plus objects that use the route's own field names with random values
  const bodyFor = (fields: readonly string[]) =>
    fc.oneof(
      fc.jsonValue({ maxDepth: 6 }),
      fields.length === 0
        ? fc.jsonValue()
        : fc.dictionary(fc.constantFrom(...fields, 'extra'), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 4 }),
    );
  it.each(routes)(
    '%s /v1/%s never answers 500, and every error is the envelope',
    async (method, _n, path, fields) => {
      let tried = 0;
      await fc.assert(
        fc.asyncProperty(bodyFor(fields), async (value) => {
          // a valid training request would train a model: that is not malformed input
          fc.pre(
            !(
              path === train &&
              value !== null &&
              typeof value === 'object' &&
              !Array.isArray(value) &&
              Object.keys(value).every((k) => fields.includes(k))
            ),
          );
          tried++;
          const before = await fingerprint();
          const res = await send(method, path(), JSON.stringify(value));
          expect(res.status).not.toBe(500);
          if (res.status === 422 && path === events) {
            // by design: a batch whose every event was rejected gets the per-event report (and its
            // rejects are kept), not the envelope; nothing else is stored
            const report = (await res.json()) as { accepted: number; rejected: { reason: string }[] };
            expect(report.accepted).toBe(0);
            expect(report.rejected.length).toBeGreaterThan(0);
            const after = await fingerprint();
            for (const k of ['events', 'seen_events', 'usageEvents', 'dirty_accounts'])
              expect(after[k], k).toEqual(before[k]);
          } else if (res.status >= 400) {
            await envelopeOf(res);
            if (path !== login) expect(await fingerprint()).toEqual(before);
          } else await res.arrayBuffer();
        }),
        { numRuns: 60, seed: 9 },
      );
      expect(tried).toBeGreaterThan(30);
    },
    120_000,
  );
});
