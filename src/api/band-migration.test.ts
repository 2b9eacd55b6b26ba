import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
// Proposals whose moves are known from today's stored bands alone (the oracle never calls the
// preview's code): the active model itself (nothing moves), the active model with band lines at
// 100/99 (every account not yet critical drops to critical) and at 2/1 (every account not yet
// healthy rises to healthy). Band lines are the model's own cut-points on its raw score, so
// these hold however the displayed score is calibrated.
type Current = { id: string; owner: string | null; score: number; band: string };
const propose = (f: ApiFixture, name: string, bands: { healthy: number; atRisk: number } | null) =>
  insertModelRow(f.store, {
    name,
    status: 'proposed',
    document: { ...DEFAULT_HEALTH_MODEL, name, ...(bands ? { bands } : {}) },
    createdAt: '2026-06-30T12:00:00.000Z',
    createdBy: 'test',
    notes: null,
    backtest: null,
  });

describe.each(TEST_STORE_KINDS)('band-migration preview on %s', (kind) => {
  let f: ApiFixture;
  const v: Record<'same' | 'allCritical' | 'allHealthy', number> = { same: 0, allCritical: 0, allHealthy: 0 };
  let current: Current[] = [];
  beforeAll(async () => {
    f = await openApiFixture(kind, { accounts: 40 });
    v.same = await propose(f, 'unchanged', null);
    v.allCritical = await propose(f, 'lines at 100/99', { healthy: 100, atRisk: 99 });
    v.allHealthy = await propose(f, 'lines at 2/1', { healthy: 2, atRisk: 1 });
    const list = (await (await (await f.as('root')).get('/v1/accounts?limit=1000')).json()) as {
      items: { id: string; owner: string | null; score: number | null; band: string | null }[];
    };
    current = list.items
      .filter((a) => a.score !== null && a.band !== null)
      .map((a) => ({ id: a.id, owner: a.owner, score: a.score!, band: a.band! }));
  }, 180_000);
  afterAll(() => f?.close());

  const get = async (user: string, version: number, query = 'limit=500') => {
    const r = await (await f.as(user)).get(`/v1/models/${version}/band-migration?${query}`);
    expect(r.status).toBe(200);
    return (await r.json()) as Report;
  };
  const inBand = (rows: Current[], band: string) => rows.filter((a) => a.band === band);

  it("the active model itself moves nothing: the matrix diagonal is today's band counts", async () => {
    const body = await get('root', v.same);
    expect(body.accounts).toBe(current.length);
    expect(body.total).toBe(0);
    expect(body.items).toEqual([]);
    for (const b of ['healthy', 'at-risk', 'critical'])
      expect(body.matrix[b]![b], b).toBe(inBand(current, b).length);
    expect(body.summary).toBe(`Approving v${v.same} moves no account to another band.`);
  });

  it('lines at 100/99 move exactly the healthy and at-risk accounts to critical, worst jump first', async () => {
    const healthy = inBand(current, 'healthy');
    const atRisk = inBand(current, 'at-risk');
    expect(healthy.length).toBeGreaterThan(0);
    expect(atRisk.length).toBeGreaterThan(0);
    const body = await get('root', v.allCritical);
    expect(body.matrix).toEqual({
      healthy: { healthy: 0, 'at-risk': 0, critical: healthy.length },
      'at-risk': { healthy: 0, 'at-risk': 0, critical: atRisk.length },
      critical: { healthy: 0, 'at-risk': 0, critical: inBand(current, 'critical').length },
    });
    const expected = [...healthy, ...atRisk].map((a) => [a.id, a.band, 'critical']);
    expect(body.items.map((i) => [i.accountId, i.from.band, i.to.band]).sort()).toEqual(expected.sort());
    // healthy → critical (two bands) before at-risk → critical (one)
    expect(body.items.slice(0, healthy.length).every((i) => i.from.band === 'healthy')).toBe(true);
    expect(body.summary).toBe(
      `Approving v${v.allCritical} moves ${healthy.length} account${healthy.length === 1 ? '' : 's'} from healthy to critical and ${atRisk.length} from at-risk to critical.`,
    );
  });

  it('lines at 2/1 move exactly the at-risk and critical accounts up to healthy', async () => {
    const body = await get('root', v.allHealthy);
    const expected = [...inBand(current, 'at-risk'), ...inBand(current, 'critical')].map((a) => [
      a.id,
      a.band,
      'healthy',
    ]);
    expect(body.items.map((i) => [i.accountId, i.from.band, i.to.band]).sort()).toEqual(expected.sort());
    expect(body.matrix.healthy!.healthy).toBe(inBand(current, 'healthy').length);
  });

  it('pages the moved accounts and gives the same answer twice (deterministic)', async () => {
    const all = await get('root', v.allCritical);
    const first = await get('root', v.allCritical, 'limit=2');
    const second = await get('root', v.allCritical, 'limit=2&offset=2');
    expect([...first.items, ...second.items]).toEqual(all.items.slice(0, 4));
    expect(first.total).toBe(all.total);
  });

  it("shows a manager the team's accounts only, and refuses a CSM; an unknown version is a 404", async () => {
    const team = current.filter((a) => ['csm-a', 'csm-b', 'mgr-1'].includes(a.owner ?? ''));
    const body = await get('mgr-1', v.allCritical);
    expect(body.accounts).toBe(team.length);
    expect(body.items.map((i) => i.accountId).sort()).toEqual(
      team
        .filter((a) => a.band !== 'critical')
        .map((a) => a.id)
        .sort(),
    );
    expect((await (await f.as('csm-a')).get(`/v1/models/${v.allCritical}/band-migration`)).status).toBe(403);
    expect((await (await f.as('root')).get('/v1/models/999/band-migration')).status).toBe(404);
  });
});
