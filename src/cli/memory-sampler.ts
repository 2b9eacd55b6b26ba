import { appendFileSync } from 'node:fs';

/**
 * With `VIGIL_MEMORY_SAMPLE_FILE` set, appends the process's memory (`process.memoryUsage()`: RSS,
 * V8 heap used and total, external and array buffers, in bytes) as one NDJSON line every
 * `VIGIL_MEMORY_SAMPLE_SECONDS` (default 10): what a soak needs to tell a leak in the JavaScript
 * heap from caches that fill and stop (SQLite's page cache counts in RSS, not in the heap).
 * Returns a stop function (a no-op when the variable is unset).
 */
export function startMemorySampler(env: NodeJS.ProcessEnv = process.env): () => void {
  const file = env.VIGIL_MEMORY_SAMPLE_FILE;
  if (!file) return () => {};
  const seconds = Number(env.VIGIL_MEMORY_SAMPLE_SECONDS ?? 10);
  const every = Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 10_000;
  const t0 = Date.now();
  const sample = () => {
    const m = process.memoryUsage();
    appendFileSync(
      file,
      `${JSON.stringify({
        at: new Date().toISOString(),
        s: Math.round((Date.now() - t0) / 1000),
        rss: m.rss,
        heapUsed: m.heapUsed,
        heapTotal: m.heapTotal,
        external: m.external,
        arrayBuffers: m.arrayBuffers,
      })}\n`,
    );
  };
  sample();
  const timer = setInterval(sample, every);
  timer.unref();
  return () => {
    clearInterval(timer);
    sample();
  };
}
