import { randomBytes, scrypt } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiKey, type KeyScope } from '../engine/auth/api-keys.ts';
import { logIn } from '../engine/auth/sessions.ts';
import { addUser } from '../engine/auth/users.ts';
import { contextForStore, type EngineContext, fixedClock } from '../engine/context.ts';
import { generateDemo } from '../engine/demo/generate-demo.ts';
import { importFiles } from '../engine/import/import-files.ts';
import { recomputeScores } from '../engine/scoring/recompute-scores.ts';
import type { Store } from '../store/database.ts';
import type { Role } from '../store/queries/visible-accounts.ts';
import { openTestStore, type TestStoreKind } from '../store/test-stores.ts';
import { type AppOptions, createApp } from './app.ts';

/** Users of the fixture: two teams, an admin, and a CSM with no accounts. */
export const FIXTURE_USERS: { id: string; role: Role; managerId?: string }[] = [
  { id: 'root', role: 'admin' },
  { id: 'mgr-1', role: 'manager' },
  { id: 'mgr-2', role: 'manager' },
  { id: 'csm-a', role: 'csm', managerId: 'mgr-1' },
  { id: 'csm-b', role: 'csm', managerId: 'mgr-1' },
  { id: 'csm-c', role: 'csm', managerId: 'mgr-2' },
  { id: 'csm-none', role: 'csm', managerId: 'mgr-2' },
];
export const FIXTURE_PASSWORD = 'correct horse battery';
const OWNERS = ['csm-a', 'csm-b', 'csm-c', 'mgr-1', null] as const;

export type Client = {
  request(path: string, init?: RequestInit): Promise<Response>;
  get(path: string): Promise<Response>;
  send(method: string, path: string, body?: unknown): Promise<Response>;
};

export type ApiFixture = {
  store: Store;
  ctx: EngineContext;
  app: ReturnType<typeof createApp>;
  /** Account ids by owner (null = unowned). */
  owned: Map<string | null, string[]>;
  accounts: { id: string; name: string; owner: string | null }[];
  as(userId: string): Promise<Client>;
  withKey(scope: KeyScope, userId?: string): Promise<Client & { key: string; keyId: string }>;
  anonymous: Client;
  close(): Promise<void>;
};

export const FIXTURE_TODAY = '2026-06-30';

/** The demo files of a portfolio size, generated once per process (deterministic; imports only read them). */
const demoDirs = new Map<number, Promise<string>>();
function fixtureDemo(accounts: number): Promise<string> {
  let dir = demoDirs.get(accounts);
  if (!dir) {
    const outDir = mkdtempSync(join(tmpdir(), 'vigil-api-'));
    dir = generateDemo({ outDir, accounts, months: 13, seed: 3, endDate: FIXTURE_TODAY }).then(() => outDir);
    demoDirs.set(accounts, dir);
  }
  return dir;
}

/**
 * The fixture's users, through addUser (validation, audit), all with FIXTURE_PASSWORD. The stored
 * hash is a valid scrypt hash of that password with lighter parameters (N=2^10, r=8, p=1: ~1 ms)
 * than production's (N=2^15, r=8, p=3: ~0.3 s of CPU, and ~1 s on the loaded test machine). The
 * parameters travel with each hash (`scrypt$N$r$p$salt$hash`) and verifyPassword reads them, so
 * logins still run the real check, asynchronously, just cheaper: the suite logs in and guesses
 * passwords hundreds of times (rate-limit bursts, every role of every API fixture) and none of those
 * tests is about the hash's cost. Production's parameters are tested in src/api/auth.test.ts
 * (hashPassword) and by every addUser with a password outside this fixture.
 */
let fixtureHash: Promise<string> | null = null;
const FIXTURE_SCRYPT = { N: 1024, r: 8, p: 1 };
function lightFixtureHash(): Promise<string> {
  fixtureHash ??= new Promise<string>((resolve, reject) => {
    const salt = randomBytes(16);
    const { N, r, p } = FIXTURE_SCRYPT;
    scrypt(FIXTURE_PASSWORD.normalize('NFKC'), salt, 32, { N, r, p }, (e, key) =>
      e
        ? reject(e)
        : resolve(`scrypt$${N}$${r}$${p}$${salt.toString('base64url')}$${key.toString('base64url')}`),
    );
  });
  return fixtureHash;
}
async function addFixtureUsers(ctx: EngineContext): Promise<void> {
  const hash = await lightFixtureHash();
  for (const u of FIXTURE_USERS) {
    await addUser(ctx, { ...u, actor: 'test' });
    await ctx.store.db.updateTable('users').set({ password_hash: hash }).where('id', '=', u.id).execute();
  }
}

/**
 * A scored demo portfolio whose accounts are dealt round-robin to csm-a, csm-b, csm-c, mgr-1 and
 * nobody, with users who can log in, and HTTP clients acting as each of them.
 */
export async function openApiFixture(
  kind: TestStoreKind,
  options: { accounts?: number; app?: AppOptions; clock?: boolean } = {},
): Promise<ApiFixture> {
  const dir = await fixtureDemo(options.accounts ?? 30);
  const store = await openTestStore(kind);
  const ctx = contextForStore(
    store,
    options.clock === false ? {} : { clock: fixedClock(`${FIXTURE_TODAY}T12:00:00Z`) },
  );
  await importFiles(ctx, { paths: [dir] });
  await addFixtureUsers(ctx);
  const ids = (await store.db.selectFrom('accounts').select('id').orderBy('id').execute()).map((r) => r.id);
  for (const [i, id] of ids.entries())
    await store.db
      .updateTable('accounts')
      .set({ owner: OWNERS[i % OWNERS.length] ?? null })
      .where('id', '=', id)
      .execute();
  await recomputeScores(ctx, { all: true });
  await store.db.deleteFrom('dirty_accounts').execute();
  const app = createApp(ctx, options.app);
  const accounts = await store.db
    .selectFrom('accounts')
    .select(['id', 'name', 'owner'])
    .orderBy('id')
    .execute();
  const owned = new Map<string | null, string[]>();
  for (const a of accounts) owned.set(a.owner, [...(owned.get(a.owner) ?? []), a.id]);

  const client = (headers: Record<string, string>): Client => {
    const request = (path: string, init: RequestInit = {}) =>
      Promise.resolve(
        app.request(path, { ...init, headers: { ...headers, ...(init.headers as Record<string, string>) } }),
      );
    return {
      request,
      get: (path) => request(path),
      send: (method, path, body) =>
        request(path, {
          method,
          body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
          headers: body === undefined ? {} : { 'content-type': 'application/json' },
        }),
    };
  };
  const sessions = new Map<string, Client>();
  return {
    store,
    ctx,
    app,
    owned,
    accounts,
    anonymous: client({}),
    async as(userId) {
      const cached = sessions.get(userId);
      if (cached) return cached;
      const s = await logIn(ctx, userId, FIXTURE_PASSWORD);
      const c = client({ cookie: `vigil_session=${s.token}`, 'x-vigil-csrf': s.csrf });
      sessions.set(userId, c);
      return c;
    },
    async withKey(scope, userId = 'root') {
      const k = await createApiKey(ctx, { userId, name: `test ${scope}`, scope, actor: 'test' });
      return { ...client({ authorization: `Bearer ${k.key}` }), key: k.key, keyId: k.id };
    },
    close: () => store.close(),
  };
}
