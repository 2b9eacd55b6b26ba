// Parse threads for imports: usage and timeline files are read, validated and rolled up in worker
// threads (parse-file.ts) while the main thread writes the previous chunks. Each file is read
// whole by one thread, in order, so what the main thread receives does not depend on how many
// threads there are (or none: the same reader then runs on the calling thread).
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { AppError, type ErrorCode, isAppError } from '../../core/errors.ts';
import { type ParseJob, type ParseMessage, parseFile } from './parse-file.ts';

/** Chunks a reader may run ahead of the writer, per file. */
export const PARSE_AHEAD = 3;

export type FromMain = { t: 'job'; id: number; job: ParseJob } | { t: 'ack' | 'cancel'; id: number };
type FromWorker = { id: number; m: ParseMessage };

/**
 * Parse threads for an import: $VIGIL_IMPORT_THREADS, else one fewer than the cores and at least
 * 1 (the main thread is the writer): on 2 cores, one parse thread and the writer. Each thread
 * is a V8 heap of its own (~200 MB while reading a 30,000-account month), so more threads than
 * that would cost the 1 GB memory budget more than they gain. 0 reads on the calling thread.
 */
export function importThreads(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.VIGIL_IMPORT_THREADS;
  if (raw !== undefined && raw !== '') {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0 || n > 64)
      throw new AppError('BAD_INPUT', `VIGIL_IMPORT_THREADS must be an integer 0..64, got "${raw}"`);
    return n;
  }
  return Math.max(1, availableParallelism() - 1);
}

export function toErrorMessage(e: unknown): ParseMessage {
  if (isAppError(e)) return { t: 'error', code: e.code, message: e.message, details: e.details };
  const err = e instanceof Error ? e : new Error(String(e));
  return { t: 'error', code: 'INTERNAL', message: err.message, stack: err.stack };
}

/** A file being read: its messages in order (`sha`, then chunks, then `end` or `error`). */
export interface ParseStream {
  next(): Promise<ParseMessage>;
  /** The chunk last taken is written: the reader may read one more. */
  ack(): void;
  /** Stop reading (the file is unchanged, or its import failed). */
  cancel(): void;
}

/** A queue of messages with a waiting reader. */
class Inbox {
  private readonly items: ParseMessage[] = [];
  private waiting: ((m: ParseMessage) => void) | null = null;
  push(m: ParseMessage) {
    const w = this.waiting;
    if (w) {
      this.waiting = null;
      w(m);
    } else this.items.push(m);
  }
  next(): Promise<ParseMessage> {
    const m = this.items.shift();
    if (m) return Promise.resolve(m);
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }
}

/** Reads on the calling thread, one chunk ahead at most (pool size 0, small imports). */
function inlineStream(job: ParseJob): ParseStream {
  const inbox = new Inbox();
  let credit = 1;
  let wake: (() => void) | null = null;
  let cancelled = false;
  const emit = async (m: ParseMessage) => {
    if (m.t === 'chunk') {
      while (credit <= 0 && !cancelled) await new Promise<void>((r) => (wake = r));
      credit--;
    }
    if (cancelled) throw new Cancelled();
    inbox.push(m);
  };
  parseFile(job, emit).catch((e) => {
    if (!(e instanceof Cancelled)) inbox.push(toErrorMessage(e));
  });
  const poke = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  return {
    next: () => inbox.next(),
    ack() {
      credit++;
      poke();
    },
    cancel() {
      cancelled = true;
      poke();
    },
  };
}
class Cancelled extends Error {}

/** The thread entry: the compiled dist/…/parse.worker.js, or (from the sources) a tsx bootstrap. */
function workerEntry(): string {
  const here = fileURLToPath(import.meta.url);
  if (extname(here) === '.ts') return join(dirname(here), 'parse-worker-dev.mjs');
  let dir = dirname(here);
  while (!existsSync(join(dir, 'engine', 'import', 'parse.worker.js'))) {
    const up = dirname(dir);
    if (up === dir)
      throw new AppError('INTERNAL', 'parse.worker.js is missing from the build (npm run build)');
    dir = up;
  }
  return join(dir, 'engine', 'import', 'parse.worker.js');
}

type Thread = { worker: Worker; inboxes: Map<number, Inbox>; jobs: number };
const threads: Thread[] = [];
let nextId = 1;
let nextThread = 0;

function thread(i: number): Thread {
  let t = threads[i];
  if (t) return t;
  const worker = new Worker(workerEntry());
  // an idle parse thread does not keep the process alive
  worker.unref();
  const inboxes = new Map<number, Inbox>();
  t = { worker, inboxes, jobs: 0 };
  threads[i] = t;
  worker.on('message', ({ id, m }: FromWorker) => {
    const inbox = inboxes.get(id);
    if (!inbox) return;
    inbox.push(m);
    if (m.t === 'end' || m.t === 'error') inboxes.delete(id);
  });
  const fail = (e: unknown) => {
    threads[i] = undefined as never;
    for (const inbox of inboxes.values()) inbox.push(toErrorMessage(e));
    inboxes.clear();
  };
  worker.on('error', fail);
  worker.on('exit', (code) => {
    if (threads[i] === t) fail(new Error(`an import parse thread exited (code ${code})`));
  });
  return t;
}

/**
 * Starts reading `job` now: on the next of `size` parse threads (round robin, so consecutive
 * files are read side by side), or on the calling thread when `size` is 0.
 */
export function openParseStream(job: ParseJob, size: number): ParseStream {
  if (size <= 0) return inlineStream(job);
  const t = thread(nextThread++ % size);
  const id = nextId++;
  const inbox = new Inbox();
  t.inboxes.set(id, inbox);
  // while a file is being read the thread keeps the process alive
  if (t.jobs++ === 0) t.worker.ref();
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    if (--t.jobs === 0) t.worker.unref();
  };
  t.worker.postMessage({ t: 'job', id, job } satisfies FromMain);
  return {
    async next() {
      const m = await inbox.next();
      if (m.t === 'end' || m.t === 'error') finish();
      return m;
    },
    ack: () => t.worker.postMessage({ t: 'ack', id } satisfies FromMain),
    cancel() {
      t.inboxes.delete(id);
      t.worker.postMessage({ t: 'cancel', id } satisfies FromMain);
      finish();
    },
  };
}

/** The AppError (or internal error) a reader's `error` message stands for. */
export function parseError(m: Extract<ParseMessage, { t: 'error' }>): Error {
  if (m.code === 'INTERNAL') {
    const e = new Error(m.message);
    if (m.stack) e.stack = m.stack;
    return e;
  }
  return new AppError(m.code as ErrorCode, m.message, m.details);
}

/** Ends the parse threads (tests). */
export async function closeParsePool(): Promise<void> {
  const all = threads.splice(0).filter(Boolean);
  await Promise.all(all.map((t) => t.worker.terminate()));
}
