import { randomUUID } from 'node:crypto';
import type { ScoreResult } from '../../core/scoring/score-result.ts';
import type { BusEvents } from '../bus.ts';
import type { EngineContext } from '../context.ts';

export const BUS_CHANNEL = 'vigil_bus';
// NOTIFY payloads must stay under 8,000 bytes
const MAX_PAYLOAD = 7000;

type ScoreNote = { a: string; o: string | null; p: { score: number; band: string } | null };
type TaskNote = BusEvents['task-changed'][0];
type Message = { origin: string; scores?: ScoreNote[]; tasks?: TaskNote[] };

export type BusBridge = { stop(): Promise<void> };

/**
 * With several processes on one PostgreSQL database (API servers, `vigil worker`s), a score change
 * made by any of them must reach the live streams of all of them. Local `score-changed` and
 * `task-changed` events are published with NOTIFY (batched every `flushMs`); notifications from other
 * processes are re-emitted on the local bus, with the full score read back from current_scores.
 * SQLite is one process: no bridge is needed.
 */
export async function startBusBridge(
  ctx: EngineContext,
  options: { flushMs?: number } = {},
): Promise<BusBridge> {
  const open = ctx.store.capabilities.openNotifyChannel;
  if (!open) return { stop: async () => {} };
  const origin = randomUUID();
  // NOTIFY is per database; the store gives one channel per schema, so two Vigils in one database (tests) stay apart
  const channel = await open(BUS_CHANNEL);
  const remote = new WeakSet<object>();
  let scores: ScoreNote[] = [];
  let tasks: TaskNote[] = [];
  let timer: NodeJS.Timeout | null = null;
  let chain = Promise.resolve();

  const flush = () => {
    timer = null;
    const [s, t] = [scores, tasks];
    scores = [];
    tasks = [];
    chain = chain
      .then(async () => {
        const messages: Message[] = [];
        let cur: Message = { origin };
        const push = (key: 'scores' | 'tasks', item: ScoreNote | TaskNote) => {
          const next = { ...cur, [key]: [...((cur[key] as unknown[]) ?? []), item] } as Message;
          if (JSON.stringify(next).length > MAX_PAYLOAD && (cur.scores || cur.tasks)) {
            messages.push(cur);
            cur = { origin, [key]: [item] } as Message;
          } else cur = next;
        };
        for (const x of s) push('scores', x);
        for (const x of t) push('tasks', x);
        if (cur.scores || cur.tasks) messages.push(cur);
        for (const m of messages) await channel.publish(JSON.stringify(m));
      })
      .catch((e: unknown) => ctx.logger.warn('bus bridge publish failed', { error: (e as Error).message }));
  };
  const schedule = () => {
    timer ??= setTimeout(flush, options.flushMs ?? 50);
  };
  const onScore = (e: BusEvents['score-changed'][0]) => {
    if (remote.has(e)) return;
    scores.push({ a: e.accountId, o: e.owner, p: e.previous });
    schedule();
  };
  const onTask = (e: TaskNote) => {
    if (remote.has(e)) return;
    tasks.push(e);
    schedule();
  };

  const listener = await channel.listen((payload) => {
    let m: Message;
    try {
      m = JSON.parse(payload) as Message;
    } catch {
      return;
    }
    if (m.origin === origin) return;
    for (const t of m.tasks ?? []) {
      const e = { ...t };
      remote.add(e);
      ctx.bus.emit('task-changed', e);
    }
    const notes = m.scores ?? [];
    if (notes.length === 0) return;
    void ctx.store.scores
      .currentDetails(notes.map((x) => x.a))
      .then((rows) => {
        const detail = new Map(rows.map((r) => [r.account_id, JSON.parse(r.detail) as ScoreResult]));
        for (const x of notes) {
          const current = detail.get(x.a);
          if (!current) continue;
          const e = {
            accountId: x.a,
            owner: x.o,
            previous: x.p as BusEvents['score-changed'][0]['previous'],
            current,
          };
          remote.add(e);
          ctx.bus.emit('score-changed', e);
        }
      })
      .catch((e: unknown) => ctx.logger.warn('bus bridge read failed', { error: (e as Error).message }));
  });
  ctx.bus.on('score-changed', onScore);
  ctx.bus.on('task-changed', onTask);
  return {
    async stop() {
      ctx.bus.off('score-changed', onScore);
      ctx.bus.off('task-changed', onTask);
      if (timer) {
        clearTimeout(timer);
        flush();
      }
      await chain;
      await listener.close();
    },
  };
}
