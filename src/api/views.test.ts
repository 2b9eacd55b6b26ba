import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_STORE_KINDS } from '../store/test-stores.ts';
import { type ApiFixture, openApiFixture } from './api-test-fixture.ts';

type View = {
  id: string;
  name: string;
  filters: Record<string, unknown>;
  builtIn: boolean;
  owner: string | null;
};

// issue 19 item 3: saved portfolio views — built-in ones for everyone (read-only), plus each
// user's own, stored per user, deleted only by their owner.
describe.each(TEST_STORE_KINDS)('saved views on %s', (kind) => {
  let f: ApiFixture;
  beforeAll(async () => {
    f = await openApiFixture(kind, { accounts: 6 });
  }, 120_000);
  afterAll(() => f?.close());

  const list = async (user: string) => {
    const r = await (await f.as(user)).get('/v1/views');
    expect(r.status).toBe(200);
    return ((await r.json()) as { items: View[] }).items;
  };

  it('lists the built-in views first, read-only, with their filters', async () => {
    const items = await list('csm-a');
    expect(items.map((v) => [v.name, v.builtIn])).toEqual([
      ['My renewals in 90 days', true],
      ['Critical enterprise', true],
    ]);
    expect(items[1]!.filters).toEqual({ band: 'critical', segment: 'enterprise', sort: '-arr' });
    const del = await (await f.as('root')).send('DELETE', `/v1/views/${items[0]!.id}`);
    expect(del.status).toBe(403);
  });

  it('saves a view per user; only its owner sees and deletes it', async () => {
    const a = await f.as('csm-a');
    const saved = await a.send('POST', '/v1/views', {
      name: 'Big at-risk',
      filters: { band: 'at-risk', sort: '-arr', renewalWithinDays: 180 },
    });
    expect(saved.status).toBe(200);
    const view = (await saved.json()) as View;
    expect(view).toMatchObject({ name: 'Big at-risk', builtIn: false, owner: 'csm-a' });
    expect((await list('csm-a')).map((v) => v.name)).toContain('Big at-risk');
    expect((await list('csm-b')).map((v) => v.name)).not.toContain('Big at-risk');
    // the same name twice is a conflict, a built-in's name too
    expect((await a.send('POST', '/v1/views', { name: 'Big at-risk', filters: {} })).status).toBe(409);
    expect((await a.send('POST', '/v1/views', { name: 'critical enterprise', filters: {} })).status).toBe(
      409,
    );
    // not the owner: refused, even for an admin; the view stays
    expect((await (await f.as('csm-b')).send('DELETE', `/v1/views/${view.id}`)).status).toBe(403);
    expect((await (await f.as('root')).send('DELETE', `/v1/views/${view.id}`)).status).toBe(403);
    expect((await list('csm-a')).map((v) => v.id)).toContain(view.id);
    expect((await a.send('DELETE', `/v1/views/${view.id}`)).status).toBe(200);
    expect((await list('csm-a')).map((v) => v.id)).not.toContain(view.id);
    expect((await a.send('DELETE', `/v1/views/${view.id}`)).status).toBe(404);
  });

  it('rejects filters it does not know, with the field named', async () => {
    const a = await f.as('csm-a');
    const r = await a.send('POST', '/v1/views', { name: 'x', filters: { band: 'purple' } });
    expect(r.status).toBe(400);
    expect(JSON.stringify(await r.json())).toMatch(/band/);
    expect((await a.send('POST', '/v1/views', { name: 'y', filters: { colour: 'red' } })).status).toBe(400);
    expect((await a.send('POST', '/v1/views', { name: '   ', filters: {} })).status).toBe(400);
    expect((await f.anonymous.get('/v1/views')).status).toBe(401);
  });
});
