import type { ScoreChange } from '../../core/playbooks/score-change.ts';
import type { EngineContext } from '../context.ts';
import { deliverOutbox } from './deliver-outbox.ts';
import { type RunPlaybooksOptions, runPlaybooks } from './run-playbooks.ts';

export type AttachPlaybooksOptions = {
  /** Collect score changes for this long before a run (default 200 ms): one run per rescore batch. */
  debounceMs?: number;
  /** How often due retries are delivered when nothing else happens (default 15 s; 0 = never). */
  pollMs?: number;
  workerId?: string;
  run?: RunPlaybooksOptions;
};

export type AttachedPlaybooks = {
  /** Resolves when every change seen so far has been run and delivered. */
  idle(): Promise<void>;
  detach(): void;
};

/**
 * Wires playbooks to rescoring in a long-running process (the server): every
 * `score-changed` on the bus is run through the playbooks within a debounce,
 * then the outbox is delivered, so a band change caused by one new event has
 * its task and notification within seconds. Runs are serialized; failures are
 * logged and the changes are not retried here (the next on-demand sweep or
 * rescore covers them, and dedupe keeps that safe).
 */
export function attachPlaybooks(ctx: EngineContext, options: AttachPlaybooksOptions = {}): AttachedPlaybooks {
  const workerId = options.workerId ?? `server-${process.pid}`;
  let pending: ScoreChange[] = [];
  let timer: NodeJS.Timeout | null = null;
  let chain: Promise<void> = Promise.resolve();

  const flush = () => {
    timer = null;
    const batch = pending;
    pending = [];
    chain = chain.then(async () => {
      try {
        if (batch.length > 0) {
          const r = await runPlaybooks(ctx, batch, options.run);
          if (r.tasksCreated > 0 || r.suppressedTotal > 0)
            ctx.logger.info('playbooks ran', {
              changes: batch.length,
              tasks: r.tasksCreated,
              suppressed: r.suppressed,
            });
        }
        await deliverOutbox(ctx, { workerId, limit: 200, settings: options.run?.settings });
      } catch (e) {
        ctx.logger.error('playbook run failed', { error: (e as Error).message });
      }
    });
  };
  const onChange = (c: ScoreChange) => {
    pending.push(c);
    if (!timer) timer = setTimeout(flush, options.debounceMs ?? 200);
  };
  ctx.bus.on('score-changed', onChange as never);
  const poll =
    (options.pollMs ?? 15_000) > 0
      ? setInterval(() => {
          if (!timer) flush();
        }, options.pollMs ?? 15_000)
      : null;
  poll?.unref();
  return {
    async idle() {
      if (timer) {
        clearTimeout(timer);
        flush();
      }
      await chain;
    },
    detach() {
      ctx.bus.off('score-changed', onChange as never);
      if (timer) clearTimeout(timer);
      if (poll) clearInterval(poll);
    },
  };
}
