import { createHash } from 'node:crypto';
import {
  AckPolicy,
  connect,
  DeliverPolicy,
  type JetStreamManager,
  type JsMsg,
  type NatsConnection,
  nanos,
  RetentionPolicy,
  StorageType,
} from 'nats';
import { AppError } from '../../core/errors.ts';
import type { EngineContext } from '../context.ts';
import { ingestEvents, MAX_BATCH, settleIngest } from '../ingest/ingest-events.ts';

/**
 * Ingest that scales out through NATS JetStream. With VIGIL_NATS_URL set, `POST /v1/events`
 * answers once its batch is stored in the stream (deduplicated by message id: the request's
 * Idempotency-Key, or a hash of the batch); `vigil ingest-worker` processes, any number on any
 * machine, pull from one durable consumer and write each group of batches in one transaction,
 * acknowledging the group's messages only after that transaction committed. A worker killed
 * mid-group leaves its messages unacknowledged: they are delivered again, and the store's event
 * ids (seen_events) make the second delivery a duplicate, so nothing is lost or counted twice.
 */
export const DURABLE = 'vigil-ingest';
export const subjectOf = (stream: string) => `${stream}.batches`;

export type QueueOptions = {
  /** How long a delivered, unacknowledged batch waits before it is delivered again (ms). */
  ackWaitMs?: number;
  /** Stream replicas (a clustered NATS keeps that many copies). */
  replicas?: number;
};

async function ensureStream(jsm: JetStreamManager, stream: string, options: QueueOptions): Promise<void> {
  try {
    await jsm.streams.info(stream);
  } catch {
    await jsm.streams.add({
      name: stream,
      subjects: [subjectOf(stream)],
      retention: RetentionPolicy.Workqueue,
      storage: StorageType.File,
      num_replicas: options.replicas ?? 1,
      duplicate_window: nanos(10 * 60_000),
    });
  }
}

async function ensureConsumer(jsm: JetStreamManager, stream: string, options: QueueOptions) {
  try {
    await jsm.consumers.info(stream, DURABLE);
  } catch {
    await jsm.consumers.add(stream, {
      durable_name: DURABLE,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: nanos(options.ackWaitMs ?? 30_000),
      max_ack_pending: 10_000,
    });
  }
}

async function connectTo(ctx: EngineContext): Promise<NatsConnection> {
  const servers = ctx.config.natsUrl;
  if (!servers) throw new AppError('PRECONDITION_FAILED', 'VIGIL_NATS_URL is not set');
  try {
    return await connect({ servers: servers.split(','), name: 'vigil', maxReconnectAttempts: -1 });
  } catch (e) {
    throw new AppError('UNAVAILABLE', `cannot connect to NATS at ${servers}: ${(e as Error).message}`);
  }
}

type Publisher = { nc: NatsConnection; ready: Promise<void> };
const publishers = new WeakMap<EngineContext, Promise<Publisher>>();

function publisherFor(ctx: EngineContext, options: QueueOptions = {}): Promise<Publisher> {
  let p = publishers.get(ctx);
  if (!p) {
    p = (async () => {
      const nc = await connectTo(ctx);
      const jsm = await nc.jetstreamManager();
      return { nc, ready: ensureStream(jsm, ctx.config.natsStream, options) };
    })();
    publishers.set(ctx, p);
    p.catch(() => publishers.delete(ctx));
  }
  return p;
}

export type EnqueueResult = { queued: number; sequence: number; duplicate: boolean; messageId: string };

/**
 * Stores one batch in the stream; resolves once JetStream has it (its ack is the durability point).
 * `rawBody`, when given, is the request body as received (`{"events": [...]}`, already parsed into
 * `events` by the caller): it is published as is rather than serialised again.
 */
export async function enqueueEvents(
  ctx: EngineContext,
  events: unknown[],
  idempotencyKey?: string,
  rawBody?: string,
): Promise<EnqueueResult> {
  if (events.length > MAX_BATCH)
    throw new AppError('PAYLOAD_TOO_LARGE', `at most ${MAX_BATCH} events per request; got ${events.length}`);
  const body = rawBody ?? JSON.stringify(events);
  const messageId = idempotencyKey?.trim() || createHash('sha256').update(body).digest('hex');
  const pub = await publisherFor(ctx);
  await pub.ready;
  // the server's max_payload (1 MB by default) can be smaller than an allowed batch (10,000 events):
  // a batch that does not fit is stored as several messages, each deduplicated on its own id
  const limit = Math.max(64 * 1024, (pub.nc.info?.max_payload ?? 1_048_576) - PAYLOAD_HEADROOM);
  const parts = Buffer.byteLength(body) <= limit ? [body] : splitToFit(events, limit);
  try {
    const js = pub.nc.jetstream();
    let sequence = 0;
    let duplicate = true;
    for (let i = 0; i < parts.length; i++) {
      const msgID = parts.length === 1 ? messageId : `${messageId}:${i + 1}/${parts.length}`;
      const ack = await js.publish(subjectOf(ctx.config.natsStream), parts[i] as string, { msgID });
      sequence = ack.seq;
      duplicate &&= ack.duplicate;
    }
    return { queued: events.length, sequence, duplicate, messageId };
  } catch (e) {
    throw new AppError('UNAVAILABLE', `NATS did not store the batch: ${(e as Error).message}`);
  }
}

/** Room left in a message for its headers (Nats-Msg-Id) and the protocol line. */
const PAYLOAD_HEADROOM = 8 * 1024;

/**
 * Splits a batch into JSON arrays of at most `limit` bytes, in order; the same batch always gives
 * the same parts (so a retried request's parts carry the same ids and are deduplicated).
 */
export function splitToFit(events: unknown[], limit: number): string[] {
  const parts: string[] = [];
  let current: string[] = [];
  let size = 2; // [ ]
  events.forEach((e, i) => {
    const json = JSON.stringify(e);
    const bytes = Buffer.byteLength(json);
    if (bytes + 2 > limit)
      throw new AppError(
        'PAYLOAD_TOO_LARGE',
        `event ${i} is ${bytes} bytes: larger than the queue's message limit (${limit} bytes)`,
      );
    if (current.length > 0 && size + 1 + bytes > limit) {
      parts.push(`[${current.join(',')}]`);
      current = [];
      size = 2;
    }
    size += bytes + (current.length > 0 ? 1 : 0);
    current.push(json);
  });
  if (current.length > 0) parts.push(`[${current.join(',')}]`);
  return parts;
}

/** Closes this context's publishing connection (server shutdown, tests). */
export async function closeEventQueue(ctx: EngineContext): Promise<void> {
  const p = publishers.get(ctx);
  publishers.delete(ctx);
  if (p) await (await p.catch(() => null))?.nc.drain();
}

export type IngestWorkerOptions = QueueOptions & {
  /** Events per group (one transaction); at most MAX_BATCH. */
  groupEvents?: number;
  /** Messages fetched per pull. */
  fetchMessages?: number;
  /** Resolves to stop after the group in flight. */
  stop?: Promise<void>;
  onGroup?: (g: {
    messages: number;
    events: number;
    accepted: number;
    duplicates: number;
    rejected: number;
  }) => void;
};

export type IngestWorkerStats = {
  groups: number;
  messages: number;
  events: number;
  accepted: number;
  duplicates: number;
};

/**
 * Consumes the stream into the store until `stop` resolves: pulls messages, writes them in
 * groups (each group one all-or-nothing transaction through the same ingestEvents as the direct
 * path), acknowledges a group's messages after its commit. A group that fails is negatively
 * acknowledged (delivered again later); a message that is not a JSON array can never succeed and
 * is terminated with a log line.
 */
export async function runIngestWorker(
  ctx: EngineContext,
  options: IngestWorkerOptions = {},
): Promise<IngestWorkerStats> {
  const nc = await connectTo(ctx);
  const stream = ctx.config.natsStream;
  const stats: IngestWorkerStats = { groups: 0, messages: 0, events: 0, accepted: 0, duplicates: 0 };
  let stopping = false;
  void options.stop?.then(() => {
    stopping = true;
  });
  try {
    const jsm = await nc.jetstreamManager();
    await ensureStream(jsm, stream, options);
    await ensureConsumer(jsm, stream, options);
    const consumer = await nc.jetstream().consumers.get(stream, DURABLE);
    const limit = Math.min(options.groupEvents ?? MAX_BATCH, MAX_BATCH);
    while (!stopping) {
      const fetched: { msg: JsMsg; events: unknown[] }[] = [];
      const iter = await consumer.fetch({ max_messages: options.fetchMessages ?? 32, expires: 1000 });
      for await (const msg of iter) {
        const events = eventsOf(msg);
        if (!events) {
          ctx.logger.error('ingest-worker: a message is not a batch of events; dropped', { seq: msg.seq });
          msg.term();
          continue;
        }
        fetched.push({ msg, events });
      }
      // groups of whole messages, each at most `limit` events
      const groups: { msg: JsMsg; events: unknown[] }[][] = [];
      for (const f of fetched) {
        const last = groups.at(-1);
        const size = last?.reduce((n, g) => n + g.events.length, 0) ?? 0;
        if (last && size + f.events.length <= limit) last.push(f);
        else groups.push([f]);
      }
      // every group is submitted at once: the store's group commit writes those that wait
      // together (one transaction, usage staged and folded later), and each group's messages are
      // acknowledged once the transaction that carried them committed
      // the fetched messages still waiting must not be delivered again meanwhile (ack wait restarts)
      const pending = new Set(fetched.map((f) => f.msg));
      const keepAlive = setInterval(
        () => {
          for (const m of pending) m.working();
        },
        Math.max(200, (options.ackWaitMs ?? 30_000) / 3),
      );
      await Promise.all(
        groups.map(async (group) => {
          const events = group.flatMap((g) => g.events);
          try {
            const r = await ingestEvents(ctx, events, { source: 'nats' });
            for (const g of group) {
              g.msg.ack();
              pending.delete(g.msg);
            }
            stats.groups++;
            stats.messages += group.length;
            stats.events += events.length;
            stats.accepted += r.accepted;
            stats.duplicates += r.duplicates;
            options.onGroup?.({
              messages: group.length,
              events: events.length,
              accepted: r.accepted,
              duplicates: r.duplicates,
              rejected: r.rejected.length,
            });
          } catch (e) {
            ctx.logger.warn('ingest-worker: a group failed; its messages will be delivered again', {
              error: (e as Error).message,
            });
            for (const g of group) {
              g.msg.nak(1000);
              pending.delete(g.msg);
            }
          }
        }),
      ).finally(() => clearInterval(keepAlive));
      await nc.flush();
    }
    // staged usage goes into the rollups before a graceful stop (a killed worker's is folded by
    // the next process that opens the store)
    await settleIngest(ctx);
  } finally {
    await nc.drain().catch(() => {});
  }
  return stats;
}

/** A message's events: a JSON array, or a request body `{"events": [...]}` published as received. */
function eventsOf(msg: JsMsg): unknown[] | null {
  let body: unknown;
  try {
    body = msg.json<unknown>();
  } catch {
    return null;
  }
  if (Array.isArray(body)) return body;
  const events = (body as { events?: unknown } | null)?.events;
  return Array.isArray(events) ? events : null;
}

/** Messages waiting in the stream for the ingest workers (and delivered but not yet acknowledged). */
export async function queueDepth(ctx: EngineContext): Promise<{ pending: number; unacknowledged: number }> {
  const nc = await connectTo(ctx);
  try {
    const jsm = await nc.jetstreamManager();
    const info = await jsm.consumers.info(ctx.config.natsStream, DURABLE).catch(() => null);
    if (info) return { pending: info.num_pending, unacknowledged: info.num_ack_pending };
    const s = await jsm.streams.info(ctx.config.natsStream);
    return { pending: s.state.messages, unacknowledged: 0 };
  } finally {
    await nc.close();
  }
}

/** Deletes the stream (tests and benchmarks use one stream each). */
export async function deleteEventStream(ctx: EngineContext): Promise<void> {
  const nc = await connectTo(ctx);
  try {
    const jsm = await nc.jetstreamManager();
    await jsm.streams.delete(ctx.config.natsStream).catch(() => false);
  } finally {
    await nc.close();
  }
}
