import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { passwordProblem } from '../engine/auth/password-strength.ts';
import { addUser } from '../engine/auth/users.ts';
import type { Clock } from '../engine/context.ts';
import { TEST_STORE_KINDS } from '../store/test-stores.ts';
import { type ApiFixture, FIXTURE_PASSWORD, openApiFixture } from './api-test-fixture.ts';

// issue 20 item 4: the login limit (10 failures per user and address per 15
// minutes) holds against a burst of simultaneous guesses.
describe.each(TEST_STORE_KINDS)('login limit under a burst on %s', (kind) => {
  let f: ApiFixture;
  let t = Date.parse('2026-06-30T12:00:00Z');
  beforeAll(async () => {
    f = await openApiFixture(kind, { accounts: 3 });
    (f.ctx as { clock: Clock }).clock = { now: () => new Date(t) };
  });
  afterAll(async () => {
    await f?.close();
  });
  const attempts = async () =>
    Number(
      (
        await f.store.db
          .selectFrom('audit_log')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('action', 'in', ['login.failure', 'login.success'])
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('checks at most 10 of 60 simultaneous guesses, and the right one among them does not get in', async () => {
    const before = await attempts();
    const right = 41;
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        f.anonymous.send('POST', '/v1/auth/login', {
          username: 'csm-b',
          password: i === right ? FIXTURE_PASSWORD : `guess number ${i}`,
        }),
      ),
    );
    const statuses = results.map((r) => r.status);
    const checked = statuses.filter((s) => s !== 429);
    expect(checked.length).toBeLessThanOrEqual(10);
    expect(statuses.filter((s) => s === 200)).toEqual([]);
    // the database agrees: at most 10 passwords were verified
    expect((await attempts()) - before).toBe(checked.length);
    for (const r of results.filter((x) => x.status === 429))
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('after 90 s one more guess is allowed, not another burst', async () => {
    t += 91_000;
    const before = await attempts();
    const statuses = (
      await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          f.anonymous.send('POST', '/v1/auth/login', { username: 'csm-b', password: `again ${i}` }),
        ),
      )
    ).map((r) => r.status);
    expect(statuses.filter((s) => s !== 429).length).toBeLessThanOrEqual(1);
    expect((await attempts()) - before).toBeLessThanOrEqual(1);
  });

  it('a right password after the window gets in', async () => {
    t += 16 * 60_000;
    const ok = await f.anonymous.send('POST', '/v1/auth/login', {
      username: 'csm-b',
      password: FIXTURE_PASSWORD,
    });
    expect(ok.status).toBe(200);
  });
});

describe('password strength', () => {
  it('refuses blank, repeated, keyboard, common and name-based passwords, and accepts passphrases', async () => {
    for (const weak of [
      '          ',
      'aaaaaaaaaaaa',
      'qwertyuiop',
      '1234567890',
      'password123',
      'Password1!',
    ])
      expect(passwordProblem(weak), weak).not.toBeNull();
    expect(passwordProblem('jane.doe.2024', ['jane.doe'])).not.toBeNull();
    for (const strong of ['correct horse battery staple', 'Plaintext-Password-4471', FIXTURE_PASSWORD])
      expect(passwordProblem(strong), strong).toBeNull();
  });

  it.each(TEST_STORE_KINDS)(
    'addUser on %s refuses ten spaces with the reason, at the password field',
    async (kind) => {
      const g = await openApiFixture(kind, { accounts: 1 });
      try {
        await expect(addUser(g.ctx, { id: 'weak', role: 'csm', password: ' '.repeat(10) })).rejects.toThrow(
          /blank/,
        );
        await expect(addUser(g.ctx, { id: 'weak', role: 'csm', password: 'weakweak12' })).rejects.toThrow(
          /too easy to guess/,
        );
        expect(await g.store.db.selectFrom('users').select('id').where('id', '=', 'weak').execute()).toEqual(
          [],
        );
      } finally {
        await g.close();
      }
    },
  );
});
