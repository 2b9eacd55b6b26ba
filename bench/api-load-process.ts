import { execFile } from 'node:child_process';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');

export type Load = {
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
};

/**
 * Runs the autocannon load generator (bench/workers/api-load.ts) in its own process and resolves with
 * its figures. Asynchronous: a server under test in the calling process keeps serving meanwhile.
 */
export function load(spec: Record<string, unknown>): Promise<Load> {
  return new Promise((resolve, reject) =>
    execFile(
      process.execPath,
      [join(root, 'bin/run-ts.js'), join(root, 'bench/workers/api-load.ts'), JSON.stringify(spec)],
      { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
      (e, out) => (e ? reject(e) : resolve(JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as Load)),
    ),
  );
}
