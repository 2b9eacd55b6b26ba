/**
 * Parse thread of the importer (parse-pool.ts): reads the files it is given, one at a time, with
 * parse-file.ts, and posts their chunks back. It never runs more than `AHEAD` chunks ahead of
 * what the main thread has written (each written chunk is acknowledged), so memory stays bounded
 * however large the file.
 */
import { parentPort } from 'node:worker_threads';
import { type ParseJob, type ParseMessage, parseFile } from './parse-file.ts';
import { type FromMain, PARSE_AHEAD, toErrorMessage } from './parse-pool.ts';

const port = parentPort!;
const queue: { id: number; job: ParseJob }[] = [];
const credits = new Map<number, number>();
const waiters = new Map<number, () => void>();
const cancelled = new Set<number>();
let running = false;

class Cancelled extends Error {}

port.on('message', (msg: FromMain) => {
  if (msg.t === 'job') {
    credits.set(msg.id, PARSE_AHEAD);
    queue.push({ id: msg.id, job: msg.job });
    void pump();
    return;
  }
  if (msg.t === 'ack') {
    const c = credits.get(msg.id);
    if (c !== undefined) credits.set(msg.id, c + 1);
  } else cancelled.add(msg.id);
  waiters.get(msg.id)?.();
});

async function pump() {
  if (running) return;
  running = true;
  while (queue.length > 0) {
    const { id, job } = queue.shift()!;
    if (!cancelled.has(id)) await runJob(id, job);
    credits.delete(id);
    cancelled.delete(id);
    waiters.delete(id);
  }
  running = false;
}

async function runJob(id: number, job: ParseJob) {
  const emit = async (m: ParseMessage) => {
    if (m.t === 'chunk')
      while ((credits.get(id) ?? 0) <= 0 && !cancelled.has(id))
        await new Promise<void>((resolve) => waiters.set(id, resolve));
    if (cancelled.has(id)) throw new Cancelled();
    if (m.t === 'chunk') credits.set(id, credits.get(id)! - 1);
    port.postMessage({ id, m });
  };
  try {
    await parseFile(job, emit);
  } catch (e) {
    if (!(e instanceof Cancelled)) port.postMessage({ id, m: toErrorMessage(e) });
  }
}
