// The read half of a usage or timeline file's import: read, decode, validate, map and roll up,
// with no database. It runs in a parse thread (parse.worker.ts) or, for small imports, on the
// calling thread; either way it is this code on the same input, so it emits the same chunks.
// The main thread then only claims, writes and commits (import-files.ts), chunk by chunk.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { type MapEnv, mapRow, passesWhere, type UsageRow } from '../../core/import/map-row.ts';
import type { FileMapping } from '../../core/import/mapping.ts';
import { UsageRollup } from '../../core/import/usage-rollup.ts';
import type { DecimalSeparator } from '../../core/import/values.ts';
import type { RejectRow } from '../../store/resources/imports.ts';
import {
  cellsJson,
  checkCsvCells,
  checkHeader,
  compileUsageFastPath,
  csvRecord,
  type DecodedLine,
  EARLIEST_TIME,
  type LineReject,
  ndjsonRecord,
  type UsageSink,
} from './decode-row.ts';
import { answerLookup, type LookupTables } from './lookups.ts';
import { type RecordBatch, readRecordBatches } from './read-records.ts';

/** One file to read: everything the reader needs, as plain data (it crosses to a thread). */
export type ParseJob = {
  path: string;
  kind: 'usage' | 'events';
  mapping: FileMapping | null;
  timeZone: string;
  decimal?: DecimalSeparator;
  /** The accounts that exist (rows of other accounts are rejected). */
  knownAccounts: string[];
  /** The latest event time accepted; later is "in the future". */
  latest: string;
  /** Lines per chunk. */
  chunkRows: number;
  /** The mapping's lookup tables, built before the file is read (with a mapping). */
  lookups?: LookupTables;
};

/**
 * A chunk's usage rows, in file order: `claims` is a JSON array of `[id, accountId, units]` (what
 * the ledger keeps), `rest` of `[contactId, type, time, key]` (read only when some ids were seen
 * before); `usage`/`feature`/`user` are the chunk's rollup deltas as JSON arrays of
 * rows (`[account, day, logins, events, integrationEvents]`, `[account, feature, month, days,
 * count]`, `[account, contact, month, days, events]`), valid when every row's id is new.
 */
export type UsageChunk = {
  n: number;
  claims: string;
  rest: string;
  usage: string;
  feature: string;
  user: string;
  accounts: string[];
};
/** A chunk's timeline events: `rows` is a JSON array of `[id, accountId, contactId, type, time, propertiesJson]`. */
export type EventsChunk = { n: number; rows: string; accounts: string[] };

export type ParseChunk = {
  t: 'chunk';
  /** Lines read (rejected and ignored ones included). */
  rows: number;
  ignored: number;
  rejects: RejectRow[];
  usage: UsageChunk | null;
  events: EventsChunk | null;
  bytesDone: number;
};
export type ParseMessage =
  | { t: 'sha'; sha: string }
  | ParseChunk
  | { t: 'end'; bytesDone: number }
  | { t: 'error'; code: string; message: string; details?: unknown; stack?: string };

/** A usage row's claim (`UsageChunk.claims`) and the rest of it (`UsageChunk.rest`). */
export type UsageClaimTuple = [string, string, number];
export type UsageRestTuple = [string | null, UsageRow['type'], string, string | null];

export async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) h.update(chunk as Buffer);
  return h.digest('hex');
}

/**
 * Reads one usage or events file and hands `emit` its content hash, then its chunks in file
 * order, then the end. `emit` may wait (backpressure): the reader holds at most one chunk.
 * A file refused whole (a missing column, a repeated header name) throws its AppError.
 */
export async function parseFile(job: ParseJob, emit: (m: ParseMessage) => Promise<void>): Promise<void> {
  await emit({ t: 'sha', sha: await sha256File(job.path) });
  const { mapping } = job;
  const tables = job.lookups;
  const env: MapEnv = {
    timeZone: job.timeZone,
    decimal: job.decimal,
    lookup: tables ? (spec, key) => answerLookup(tables, spec, key) : undefined,
    hashes: new Map(),
  };
  const known = new Set(job.knownAccounts);
  const rollup = new UsageRollup();
  rollup.knowAccounts(job.knownAccounts);
  const timeProblem = (time: string) =>
    time < EARLIEST_TIME
      ? `${time} is before 1970-01-01`
      : time > job.latest
        ? `${time} is in the future (after ${job.latest.slice(0, 10)})`
        : null;
  const fast = job.kind === 'usage' ? compileUsageFastPath(mapping, timeProblem, job.timeZone) : null;
  const checkUtf8 = mapping?.encoding !== 'latin1';
  const filtered = mapping !== null && Object.keys(mapping.where).length > 0;
  const file = { path: job.path, kind: job.kind, mapping };
  let headerChecked = false;
  let bytesDone = 0;

  let lines = 0;
  let ignored = 0;
  let rejects: RejectRow[] = [];
  let claims: UsageClaimTuple[] = [];
  let rests: UsageRestTuple[] = [];
  let eventRows: unknown[][] = [];
  let eventAccounts = new Set<string>();
  const reject = (line: number, field: string | null, reason: string, raw: string) => {
    rejects.push({ source: job.path, line, field, reason, raw });
  };
  const addUsage: UsageSink = (acc, id, accountId, contactId, type, time, key, units) => {
    claims.push([id, accountId, units]);
    rests.push([contactId, type, time, key]);
    rollup.addAt(acc, contactId, type, time, key, units);
  };
  const flush = async () => {
    if (lines === 0 && rejects.length === 0) return;
    let usage: UsageChunk | null = null;
    if (claims.length > 0) {
      const d = rollup.drain();
      usage = {
        n: claims.length,
        claims: JSON.stringify(claims),
        rest: JSON.stringify(rests),
        usage: JSON.stringify(
          d.usage.map((x) => [x.accountId, x.day, x.logins, x.events, x.integrationEvents]),
        ),
        feature: JSON.stringify(d.feature.map((x) => [x.accountId, x.feature, x.month, x.days, x.count])),
        user: JSON.stringify(d.user.map((x) => [x.accountId, x.contactId, x.month, x.days, x.events])),
        accounts: d.accounts,
      };
    }
    const events: EventsChunk | null =
      eventRows.length > 0
        ? { n: eventRows.length, rows: JSON.stringify(eventRows), accounts: [...eventAccounts] }
        : null;
    const m: ParseChunk = { t: 'chunk', rows: lines, ignored, rejects, usage, events, bytesDone };
    lines = 0;
    ignored = 0;
    rejects = [];
    claims = [];
    rests = [];
    eventRows = [];
    eventAccounts = new Set();
    await emit(m);
  };

  const onBatch = async (batch: RecordBatch) => {
    if (batch.format === 'csv' && !headerChecked) {
      headerChecked = true;
      checkHeader(file, batch.header);
    }
    if (batch.format === 'csv')
      for (const b of batch.broken ?? []) {
        lines++;
        reject(b.line, null, b.reason, b.raw);
      }
    for (let i = 0; i < batch.rows.length; i++) {
      const line = batch.lines[i]!;
      lines++;
      let decoded: DecodedLine | LineReject;
      if (batch.format === 'csv') {
        const cells = batch.rows[i]!;
        const h = batch.header;
        const bad = checkCsvCells(cells, h, checkUtf8);
        if (bad) {
          reject(line, bad.field, bad.reason, bad.raw);
          continue;
        }
        if (fast) {
          const res = fast(cells, h, rollup, addUsage);
          if (res.ok) {
            // taken by addUsage
          } else if (res.ignored) ignored++;
          else reject(line, res.field, res.reason, cellsJson(cells, h));
          continue;
        }
        decoded = csvRecord(cells, h, mapping?.columns);
      } else decoded = ndjsonRecord(batch.rows[i]!, checkUtf8, mapping?.columns);
      if (!decoded.ok) {
        reject(line, decoded.field, decoded.reason, decoded.raw);
        continue;
      }
      const { record, raw } = decoded;
      if (filtered && !passesWhere(record, mapping)) {
        ignored++;
        continue;
      }
      const mapped = mapRow(record, job.kind, mapping, env);
      if (!mapped.ok) {
        if (mapped.ignored) ignored++;
        else reject(line, mapped.field, mapped.reason, raw);
        continue;
      }
      if (mapped.kind === 'entity') throw new Error(`${job.path}: an entity row in a ${job.kind} file`);
      const problem = timeProblem(mapped.value.time);
      if (problem) {
        reject(line, 'time', problem, raw);
        continue;
      }
      const acc = mapped.value.accountId;
      if (!known.has(acc)) {
        reject(line, 'account_id', `unknown account "${acc}"`, raw);
        continue;
      }
      if (mapped.kind === 'event') {
        const e = mapped.value;
        eventRows.push([
          e.id,
          e.accountId,
          e.contactId ?? null,
          e.type,
          e.time,
          JSON.stringify(e.properties),
        ]);
        eventAccounts.add(e.accountId);
      } else {
        const u = mapped.value;
        addUsage(
          rollup.accountSlot(u.accountId),
          u.id,
          u.accountId,
          u.contactId,
          u.type,
          u.time,
          u.key,
          u.count,
        );
      }
    }
    if (lines >= job.chunkRows) await flush();
  };

  await readRecordBatches(job.path, onBatch, {
    delimiter: mapping?.delimiter,
    encoding: mapping?.encoding,
    onBytes: (n) => {
      bytesDone += n;
    },
  });
  await flush();
  await emit({ t: 'end', bytesDone });
}
