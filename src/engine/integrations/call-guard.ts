import { AppError } from '../../core/errors.ts';
import { spendConnectionBudget } from '../../store/queries/integrations/connection-rows.ts';
import type { EngineContext } from '../context.ts';

/** Why a sync stopped before it was done; what was confirmed so far is kept, the rest resumes next run. */
export type StopReason = 'budget-spent' | 'rate-limited';

export class SyncStopped extends AppError {
  readonly reason: StopReason;
  constructor(reason: StopReason, message: string, retryAfterSeconds?: number) {
    super('RATE_LIMITED', message, retryAfterSeconds === undefined ? undefined : { retryAfterSeconds });
    this.reason = reason;
  }
}

export type CallGuardOptions = {
  connectionId: string;
  vendor: string;
  dailyCallBudget: number | null;
  maxRetryAfterSeconds: number;
  /** Seconds to wait when `e` is a rate-limit answer (429 Retry-After), else null. */
  rateLimitOf: (e: unknown) => number | null;
  sleep?: (ms: number) => Promise<void>;
};

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Every vendor call of a sync goes through here: it is taken from the
 * connection's daily budget first (a spent budget stops the sync with a clear
 * message), and a 429 is retried after the vendor's Retry-After, up to
 * `maxRetryAfterSeconds` per wait and 5 waits; beyond that the sync stops.
 */
export class CallGuard {
  calls = 0;
  waits = 0;
  constructor(
    private readonly ctx: EngineContext,
    private readonly o: CallGuardOptions,
  ) {}

  async call<T>(what: string, fn: () => Promise<T>, cost = 1): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const day = this.ctx.clock.now().toISOString().slice(0, 10);
      if (
        !(await spendConnectionBudget(this.ctx.store, this.o.connectionId, day, cost, this.o.dailyCallBudget))
      )
        throw new SyncStopped(
          'budget-spent',
          `the daily budget of ${this.o.dailyCallBudget} ${this.o.vendor} API calls of connection ${this.o.connectionId} is spent (${day}); the rest is pushed after 00:00 UTC`,
        );
      this.calls += cost;
      try {
        return await fn();
      } catch (e) {
        const wait = this.o.rateLimitOf(e);
        if (wait === null) throw e;
        if (wait > this.o.maxRetryAfterSeconds || attempt >= 5)
          throw new SyncStopped(
            'rate-limited',
            `${this.o.vendor} kept answering 429 Too Many Requests on ${what} (Retry-After ${wait}s after ${attempt + 1} tries); stopped, the rest resumes on the next run`,
            wait,
          );
        this.waits++;
        this.ctx.logger.warn(`${this.o.vendor} rate limit: waiting`, {
          connection: this.o.connectionId,
          what,
          seconds: wait,
        });
        await (this.o.sleep ?? realSleep)(wait * 1000);
      }
    }
  }
}

/** Seconds from a Retry-After header value (delta-seconds or HTTP date); 1 when absent or unreadable. */
export function retryAfterSeconds(value: string | null | undefined, now: Date): number {
  if (!value) return 1;
  const n = Number(value);
  if (Number.isFinite(n)) return Math.max(0, n);
  const t = Date.parse(value);
  return Number.isFinite(t) ? Math.max(0, Math.ceil((t - now.getTime()) / 1000)) : 1;
}
