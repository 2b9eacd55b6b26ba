/**
 * The load generator of bench/api.bench.ts, in its own process so it does not share the event
 * loop with the server it measures. Args: one JSON object (see LoadSpec). Prints one JSON line.
 */
import autocannon from 'autocannon';

type LoadSpec = {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  durationSeconds: number;
  connections: number;
  /** Requests per second across all connections (sustained-load runs); unset = as fast as possible. */
  overallRate?: number;
  /** POST bodies: batches of `size` login events with unique ids over these accounts. */
  batch?: { accounts: string[]; size: number; prefix: string };
};

const spec = JSON.parse(process.argv[2] ?? '{}') as LoadSpec;
let seq = 0;
const makeBody = () => {
  const b = spec.batch;
  if (!b) return undefined;
  const time = new Date(Date.now() - 60_000).toISOString();
  const events = [];
  for (let i = 0; i < b.size; i++) {
    const n = seq++;
    events.push({
      id: `${b.prefix}-${n}`,
      accountId: b.accounts[n % b.accounts.length],
      contactId: `bench-user-${n % 50}`,
      type: 'login',
      time,
      properties: { count: 1 },
    });
  }
  return JSON.stringify({ events });
};

const result = await autocannon({
  url: spec.url,
  connections: spec.connections,
  duration: spec.durationSeconds,
  ...(spec.overallRate ? { overallRate: spec.overallRate } : {}),
  requests: [
    {
      method: spec.method,
      headers: { ...spec.headers, ...(spec.batch ? { 'content-type': 'application/json' } : {}) },
      ...(spec.batch
        ? { setupRequest: (req: Record<string, unknown>) => ({ ...req, body: makeBody() }) }
        : {}),
    },
  ],
});
process.stdout.write(
  `${JSON.stringify({
    requests: result.requests.total,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  })}\n`,
);
