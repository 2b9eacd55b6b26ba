import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { displayScore } from '../core/scoring/compute-score.ts';
import { DEFAULT_HEALTH_MODEL } from '../core/scoring/health-model.ts';
import { insertModelRow } from '../store/queries/learning/model-rows.ts';
import { TEST_STORE_KINDS } from '../store/test-stores.ts';
import { type ApiFixture, openApiFixture } from './api-test-fixture.ts';

type Report = {
  accounts: number;
  matrix: Record<string, Record<string, number>>;
  transitions: { from: string; to: string; accounts: number }[];
  summary: string;
  items: { accountId: string; from: { band: string }; to: { band: string } }[];
  total: number;
};

// issue 19 item 4: "approving v2 moves 14 accounts from healthy to at-risk, 6 at-risk to critical".
// The proposal is the active model with higher band lines and nothing else, so its scores equal
// today's stored scores and the accounts that move are known beforehand from those scores alone:
// healthy ones below the new healthy line drop to at-risk, at-risk ones below the new at-risk
// line drop to critical (the oracle never calls the preview's code).
const HEALTHY = 75;
const AT_RISK = 55;

describe.each(TEST_STORE_KINDS)('band-migration preview on %s', (kind) => {
  let f: ApiFixture;
  let version: number;
  let current: { id: string; owner: string | null; score: number; band: string }[] = [];
  beforeAll(async () => {
    f = await openApiFixture(kind, { accounts: 40 });
    version = await insertModelRow(f.store, {
      name: 'higher band lines',
      status: 'proposed',
      document: {
        ...DEFAULT_HEALTH_MODEL,
        name: 'higher band lines',
        bands: { healthy: HEALTHY, atRisk: AT_RISK },
      },
      createdAt: '2026-06-30T12:00:00.000Z',
      createdBy: 'test',
      notes: null,
      backtest: null,
    });
    const list = (await (await (await f.as('root')).get('/v1/accounts?limit=1000')).json()) as {
      items: { id: string; owner: string | null; score: number | null; band: string | null }[];
    };
    current = list.items
      .filter((a) => a.score !== null && a.band !== null)
      .map((a) => ({ id: a.id, owner: a.owner, score: a.score!, band: a.band! }));
  }, 180_000);
  afterAll(() => f?.close());

  const expectedMoves = (rows: typeof current) => {
    const bandUnder = (s: number) =>
      displayScore(s) >= HEALTHY ? 'healthy' : displayScore(s) >= AT_RISK ? 'at-risk' : 'critical';
    return rows.filter((a) => bandUnder(a.score) !== a.band).map((a) => [a.id, a.band, bandUnder(a.score)]);
  };

  it('moves exactly the accounts between the old and the new lines, in the matrix and the list', async () => {
    const moves = expectedMoves(current);
    expect(moves.some((m) => m[1] === 'healthy' && m[2] === 'at-risk')).toBe(true);
    expect(moves.some((m) => m[1] === 'at-risk' && m[2] === 'critical')).toBe(true);
    expect(moves.every((m) => m[1] !== 'critical')).toBe(true); // lines only rose: nothing moves up
    const r = await (await f.as('root')).get(`/v1/models/${version}/band-migration?limit=500`);
    expect(r.status).toBe(200);
    const body = (await r.json()) as Report;
    expect(body.accounts).toBe(current.length);
    expect(body.items.map((i) => [i.accountId, i.from.band, i.to.band]).sort()).toEqual(moves.sort());
    expect(body.total).toBe(moves.length);
    const count = (from: string, to: string) => moves.filter((m) => m[1] === from && m[2] === to).length;
    expect(body.matrix.healthy!['at-risk']).toBe(count('healthy', 'at-risk'));
    expect(body.matrix['at-risk']!.critical).toBe(count('at-risk', 'critical'));
    expect(body.matrix.critical!.critical).toBe(current.filter((a) => a.band === 'critical').length);
    expect(body.summary).toMatch(
      new RegExp(`^Approving v${version} moves .*${count('healthy', 'at-risk')}.* from healthy to at-risk`),
    );
  });

  it('pages the moved accounts and gives the same answer twice (deterministic)', async () => {
    const admin = await f.as('root');
    const all = (await (await admin.get(`/v1/models/${version}/band-migration?limit=500`)).json()) as Report;
    const first = (await (await admin.get(`/v1/models/${version}/band-migration?limit=2`)).json()) as Report;
    const second = (await (
      await admin.get(`/v1/models/${version}/band-migration?limit=2&offset=2`)
    ).json()) as Report;
    expect([...first.items, ...second.items]).toEqual(all.items.slice(0, 4));
    expect(first.total).toBe(all.total);
  });

  it("shows a manager the team's accounts only, and refuses a CSM; an unknown version is a 404", async () => {
    const team = current.filter((a) => ['csm-a', 'csm-b', 'mgr-1'].includes(a.owner ?? ''));
    const r = await (await f.as('mgr-1')).get(`/v1/models/${version}/band-migration?limit=500`);
    expect(r.status).toBe(200);
    const body = (await r.json()) as Report;
    expect(body.accounts).toBe(team.length);
    expect(body.items.map((i) => i.accountId).sort()).toEqual(
      expectedMoves(team)
        .map((m) => m[0])
        .sort(),
    );
    expect((await (await f.as('csm-a')).get(`/v1/models/${version}/band-migration`)).status).toBe(403);
    expect((await (await f.as('root')).get('/v1/models/999/band-migration')).status).toBe(404);
  });
});
