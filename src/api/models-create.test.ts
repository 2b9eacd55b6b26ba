import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_STORE_KINDS } from '../store/test-stores.ts';
import { type ApiFixture, openApiFixture } from './api-test-fixture.ts';

/** POST /v1/models: a proposed model with custom signals, admins only, errors naming the field. */
describe.each(TEST_STORE_KINDS)('POST /v1/models (%s)', (kind) => {
  let f: ApiFixture;
  beforeAll(async () => {
    f = await openApiFixture(kind, { accounts: 10 });
  }, 120_000);
  afterAll(async () => {
    await f.close();
  });

  const custom = {
    id: 'employees-band',
    label: 'Company size',
    category: 'business',
    weight: 1,
    source: { trait: 'employees' },
    thresholds: [
      [10, 20],
      [500, 100],
    ],
  };

  it('stores the active model plus custom signals as a proposal that GET returns', async () => {
    const admin = await f.as('root');
    const r = await admin.send('POST', '/v1/models', { document: { custom: [custom] }, name: 'sized' });
    expect(r.status).toBe(200);
    const body = (await r.json()) as { version: number; status: string; customSignals: string[] };
    expect(body.status).toBe('proposed');
    expect(body.customSignals).toEqual(['employees-band']);
    const got = (await (await admin.get(`/v1/models/${body.version}`)).json()) as {
      name: string;
      document: { custom: { id: string }[] };
    };
    expect(got.name).toBe('sized');
    expect(got.document.custom.map((c) => c.id)).toEqual(['employees-band']);
  });

  it('refuses non-admins and names the bad field', async () => {
    const csm = await f.as('csm-a');
    expect((await csm.send('POST', '/v1/models', { document: { custom: [custom] } })).status).toBe(403);
    const admin = await f.as('root');
    const bad = await admin.send('POST', '/v1/models', {
      document: {
        custom: [
          {
            ...custom,
            thresholds: [
              [500, 100],
              [10, 20],
            ],
          },
        ],
      },
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain('custom.0.thresholds');
  });
});
