import type { EngineContext } from '../context.ts';
import { recomputeScores } from '../scoring/recompute-scores.ts';

export type WorkerHandle = { stop(): Promise<void>; readonly rounds: number };

/**
 * The background loop: claims accounts with new data, rescores them (and
 * hands the changes to the playbooks), then sleeps briefly. Several workers
 * may run against one PostgreSQL database; claims keep them apart.
 */
export function startWorker(
  ctx: EngineContext,
  options: {
    intervalMs?: number;
    workerId?: string;
    onChanges?: (n: number) => void;
    onClaim?: (accountIds: string[]) => void;
    batchSize?: number;
  } = {},
): WorkerHandle {
  let stopped = false;
  let rounds = 0;
  let wake: (() => void) | null = null;
  const interval = options.intervalMs ?? 1000;
  // new data wakes the loop at once: a note or event shows in the score within a second
  const onDirty = () => wake?.();
  ctx.bus.on('accounts-dirty', onDirty);
  const loop = (async () => {
    while (!stopped) {
      try {
        const r = await recomputeScores(ctx, {
          workerId: options.workerId,
          batchSize: options.batchSize,
          onClaim: (claims) => options.onClaim?.(claims.map((c) => `${c.accountId}@${c.version}`)),
        });
        rounds++;
        if (r.changes.length > 0) options.onChanges?.(r.changes.length);
      } catch (e) {
        ctx.logger.error('worker round failed', { error: (e as Error).message });
      }
      if (stopped) break;
      await new Promise<void>((res) => {
        wake = res;
        setTimeout(res, interval).unref();
      });
    }
  })();
  return {
    get rounds() {
      return rounds;
    },
    async stop() {
      stopped = true;
      ctx.bus.off('accounts-dirty', onDirty);
      wake?.();
      await loop;
    },
  };
}
