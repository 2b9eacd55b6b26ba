// autocannon ships no types; the bench uses this much of it.
declare module 'autocannon' {
  type Histogram = { p50: number; p99: number; average: number; total: number };
  type Result = { requests: Histogram; latency: Histogram; non2xx: number; errors: number; timeouts: number };
  export default function autocannon(options: Record<string, unknown>): Promise<Result>;
}
