import { timingSafeEqual } from 'node:crypto';
import { AppError } from '../../core/errors.ts';
import type { SegmentSettings } from '../../core/integrations/connection-schema.ts';
import { mapSegmentCall, type SegmentCall } from '../../core/integrations/segment-mapping.ts';
import { insertRejects, type RejectRow } from '../../store/queries/import-writes.ts';
import {
  existingAccountIds,
  mergeAccountTraits,
  upsertLiveContact,
} from '../../store/queries/integrations/live-source-writes.ts';
import { DIRTY_PRIORITY } from '../../store/queries/mark-dirty.ts';
import type { EngineContext } from '../context.ts';
import { ingestEvents } from '../ingest/ingest-events.ts';
import { type Connection, connectionsGeneration, loadConnectionsOfKind } from './connections.ts';
import { recordSync } from './record-sync.ts';

const OK_LOG_EVERY_MS = 10_000;
const pendingOk = new WeakMap<
  object,
  Map<string, { since: number; calls: number; accepted: number; duplicates: number; ignored: number }>
>();

export type SegmentReport = {
  success: true;
  received: number;
  accepted: number;
  duplicates: number;
  ignored: number;
  rejected: { index: number; messageId: string | null; field: string | null; reason: string }[];
};

const same = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * The Segment sources, decrypted, kept for a few seconds: a firehose sends many requests a second
 * and each would otherwise read and decrypt every Segment connection. A save or delete in this
 * process drops the cache at once; another process's change is seen within `SOURCES_TTL_MS`.
 */
const SOURCES_TTL_MS = 2000;
const sourcesCache = new WeakMap<object, { at: number; generation: number; sources: Connection[] }>();

async function segmentSources(ctx: EngineContext): Promise<Connection[]> {
  const now = ctx.clock.now().getTime();
  const generation = connectionsGeneration(ctx);
  const hit = sourcesCache.get(ctx.store);
  if (hit && hit.generation === generation && now - hit.at >= 0 && now - hit.at < SOURCES_TTL_MS)
    return hit.sources;
  const sources = await loadConnectionsOfKind(ctx, 'segment');
  sourcesCache.set(ctx.store, { at: now, generation, sources });
  return sources;
}

/** The Segment connection whose write key this is (Basic auth `writeKey:` or a `writeKey` body field). */
export async function segmentSourceFor(
  ctx: EngineContext,
  authorization: string | undefined,
  bodyKey: unknown,
): Promise<Connection> {
  let key: string | null = null;
  const m = /^Basic\s+(\S+)$/i.exec(authorization?.trim() ?? '');
  if (m)
    key = Buffer.from(m[1] as string, 'base64')
      .toString('utf8')
      .replace(/:.*$/s, '');
  else if (typeof bodyKey === 'string') key = bodyKey;
  if (!key)
    throw new AppError(
      'UNAUTHENTICATED',
      'send the Segment write key as HTTP Basic auth (key as user name, empty password)',
    );
  for (const c of await segmentSources(ctx))
    if (c.secrets.writeKey && same(c.secrets.writeKey, key)) return c;
  throw new AppError('UNAUTHENTICATED', 'unknown Segment write key');
}

/**
 * Ingests Segment calls (track, identify, group; batch of them) for a
 * Segment connection. Track calls become Vigil events through the same
 * ingest path as `POST /v1/events` (one transaction, duplicates by id —
 * `segment:<messageId>` — ignored, rejects kept for review); identify and
 * group update contacts and account traits of known accounts. A call for an
 * account Vigil does not know is rejected (kept in rejects, logged), never
 * creates an account.
 */
export async function ingestSegment(
  ctx: EngineContext,
  source: Connection,
  calls: unknown[],
): Promise<SegmentReport> {
  const startedAt = ctx.clock.now().toISOString();
  const settings = source.settings as SegmentSettings;
  const report: SegmentReport = {
    success: true,
    received: calls.length,
    accepted: 0,
    duplicates: 0,
    ignored: 0,
    rejected: [],
  };
  const rejects: RejectRow[] = [];
  const sourceName = `segment:${source.id}`;
  const reject = (index: number, call: unknown, field: string | null, reason: string) => {
    const messageId =
      typeof (call as SegmentCall)?.messageId === 'string'
        ? ((call as SegmentCall).messageId as string)
        : null;
    report.rejected.push({ index, messageId, field, reason });
    rejects.push({
      source: sourceName,
      line: index + 1,
      field,
      reason,
      raw: JSON.stringify(call)?.slice(0, 10_000) ?? 'null',
    });
  };
  const events: Record<string, unknown>[] = [];
  const eventIndex: number[] = [];
  const entityWork: { index: number; call: unknown; m: ReturnType<typeof mapSegmentCall> }[] = [];
  for (const [index, call] of calls.entries()) {
    if (!call || typeof call !== 'object' || Array.isArray(call)) {
      reject(index, call, null, 'expected a call object');
      continue;
    }
    const m = mapSegmentCall(call as SegmentCall, settings, startedAt);
    if (m.kind === 'rejected') reject(index, call, m.field, m.reason);
    else if (m.kind === 'ignored') report.ignored++;
    else if (m.kind === 'event') {
      events.push(m.event);
      eventIndex.push(index);
    } else entityWork.push({ index, call, m });
  }
  if (events.length > 0) {
    const r = await ingestEvents(ctx, events, { source: sourceName });
    report.accepted += r.accepted;
    report.duplicates += r.duplicates;
    for (const x of r.rejected)
      report.rejected.push({
        index: eventIndex[x.index] ?? x.index,
        messageId: x.id?.replace(/^segment:/, '') ?? null,
        field: x.field,
        reason: x.reason,
      });
  }
  if (entityWork.length > 0) {
    const known = await existingAccountIds(
      ctx.store,
      entityWork.map((w) =>
        w.m.kind === 'contact' ? w.m.contact.accountId : w.m.kind === 'account-traits' ? w.m.accountId : '',
      ),
    );
    const touched = new Set<string>();
    for (const w of entityWork) {
      const accountId =
        w.m.kind === 'contact' ? w.m.contact.accountId : w.m.kind === 'account-traits' ? w.m.accountId : '';
      if (!known.has(accountId)) {
        reject(w.index, w.call, settings.accountFrom, `unknown account "${accountId}"`);
        continue;
      }
      if (w.m.kind === 'contact') await upsertLiveContact(ctx.store, w.m.contact);
      else if (w.m.kind === 'account-traits')
        await mergeAccountTraits(ctx.store, accountId, w.m.traits, startedAt);
      touched.add(accountId);
      report.accepted++;
    }
    // contacts (champion, executive sponsor) and traits feed signals: rescore those accounts soon
    if (touched.size > 0) await ctx.store.dirty.mark([...touched], startedAt, DIRTY_PRIORITY.person);
  }
  if (rejects.length > 0) await insertRejects(ctx.store.db, null, rejects, startedAt);
  report.rejected.sort((a, b) => a.index - b.index);
  // a clean batch is summed into one sync log entry per 10 s (a firehose must not add a write per request);
  // a batch with rejects is logged at once, with what was summed before it
  const pending =
    pendingOk.get(ctx.store) ??
    new Map<
      string,
      { since: number; calls: number; accepted: number; duplicates: number; ignored: number }
    >();
  pendingOk.set(ctx.store, pending);
  const nowMs = ctx.clock.now().getTime();
  const sum = pending.get(source.id) ?? { since: nowMs, calls: 0, accepted: 0, duplicates: 0, ignored: 0 };
  sum.calls += calls.length;
  sum.accepted += report.accepted;
  sum.duplicates += report.duplicates;
  sum.ignored += report.ignored;
  if (report.rejected.length === 0 && nowMs - sum.since < OK_LOG_EVERY_MS && sum.calls > calls.length) {
    pending.set(source.id, sum);
    return report;
  }
  pending.delete(source.id);
  if (report.rejected.length === 0 && nowMs - sum.since < OK_LOG_EVERY_MS)
    pending.set(source.id, { since: nowMs, calls: 0, accepted: 0, duplicates: 0, ignored: 0 });
  await recordSync(ctx, {
    connectionId: source.id,
    operation: 'inbound',
    status: report.rejected.length === 0 ? 'ok' : report.accepted > 0 ? 'partial' : 'failed',
    startedAt,
    records: sum.calls,
    succeeded: sum.accepted,
    failed: report.rejected.length,
    message: `${sum.calls} Segment call(s): ${sum.accepted} accepted, ${sum.duplicates} duplicate(s), ${sum.ignored} ignored, ${report.rejected.length} rejected${report.rejected[0] ? ` (first: ${report.rejected[0].reason})` : ''}`,
    details: { rejected: report.rejected.slice(0, 50) },
  });
  return report;
}
