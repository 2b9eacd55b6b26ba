import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../src/api/start-server.ts';
import { toSalesforceId18 } from '../src/core/integrations/crm-record-match.ts';
import { createApiKey } from '../src/engine/auth/api-keys.ts';
import { addUser } from '../src/engine/auth/users.ts';
import { contextForStore, type EngineContext } from '../src/engine/context.ts';
import { configureIntegrations, saveConnection } from '../src/engine/integrations/connections.ts';
import { pushCrm } from '../src/engine/integrations/push-crm.ts';
import { HubspotTestServer } from '../src/engine/integrations/test-servers/hubspot-test-server.ts';
import { SalesforceTestServer } from '../src/engine/integrations/test-servers/salesforce-test-server.ts';
import { openStore, type Store } from '../src/store/database.ts';
import {
  seedScoreFixtures,
  updateFixtureScores,
} from '../src/store/queries/integrations/seed-score-fixtures.ts';
import type { BenchOptions, BenchRow } from './bench-row.ts';

/**
 * CRM write-back and Segment ingest against local vendor test servers:
 * - a full HubSpot push of N changed accounts (batch calls, wall time) vs the same batch/update
 *   requests sent with bare fetch (the floor: no store, no matching, no client);
 * - a full Salesforce push of N accounts (Bulk API jobs, wall time) vs the same job's HTTP calls by fetch;
 * - an incremental push of 50 changed accounts (calls);
 * - Segment batches vs POST /v1/events carrying the same events (events/s, same server, same store).
 */
const KEY = Buffer.alloc(32, 11).toString('base64');

async function fresh(n: number, traits: (i: number) => Record<string, unknown>) {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-int-bench-'));
  const store = await openStore({ url: join(dir, 'vigil.db') });
  const ctx = contextForStore(store);
  configureIntegrations(ctx, { secretKey: KEY });
  await seedScoreFixtures(
    store,
    Array.from({ length: n }, (_, i) => ({
      id: `acc-${i}`,
      traits: traits(i),
      score: 20 + (i % 80),
      band: 'at-risk',
    })),
    new Date().toISOString(),
  );
  return { dir, store, ctx };
}
const done = async (x: { dir: string; store: Store }) => {
  await x.store.close();
  rmSync(x.dir, { recursive: true, force: true });
};

async function hubspot(n: number): Promise<BenchRow[]> {
  const hs = await new HubspotTestServer().start();
  const env = await fresh(n, (i) => ({ hubspotId: String(100000 + i) }));
  for (let i = 0; i < n; i++) hs.companies.set(String(100000 + i), {});
  for (const f of [
    'vigil_health_score',
    'vigil_health_band',
    'vigil_trend_30d',
    'vigil_coverage',
    'vigil_top_warning',
    'vigil_churn_probability',
    'vigil_account_url',
  ])
    hs.properties.set(f, {
      name: f,
      type: 'string',
      fieldType: 'text',
      groupName: 'companyinformation',
      label: f,
    });
  await saveConnection(
    env.ctx,
    { id: 'hs', kind: 'hubspot', settings: { baseUrl: hs.url }, secrets: { accessToken: hs.token } },
    { source: 'api', actor: 'bench' },
  );
  let t = performance.now();
  const full = await pushCrm(env.ctx, 'hs');
  const fullMs = performance.now() - t;
  const batches = hs.calls('POST', '/crm/v3/objects/companies/batch/update');
  // reference: the same request bodies, sent one after another with bare fetch
  t = performance.now();
  for (const b of batches)
    await (
      await fetch(`${hs.url}${b.path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${hs.token}`, 'content-type': 'application/json' },
        body: b.body,
      })
    ).arrayBuffer();
  const refMs = performance.now() - t;
  await updateFixtureScores(
    env.store,
    Array.from({ length: 50 }, (_, i) => ({ id: `acc-${i * 3}`, score: 5, band: 'critical' })),
    new Date().toISOString(),
  );
  hs.requests.length = 0;
  const inc = await pushCrm(env.ctx, 'hs');
  const incCalls = hs.calls('POST', '/crm/v3/objects/companies/batch/update').length;
  await done(env);
  await hs.stop();
  if (full.pushed !== n || inc.pushed !== 50)
    throw new Error(`HubSpot bench pushed ${full.pushed}/${n}, ${inc.pushed}/50`);
  return [
    {
      workload: `HubSpot full push, ${n} changed accounts`,
      metric: 'batch update calls',
      vigil: batches.length,
      reference: Math.ceil(n / 100),
      referenceName: 'target ≤ N/100',
      unit: 'calls',
      lowerIsBetter: true,
    },
    {
      workload: `HubSpot full push, ${n} changed accounts`,
      metric: 'wall time',
      vigil: fullMs,
      reference: refMs,
      referenceName: 'same requests, bare fetch',
      unit: 'ms',
      lowerIsBetter: true,
      note: "includes @hubspot/api-client's own limiter (9 requests/s, HubSpot's burst limit)",
    },
    {
      workload: 'HubSpot incremental push, 50 changed',
      metric: 'batch update calls',
      vigil: incCalls,
      reference: 1,
      referenceName: 'target',
      unit: 'calls',
      lowerIsBetter: true,
    },
  ];
}

async function salesforce(n: number): Promise<BenchRow[]> {
  const sf = await new SalesforceTestServer().start();
  sf.addVigilFields();
  const id = (i: number) => toSalesforceId18(`001D0000${String(i).padStart(7, '0')}`) as string;
  const env = await fresh(n, (i) => ({ salesforceId: id(i) }));
  for (let i = 0; i < n; i++) sf.records.set(id(i), { Name: `a${i}` });
  await saveConnection(
    env.ctx,
    {
      id: 'sf',
      kind: 'salesforce',
      settings: { instanceUrl: sf.url, bulkPollMs: 50 },
      secrets: { accessToken: sf.token },
    },
    { source: 'api', actor: 'bench' },
  );
  let t = performance.now();
  const full = await pushCrm(env.ctx, 'sf');
  const fullMs = performance.now() - t;
  const jobs = sf.calls('POST', `${sf.base}/jobs/ingest`).length;
  const csv = [...sf.jobs.values()][0]?.csv ?? '';
  // reference: the job's HTTP calls by bare fetch (create, upload, close, one poll, results)
  const h = { authorization: `Bearer ${sf.token}`, 'content-type': 'application/json' };
  t = performance.now();
  const job = (await (
    await fetch(`${sf.url}${sf.base}/jobs/ingest`, {
      method: 'POST',
      headers: h,
      body: JSON.stringify({ object: 'Account', operation: 'update', lineEnding: 'LF' }),
    })
  ).json()) as { id: string };
  await fetch(`${sf.url}${sf.base}/jobs/ingest/${job.id}/batches`, {
    method: 'PUT',
    headers: { ...h, 'content-type': 'text/csv' },
    body: csv,
  });
  await fetch(`${sf.url}${sf.base}/jobs/ingest/${job.id}`, {
    method: 'PATCH',
    headers: h,
    body: JSON.stringify({ state: 'UploadComplete' }),
  });
  await (await fetch(`${sf.url}${sf.base}/jobs/ingest/${job.id}`, { headers: h })).json();
  for (const r of ['successfulResults', 'failedResults', 'unprocessedrecords'])
    await (await fetch(`${sf.url}${sf.base}/jobs/ingest/${job.id}/${r}/`, { headers: h })).text();
  const refMs = performance.now() - t;
  await done(env);
  await sf.stop();
  if (full.pushed !== n) throw new Error(`Salesforce bench pushed ${full.pushed}/${n}`);
  return [
    {
      workload: `Salesforce full push, ${n} changed accounts`,
      metric: 'Bulk API 2.0 jobs',
      vigil: jobs,
      reference: 1,
      referenceName: 'target ≤ 1',
      unit: 'jobs',
      lowerIsBetter: true,
    },
    {
      workload: `Salesforce full push, ${n} changed accounts`,
      metric: 'wall time',
      vigil: fullMs,
      reference: refMs,
      referenceName: 'same job calls, bare fetch',
      unit: 'ms',
      lowerIsBetter: true,
      note: 'includes one 50 ms poll interval',
    },
  ];
}

async function segmentVsEvents(n: number): Promise<BenchRow[]> {
  const BATCH = 500;
  const day = (i: number) => `2026-0${1 + (i % 6)}-${String(1 + (i % 28)).padStart(2, '0')}T10:00:00Z`;
  const ids = (from: number, count: number) =>
    Array.from({ length: Math.min(BATCH, count - from) }, (_, k) => from + k);
  const segBody = (from: number, count: number, tag: string) => ({
    batch: ids(from, count).map((i) => ({
      type: 'track',
      messageId: `${tag}${i}`,
      userId: `u${i % 50}`,
      event: 'Report Exported',
      context: { groupId: `acc-${i % 200}` },
      timestamp: day(i),
    })),
  });
  const apiBody = (from: number, count: number, tag: string) => ({
    events: ids(from, count).map((i) => ({
      id: `${tag}${i}`,
      accountId: `acc-${i % 200}`,
      contactId: `u${i % 50}`,
      type: 'usage_custom',
      time: day(i),
      properties: { metric: 'Report Exported', count: 1 },
    })),
  });
  // each side on its own fresh store and server (neither inherits the other's rollup pages), both warmed
  // up with one batch; then the same batches go to the two sides in turn (ABBA order), each request
  // timed on its own, so both sides see the same load of this shared machine over the same seconds
  const setup = async (side: 'segment' | 'api') => {
    const env = await fresh(200, () => ({}));
    const ctx: EngineContext = env.ctx;
    await addUser(ctx, { id: 'root', role: 'admin', password: 'bench password 1', actor: 'bench' });
    const key = await createApiKey(ctx, { userId: 'root', name: 'bench', scope: 'ingest', actor: 'bench' });
    await saveConnection(
      ctx,
      { id: 'seg', kind: 'segment', secrets: { writeKey: 'wk' } },
      { source: 'api', actor: 'bench' },
    );
    const server = await startServer(ctx, {
      port: 0,
      host: '127.0.0.1',
      limits: { rateLimitPerSecond: 1e9, rateLimitBurst: 1e9 },
    });
    let ms = 0;
    const post = async (from: number, count: number, tag: string) => {
      const body = JSON.stringify(side === 'segment' ? segBody(from, count, tag) : apiBody(from, count, tag));
      const t = performance.now();
      const r = await fetch(
        side === 'segment' ? `${server.url}/hooks/segment/v1/batch` : `${server.url}/v1/events`,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization:
              side === 'segment' ? `Basic ${Buffer.from('wk:').toString('base64')}` : `Bearer ${key.key}`,
          },
          body,
        },
      );
      const text = await r.text();
      ms += performance.now() - t;
      if (!r.ok) throw new Error(`${side}: ${r.status} ${text}`);
      const report = JSON.parse(text) as { accepted: number };
      if (report.accepted !== Math.min(BATCH, count - from))
        throw new Error(`${side}: ${text.slice(0, 300)}`);
    };
    return {
      post,
      elapsed: () => ms,
      close: async () => {
        await server.close();
        await done(env);
      },
    };
  };
  const api = await setup('api');
  const seg = await setup('segment');
  await api.post(0, BATCH, 'warm');
  await seg.post(0, BATCH, 'warm');
  const apiBefore = api.elapsed();
  const segBefore = seg.elapsed();
  for (let from = 0, k = 0; from < n; from += BATCH, k++) {
    const [first, second] = k % 2 === 0 ? [api, seg] : [seg, api];
    await first.post(from, n, 'e');
    await second.post(from, n, 'e');
  }
  const apiRate = n / ((api.elapsed() - apiBefore) / 1000);
  const segRate = n / ((seg.elapsed() - segBefore) / 1000);
  await api.close();
  await seg.close();
  return [
    {
      workload: `Segment batches vs POST /v1/events, ${n} events in batches of ${BATCH}`,
      metric: 'ingest throughput',
      vigil: segRate,
      reference: apiRate,
      referenceName: 'POST /v1/events',
      unit: 'events/s',
      lowerIsBetter: false,
      note: 'same events; each side its own fresh store and server; batches sent to the two in turn (ABBA), each request timed (client → answer)',
    },
  ];
}

export default async function integrationsBench({ quick }: BenchOptions): Promise<BenchRow[]> {
  const n = quick ? 2000 : 10_000;
  return [
    ...(await hubspot(n)),
    ...(await salesforce(n)),
    ...(await segmentVsEvents(quick ? 20_000 : 50_000)),
  ];
}
