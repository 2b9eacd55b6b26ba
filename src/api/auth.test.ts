import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, listApiKeys, revokeApiKey, verifyApiKey } from '../engine/auth/api-keys.ts';
import { ensureAdmin } from '../engine/auth/ensure-admin.ts';
import { hashPassword, verifyPassword } from '../engine/auth/password.ts';
import { addUser } from '../engine/auth/users.ts';
import { type ApiFixture, FIXTURE_PASSWORD, openApiFixture } from './api-test-fixture.ts';

let f: ApiFixture;
beforeAll(async () => {
  f = await openApiFixture('sqlite', { accounts: 10, app: { limits: { loginFailuresPer15Minutes: 3 } } });
}, 60_000);
afterAll(async () => {
  await f?.close();
});

const login = (username: string, password: string, headers: Record<string, string> = {}) =>
  f.app.request('/v1/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ username, password }),
  });

describe('login, session cookie and CSRF', () => {
  it('logs in with an HttpOnly SameSite=Lax cookie and returns the CSRF token; /me agrees', async () => {
    const r = await login('csm-a', FIXTURE_PASSWORD);
    expect(r.status).toBe(200);
    const cookie = r.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^vigil_session=[A-Za-z0-9_-]{43};/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    const body = (await r.json()) as { user: { id: string; role: string; managerId: string }; csrf: string };
    expect(body.user).toEqual({ id: 'csm-a', name: null, role: 'csm', managerId: 'mgr-1' });
    const session = cookie.split(';')[0]!;
    const me = await f.app.request('/v1/auth/me', { headers: { cookie: session } });
    expect(((await me.json()) as { csrf: string }).csrf).toBe(body.csrf);
    // the database holds only the hash of the cookie value
    const token = session.split('=')[1]!;
    const rows = await f.store.db.selectFrom('sessions').selectAll().execute();
    expect(rows.some((s) => s.id_hash === token)).toBe(false);
    expect(JSON.stringify(rows)).not.toContain(token);
  });

  it('refuses cookie-authenticated writes without the CSRF header, accepts them with it; GETs need none', async () => {
    const r = await login('csm-a', FIXTURE_PASSWORD);
    const cookie = (r.headers.get('set-cookie') ?? '').split(';')[0]!;
    const { csrf } = (await r.json()) as { csrf: string };
    const id = f.owned.get('csm-a')![0]!;
    const note = (headers: Record<string, string>) =>
      f.app.request(`/v1/accounts/${id}/notes`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie, ...headers },
        body: JSON.stringify({ text: 'hello' }),
      });
    for (const h of [{}, { 'x-vigil-csrf': 'wrong' }, { 'x-vigil-csrf': `${csrf}x` }] as Record<
      string,
      string
    >[]) {
      const res = await note(h);
      expect(res.status).toBe(403);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/CSRF/);
    }
    expect((await note({ 'x-vigil-csrf': csrf })).status).toBe(201);
    expect((await f.app.request(`/v1/accounts/${id}`, { headers: { cookie } })).status).toBe(200);
  });

  it('logout ends the session', async () => {
    const r = await login('csm-b', FIXTURE_PASSWORD);
    const cookie = (r.headers.get('set-cookie') ?? '').split(';')[0]!;
    const { csrf } = (await r.json()) as { csrf: string };
    const out = await f.app.request('/v1/auth/logout', {
      method: 'POST',
      headers: { cookie, 'x-vigil-csrf': csrf },
    });
    expect(out.status).toBe(200);
    expect((await f.app.request('/v1/auth/me', { headers: { cookie } })).status).toBe(401);
  });

  it('wrong or unknown credentials get the same 401; repeated failures get 429 with Retry-After; all audited', async () => {
    const a = await login('csm-c', 'wrong password!');
    const b = await login('no-such-user', 'wrong password!');
    expect([a.status, b.status]).toEqual([401, 401]);
    expect(await a.json()).toEqual(await b.json());
    await login('csm-c', 'wrong password!');
    await login('csm-c', 'wrong password!');
    const limited = await login('csm-c', FIXTURE_PASSWORD);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe('RATE_LIMITED');
    const audit = await f.store.db
      .selectFrom('audit_log')
      .select(['action', 'target'])
      .where('action', 'like', 'login.%')
      .execute();
    // the fourth attempt was refused before any password check (3 failures per 15 minutes per address)
    expect(audit.filter((x) => x.action === 'login.failure').length).toBe(3);
    expect(audit.some((x) => x.action === 'login.success')).toBe(true);
    expect(JSON.stringify(audit)).not.toContain('wrong password');
  });

  it('rejects malformed login bodies with a 400 envelope', async () => {
    for (const body of [
      '{',
      '[]',
      JSON.stringify({ username: 'x' }),
      JSON.stringify({ username: 'x', password: 'y', extra: 1 }),
    ]) {
      const r = await f.app.request('/v1/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      expect(r.status).toBe(400);
      expect(((await r.json()) as { error: { code: string } }).error.code).toBe('BAD_INPUT');
    }
  });
});

describe('passwords and API keys at rest', () => {
  it('hashes passwords with scrypt and a salt; verification is exact', async () => {
    const h1 = await hashPassword('a long password');
    const h2 = await hashPassword('a long password');
    expect(h1).toMatch(/^scrypt\$32768\$8\$3\$/);
    expect(h1).not.toBe(h2);
    expect(await verifyPassword('a long password', h1)).toBe(true);
    expect(await verifyPassword('a long passworD', h1)).toBe(false);
    expect(await verifyPassword('x', 'garbage')).toBe(false);
    expect(await verifyPassword('x', null)).toBe(false);
    const stored = await f.store.db
      .selectFrom('users')
      .select('password_hash')
      .where('id', '=', 'csm-a')
      .executeTakeFirstOrThrow();
    expect(stored.password_hash).not.toContain(FIXTURE_PASSWORD);
    await expect(addUser(f.ctx, { id: 'short', role: 'csm', password: 'short' })).rejects.toThrow(
      /10 characters/,
    );
  });

  it('stores keys hashed, shows the secret once, and revokes at once', async () => {
    const k = await createApiKey(f.ctx, { userId: 'root', name: 'crm sync', scope: 'ingest' });
    expect(k.key).toMatch(/^vgl_[a-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
    const row = await f.store.db
      .selectFrom('api_keys')
      .selectAll()
      .where('id', '=', k.id)
      .executeTakeFirstOrThrow();
    const secret = k.key.slice('vgl_'.length + 13);
    expect(secret.length).toBe(43);
    expect(JSON.stringify(row)).not.toContain(secret);
    expect((await verifyApiKey(f.ctx, k.key))?.scope).toBe('ingest');
    expect(await verifyApiKey(f.ctx, `${k.key.slice(0, -1)}${k.key.endsWith('A') ? 'B' : 'A'}`)).toBeNull();
    expect(JSON.stringify(await listApiKeys(f.ctx))).not.toContain(k.key);
    await revokeApiKey(f.ctx, k.id);
    expect(await verifyApiKey(f.ctx, k.key)).toBeNull();
    const r = await f.app.request('/v1/events', {
      method: 'POST',
      headers: { authorization: `Bearer ${k.key}`, 'content-type': 'application/json' },
      body: '{"events":[]}',
    });
    expect(r.status).toBe(401);
    await expect(createApiKey(f.ctx, { userId: 'csm-a', name: 'x', scope: 'admin' })).rejects.toThrow(
      /admin/,
    );
  });

  it('ensureAdmin creates the first admin once, with a printed random password', async () => {
    const empty = await openApiFixture('sqlite', { accounts: 5 });
    await empty.store.db.deleteFrom('users').execute();
    const first = await ensureAdmin(empty.ctx, { password: undefined });
    expect(first.created).toBe(true);
    expect(first.password?.length).toBeGreaterThanOrEqual(16);
    const r = await empty.app.request('/v1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: first.username, password: first.password }),
    });
    expect(r.status).toBe(200);
    expect(await ensureAdmin(empty.ctx)).toEqual({ created: false, username: 'admin' });
    await empty.close();
  });
});
