import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { Account, CatalogFeature, Contact, Contract, User } from '../../core/data-model/entities.ts';
import type { VigilEvent } from '../../core/data-model/events.ts';
import { isUsageEventType } from '../../core/data-model/events.ts';
import { AppError } from '../../core/errors.ts';
import {
  type MapEnv,
  mapRow,
  parseTimeValue,
  passesWhere,
  type RowResult,
  rowReject,
  type UsageRow,
} from '../../core/import/map-row.ts';
import {
  detectKind,
  type FileMapping,
  IMPORT_KINDS,
  type ImportKind,
  type Mapping,
  matchesGlob,
  type SourceSpec,
} from '../../core/import/mapping.ts';
import { UsageRollup } from '../../core/import/usage-rollup.ts';
import { didYouMean } from '../../core/import/values.ts';
import type { ImportFileWriter, RejectRow } from '../../store/resources/imports.ts';
import { isRetryableWriteError, retryDelayMs } from '../../store/write-errors.ts';
import type { EngineContext } from '../context.ts';
import { escapeNul, findNul, NUL_REASON, PADDED_ID_REASON, paddedIdField } from '../ingest/nul-check.ts';
import { Lookups } from './lookups.ts';
import { type RecordBatch, readRecordBatches } from './read-records.ts';

export type ImportProgress = { file: string; bytesDone: number; bytesTotal: number; rows: number };

export type ImportFilesOptions = {
  paths: string[];
  mapping?: Mapping | null;
  onProgress?: (p: ImportProgress) => void;
  /** How many rejects each file report carries for printing (all are stored). Default 100. */
  sampleRejects?: number;
};

export type FileImportReport = {
  path: string;
  kind: ImportKind | null;
  /** imported | unchanged (same content imported before) | skipped (not an import file) */
  status: 'imported' | 'unchanged' | 'skipped';
  importId: number | null;
  rows: number;
  accepted: number;
  updated: number;
  duplicates: number;
  rejected: number;
  ignored: number;
  bytes: number;
  ms: number;
  rejects: RejectRow[];
  note?: string;
  /** The mapping entry that read the file (its `name`, else its `match`), when a file feeds several kinds. */
  entry?: string;
};

export type ImportReport = {
  files: FileImportReport[];
  rows: number;
  accepted: number;
  updated: number;
  duplicates: number;
  rejected: number;
  ignored: number;
  bytes: number;
  usageEvents: number;
  ms: number;
  rowsPerSecond: number;
  mbPerSecond: number;
  /** Mapping entries whose glob matched no file, and files no entry matched. */
  warnings: string[];
};

const KIND_ORDER = new Map(IMPORT_KINDS.map((k, i) => [k, i]));
/** Rows per usage rollup flush: bounds memory however large the file. */
const ROLLUP_FLUSH_ROWS = 1_000_000;
const ENTITY_BATCH = 2000;
/** Events before this are surely a unit or format mistake (and would not fit the rollups' day numbers). */
const EARLIEST_TIME = '1970-01-01T00:00:00.000Z';

type PlannedFile = {
  path: string;
  kind: ImportKind | null;
  mapping: FileMapping | null;
  bytes: number;
  /** Why the file is left out (not a regular file, a dangling link, empty); reported as a warning. */
  skip?: string;
};

/**
 * Only regular files are read: a FIFO or a device (`/dev/zero`) would block or
 * never end, and a dangling symbolic link cannot be opened. Those are skipped
 * with the reason, as is an empty file; the rest of the folder is imported.
 */
function fileProblem(path: string): { skip?: string; bytes: number } {
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(path);
  } catch (e) {
    const code = (e as { code?: string }).code;
    return {
      skip: code === 'ENOENT' ? 'a symbolic link to nothing (dangling)' : `cannot be read (${code})`,
      bytes: 0,
    };
  }
  if (!st.isFile())
    return {
      skip: `not a regular file (${st.isFIFO() ? 'a FIFO' : st.isCharacterDevice() || st.isBlockDevice() ? 'a device' : st.isSocket() ? 'a socket' : 'not a file'}); skipped`,
      bytes: 0,
    };
  if (st.size === 0) return { skip: 'empty file (no header line); skipped', bytes: 0 };
  return { bytes: st.size };
}

/**
 * Expands folders and assigns each file its kind(s): every mapping entry
 * whose glob matches it (one file may feed several kinds), else the native
 * name. Sorted into import order. Warns about entries that match no file and
 * files that nothing matches.
 */
export function planImport(paths: string[], mapping: Mapping | null): PlannedFile[] & { warnings: string[] } {
  const files: { path: string; explicit: boolean }[] = [];
  for (const p of paths) {
    const abs = resolve(p);
    if (!existsSync(abs)) throw new AppError('BAD_INPUT', `${p}: no such file or folder`);
    if (statSync(abs).isDirectory()) {
      const walk = (dir: string) => {
        for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
          a.name.localeCompare(b.name),
        )) {
          const full = join(dir, e.name);
          if (e.isDirectory()) walk(full);
          else if (/\.(csv|ndjson|jsonl)$/i.test(e.name) || (mapping && /\.(tsv|txt|dat)$/i.test(e.name)))
            files.push({ path: full, explicit: false });
        }
      };
      walk(abs);
    } else files.push({ path: abs, explicit: true });
  }
  const warnings: string[] = [];
  const used = new Set<FileMapping>();
  const planned: PlannedFile[] = [];
  for (const { path, explicit } of files) {
    const name = basename(path);
    const { skip, bytes } = fileProblem(path);
    const entries = skip ? [] : (mapping?.files.filter((f) => matchesGlob(f.match, name)) ?? []);
    for (const fm of entries) {
      used.add(fm);
      planned.push({ path, kind: fm.kind, mapping: fm, bytes });
    }
    if (entries.length > 0) continue;
    const kind = detectKind(name);
    if (skip) {
      planned.push({ path, kind, mapping: null, bytes, skip });
      continue;
    }
    if (explicit && !kind)
      throw new AppError(
        'BAD_INPUT',
        `${path}: cannot tell what this file holds; name it accounts*.csv, contracts*.csv, contacts*.csv, users*.csv, catalog*.csv, usage*.csv or events*.ndjson, or give a --mapping with a files entry that matches it`,
      );
    if (mapping && !kind)
      warnings.push(`${path}: no files entry of the mapping matches this file; not imported`);
    planned.push({ path, kind, mapping: null, bytes });
  }
  for (const fm of mapping?.files ?? [])
    if (!used.has(fm))
      warnings.push(
        `mapping entry "${fm.name ?? fm.match}" (match: ${fm.match}) matched no file; nothing imported for it`,
      );
  const sorted = planned.sort(
    (a, b) =>
      (a.kind ? KIND_ORDER.get(a.kind)! : 99) - (b.kind ? KIND_ORDER.get(b.kind)! : 99) ||
      a.path.localeCompare(b.path),
  );
  return Object.assign(sorted, { warnings });
}

async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) h.update(chunk as Buffer);
  return h.digest('hex');
}

/**
 * Imports CSV/NDJSON files (or folders of them). Each file lands in one
 * transaction: its good rows, its rejects (kept for review) and its
 * bookkeeping together, so a crash never leaves half a file. Usage events are
 * rolled up per account/day, feature/day and user/day on the way in.
 * Re-importing identical data changes nothing: entity rows are compared,
 * events are keyed by id, and a usage file whose content was imported before
 * is recognised by its hash.
 */
export async function importFiles(ctx: EngineContext, options: ImportFilesOptions): Promise<ImportReport> {
  const started = performance.now();
  const mapping = options.mapping ?? null;
  const plan = planImport(options.paths, mapping);
  const timeZone = mapping?.timeZone ?? ctx.config.timeZone ?? 'UTC';
  const lookups = mapping
    ? new Lookups(ctx.store, mapping, [...new Set(plan.map((f) => f.path))], timeZone)
    : null;
  const bytesTotal = plan.reduce((s, f) => s + f.bytes, 0);
  let bytesBefore = 0;
  const knownAccounts = await ctx.store.imports.accountIds();
  const files: FileImportReport[] = [];
  const failures: AppError[] = [];
  let usageEvents = 0;
  for (const f of plan) {
    if (!f.kind || f.skip) {
      files.push(emptyReport(f, 'skipped', f.skip ?? 'not an import file (name it by kind or map it)'));
      bytesBefore += f.bytes;
      continue;
    }
    const progress = (done: number, rows: number) =>
      options.onProgress?.({ file: f.path, bytesDone: bytesBefore + done, bytesTotal, rows });
    if (f.mapping && lookups) await lookups.prepare(f.mapping);
    const env: MapEnv = {
      timeZone,
      decimal: mapping?.decimal,
      lookup: lookups?.get,
      hashes: new Map(),
    };
    let report: Awaited<ReturnType<typeof importOneFile>>;
    try {
      report = await importOneFile(
        ctx,
        f as PlannedFile & { kind: ImportKind },
        knownAccounts,
        progress,
        options,
        env,
      );
    } catch (e) {
      // a file refused whole (a missing column, an unclosed quote...) left nothing behind; the
      // rest of the folder is still imported, and the failure is raised at the end
      if (!(e instanceof AppError) || e.code !== 'BAD_INPUT') throw e;
      failures.push(e);
      bytesBefore += f.bytes;
      continue;
    }
    if (f.mapping && plan.filter((p) => p.path === f.path).length > 1)
      report.file.entry = f.mapping.name ?? f.mapping.match;
    usageEvents += report.usageEvents;
    files.push(report.file);
    bytesBefore += f.bytes;
  }
  const sum = (k: 'rows' | 'accepted' | 'updated' | 'duplicates' | 'rejected' | 'ignored' | 'bytes') =>
    files.reduce((s, f) => s + f[k], 0);
  const ms = performance.now() - started;
  const rows = sum('rows');
  if (failures.length > 0) {
    const done = files.filter((x) => x.status === 'imported' || x.status === 'unchanged').length;
    throw new AppError(
      'BAD_INPUT',
      `${failures[0]!.message}${
        failures.length > 1
          ? ` (and ${failures.length - 1} more file(s) refused: ${failures
              .slice(1)
              .map((x) => x.message.split(':')[0])
              .join(', ')})`
          : ''
      }; the other ${done} file(s) were imported`,
      { failures: failures.map((x) => ({ message: x.message, details: x.details })), files },
    );
  }
  return {
    files,
    rows,
    accepted: sum('accepted'),
    updated: sum('updated'),
    duplicates: sum('duplicates'),
    rejected: sum('rejected'),
    ignored: sum('ignored'),
    bytes: sum('bytes'),
    usageEvents,
    ms,
    rowsPerSecond: ms > 0 ? Math.round(rows / (ms / 1000)) : 0,
    mbPerSecond: ms > 0 ? sum('bytes') / 1e6 / (ms / 1000) : 0,
    warnings: plan.warnings,
  };
}

function emptyReport(f: PlannedFile, status: FileImportReport['status'], note?: string): FileImportReport {
  return {
    path: f.path,
    kind: f.kind,
    status,
    importId: null,
    rows: 0,
    accepted: 0,
    updated: 0,
    duplicates: 0,
    rejected: 0,
    ignored: 0,
    bytes: f.bytes,
    ms: 0,
    rejects: [],
    ...(note ? { note } : {}),
  };
}

async function importOneFile(
  ctx: EngineContext,
  f: PlannedFile & { kind: ImportKind },
  knownAccounts: Set<string>,
  progress: (bytesDone: number, rows: number) => void,
  options: ImportFilesOptions,
  env: MapEnv,
): Promise<{ file: FileImportReport; usageEvents: number }> {
  const t0 = performance.now();
  // the same bytes read through a different mapping entry are different content
  const sha = f.mapping
    ? createHash('sha256')
        .update(await sha256File(f.path))
        .update(JSON.stringify(f.mapping))
        .update(env.timeZone ?? 'UTC')
        .digest('hex')
    : await sha256File(f.path);
  // A transaction that fails on a lock conflict (PostgreSQL deadlock or
  // serialisation failure, SQLite busy) is retried whole: nothing of it was kept.
  for (let attempt = 1; ; attempt++) {
    try {
      return await importFileOnce(ctx, f, sha, knownAccounts, progress, options, t0, env);
    } catch (e) {
      if (!isRetryableWriteError(e) || attempt >= 8) throw e;
      await new Promise((res) => setTimeout(res, retryDelayMs(attempt)));
    }
  }
}

/** A usage row waiting for its id to be claimed in the ledger before it is rolled up. */
type PendingUsage = {
  id: string;
  accountId: string;
  /** the account's slot in the file's rollup */
  acc: number;
  contactId: string | null;
  type: UsageRow['type'];
  time: string;
  key: string | null;
  /** the event's count */
  units: number;
};
const CLAIM_BATCH = 5000;

async function importFileOnce(
  ctx: EngineContext,
  f: PlannedFile & { kind: ImportKind },
  sha: string,
  knownAccounts: Set<string>,
  progress: (bytesDone: number, rows: number) => void,
  options: ImportFilesOptions,
  t0: number,
  env: MapEnv,
): Promise<{ file: FileImportReport; usageEvents: number }> {
  const { store } = ctx;
  const now = () => ctx.clock.now().toISOString();
  const report = emptyReport(f, 'imported');
  const sampleLimit = options.sampleRejects ?? 100;
  let usageEvents = 0;
  let bytesDone = 0;
  const rollup = new UsageRollup();
  rollup.knowAccounts(knownAccounts);
  const dirty = new Set<string>();
  let pendingRejects: RejectRow[] = [];

  const outcome = await store.imports.importFile(
    { path: f.path, sha256: sha, kind: f.kind, startedAt: now() },
    async (w: ImportFileWriter) => {
      const importId = w.importId;
      report.importId = importId;

      const reject = (line: number, field: string | null, reason: string, raw: string) => {
        report.rejected++;
        const r: RejectRow = { source: f.path, line, field, reason, raw };
        pendingRejects.push(r);
        if (report.rejects.length < sampleLimit) report.rejects.push(r);
      };
      const flushRejects = async () => {
        if (pendingRejects.length === 0) return;
        await w.insertRejects(pendingRejects, now());
        pendingRejects = [];
      };
      let pendingUsage: PendingUsage[] = [];
      // usage rows are rolled up only once their ids are claimed in the ledger:
      // a row imported before (an earlier or concurrent import, an edited
      // export's old lines, a repeated id) is a duplicate
      const flushUsage = async () => {
        if (pendingUsage.length === 0) return;
        const batch = pendingUsage;
        pendingUsage = [];
        const fresh = await w.claimUsage(batch);
        for (let i = 0; i < batch.length; i++) {
          if (!fresh[i]) {
            report.duplicates++;
            continue;
          }
          const u = batch[i]!;
          rollup.addAt(u.acc, u.contactId, u.type, u.time, u.key, u.units);
          usageEvents++;
          report.accepted++;
        }
        if (rollup.pendingRows >= ROLLUP_FLUSH_ROWS) await flushRollup();
      };
      const flushRollup = async () => {
        if (rollup.pendingRows === 0) return;
        const deltas = rollup.drain();
        for (const id of deltas.accounts) dirty.add(id);
        await w.addUsageDeltas(deltas);
      };

      let entities: EntityRow[] = [];
      let events: VigilEvent[] = [];
      let streamedUsage: UsageRow[] = [];

      const writeEntities = async () => {
        if (entities.length === 0) return;
        const batch = entities;
        entities = [];
        const res = await writeEntityBatch(w, f.kind, batch, knownAccounts, now(), reject);
        report.accepted += res.inserted;
        report.updated += res.updated;
        report.duplicates += res.unchanged;
        for (const id of res.accountIds ?? []) dirty.add(id);
      };
      const writeEvents = async () => {
        if (events.length > 0) {
          const res = await w.insertEvents(events, now());
          report.accepted += res.inserted;
          report.duplicates += res.duplicates;
          for (const id of res.accountIds) dirty.add(id);
          events = [];
        }
        if (streamedUsage.length > 0) {
          // usage inside event streams is deduplicated per id, like the API
          const r = await w.rollUpNewUsage(streamedUsage, rollup);
          usageEvents += r.added.length;
          report.accepted += r.added.length;
          report.duplicates += r.duplicates;
          streamedUsage = [];
        }
      };

      const latest = new Date(ctx.clock.now().getTime() + 86_400_000).toISOString();
      const timeProblem = (time: string) =>
        time < EARLIEST_TIME
          ? `${time} is before 1970-01-01`
          : time > latest
            ? `${time} is in the future (after ${latest.slice(0, 10)})`
            : null;
      const fast =
        f.kind === 'usage' ? compileUsageFastPath(f.mapping, timeProblem, env.timeZone ?? 'UTC') : null;
      const checkUtf8 = f.mapping?.encoding !== 'latin1';
      const filtered = f.mapping !== null && Object.keys(f.mapping.where).length > 0;
      let header: string[] | null = null;
      let headerChecked = false;

      const onBatch = async (batch: RecordBatch) => {
        if (batch.format === 'csv' && !headerChecked) {
          headerChecked = true;
          header = batch.header;
          checkHeader(f, header);
        }
        if (batch.format === 'csv')
          for (const b of batch.broken ?? []) {
            report.rows++;
            reject(b.line, null, b.reason, b.raw);
          }
        for (let i = 0; i < batch.rows.length; i++) {
          const line = batch.lines[i]!;
          report.rows++;
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
              const res = fast(cells, h, rollup);
              if (res.ok) {
                pendingUsage.push(res.row);
                if (pendingUsage.length >= CLAIM_BATCH) await flushUsage();
              } else if (res.ignored) report.ignored++;
              else reject(line, res.field, res.reason, cellsJson(cells, h));
              continue;
            }
            decoded = csvRecord(cells, h, f.mapping?.columns);
          } else decoded = ndjsonRecord(batch.rows[i]!, checkUtf8, f.mapping?.columns);
          if (!decoded.ok) {
            reject(line, decoded.field, decoded.reason, decoded.raw);
            continue;
          }
          const { record, raw } = decoded;
          if (filtered && !passesWhere(record, f.mapping)) {
            report.ignored++;
            continue;
          }
          const mapped = mapRow(record, f.kind, f.mapping, env);
          if (!mapped.ok) {
            if (mapped.ignored) report.ignored++;
            else reject(line, mapped.field, mapped.reason, raw);
            continue;
          }
          if (mapped.kind === 'entity') entities.push({ line, value: mapped.value, raw });
          else {
            const problem = timeProblem(mapped.value.time);
            if (problem) {
              reject(line, 'time', problem, raw);
              continue;
            }
            const acc = mapped.value.accountId;
            if (!knownAccounts.has(acc)) {
              reject(line, 'account_id', `unknown account "${acc}"`, raw);
              continue;
            }
            if (mapped.kind === 'event') events.push(mapped.value);
            else if (batch.format === 'csv') {
              const u = mapped.value;
              if (rollup.accountSlot(u.accountId) < 0) rollup.knowAccounts([u.accountId]);
              pendingUsage.push({
                id: u.id,
                accountId: u.accountId,
                acc: rollup.accountSlot(u.accountId),
                contactId: u.contactId,
                type: u.type,
                time: u.time,
                key: u.key,
                units: u.count,
              });
              if (pendingUsage.length >= CLAIM_BATCH) await flushUsage();
            } else streamedUsage.push(mapped.value);
          }
          if (entities.length >= ENTITY_BATCH) await writeEntities();
          if (events.length + streamedUsage.length >= ENTITY_BATCH) await writeEvents();
          if (rollup.pendingRows >= ROLLUP_FLUSH_ROWS) await flushRollup();
        }
        await flushRejects();
        progress(bytesDone, report.rows);
      };

      await readRecordBatches(f.path, onBatch, {
        delimiter: f.mapping?.delimiter,
        encoding: f.mapping?.encoding,
        onBytes: (n) => {
          bytesDone += n;
        },
      });
      await writeEntities();
      await writeEvents();
      await flushUsage();
      await flushRollup();
      await flushRejects();
      await w.markDirty(dirty, now());
      return {
        finishedAt: now(),
        lines: report.rows,
        accepted: report.accepted,
        updated: report.updated,
        duplicates: report.duplicates,
        rejected: report.rejected,
        ignored: report.ignored,
        bytes: f.bytes,
      };
    },
  );
  if (outcome.status === 'unchanged') {
    const r = emptyReport(
      f,
      'unchanged',
      `identical content was imported before (import #${outcome.previousId})`,
    );
    r.rows = outcome.lines;
    r.duplicates = outcome.lines;
    r.ms = performance.now() - t0;
    progress(f.bytes, 0);
    return { file: r, usageEvents: 0 };
  }
  report.ms = performance.now() - t0;
  progress(f.bytes, report.rows);
  return { file: report, usageEvents };
}

/** Mapped entity rows waiting to be written, each with its line and text (for a late reject). */
type EntityRow = { line: number; value: Record<string, unknown>; raw: string };
type EntityBatchResult = { inserted: number; updated: number; unchanged: number; accountIds?: string[] };

/**
 * Writes one batch of entity rows of a file's kind. Accounts join `knownAccounts`; a contract or
 * contact of an account not known so far is rejected (through `reject`) and not written.
 */
async function writeEntityBatch(
  w: ImportFileWriter,
  kind: ImportKind,
  batch: EntityRow[],
  knownAccounts: Set<string>,
  at: string,
  reject: (line: number, field: string | null, reason: string, raw: string) => void,
): Promise<EntityBatchResult> {
  switch (kind) {
    case 'accounts': {
      const r = await w.upsertAccounts(
        batch.map((b) => b.value as Account),
        at,
      );
      for (const b of batch) knownAccounts.add(b.value.id as string);
      return { ...r, accountIds: r.changedIds };
    }
    case 'contracts':
    case 'contacts': {
      const ok = batch.filter((b) => {
        const acc = b.value.accountId as string;
        if (knownAccounts.has(acc)) return true;
        reject(
          b.line,
          'account_id',
          `unknown account "${acc}" (not among the accounts imported so far)`,
          b.raw,
        );
        return false;
      });
      return kind === 'contracts'
        ? await w.upsertContracts(
            ok.map((b) => b.value as Contract),
            at,
          )
        : await w.upsertContacts(ok.map((b) => b.value as Contact));
    }
    case 'users':
      return w.upsertUsers(
        batch.map((b) => b.value as User),
        at,
      );
    default:
      return w.upsertCatalog(batch.map((b) => b.value as CatalogFeature));
  }
}

/** A line refused before mapping: the column (when one is to blame), why, and the line as kept for review. */
type LineReject = { ok: false; field: string | null; reason: string; raw: string };
/** A line read into a record (header → cell, or the JSON object), with the text kept should it be rejected later. */
type DecodedLine = { ok: true; record: Record<string, unknown>; raw: string };

const UTF8_REASON = 'invalid UTF-8 bytes (declare encoding: latin1 in the mapping if the file is Latin-1)';

/** A CSV row as the JSON object a reject keeps (header → cell). */
const cellsJson = (cells: string[], h: string[]) =>
  JSON.stringify(Object.fromEntries(h.map((c, j) => [c, cells[j]])));

/**
 * First step for every CSV row, on both paths: the row has as many cells as the header, no
 * invalid UTF-8 (unless the mapping reads Latin-1) and no NUL character. Null when it is fine.
 */
function checkCsvCells(cells: string[], h: string[], checkUtf8: boolean): LineReject | null {
  if (cells.length !== h.length)
    return {
      ok: false,
      field: null,
      reason: `expected ${h.length} columns, found ${cells.length}`,
      raw: cells.join(','),
    };
  if (checkUtf8 && hasReplacementChar(cells))
    return {
      ok: false,
      field: h[cells.findIndex((c) => c.includes('\uFFFD'))] ?? null,
      reason: UTF8_REASON,
      raw: cells.join(','),
    };
  const nulCell = nulColumn(cells);
  if (nulCell >= 0)
    return { ok: false, field: h[nulCell] ?? null, reason: NUL_REASON, raw: cellsJson(cells, h) };
  return null;
}

/** The validated path's record of a checked CSV row; an id with spaces around it is a reject. */
function csvRecord(
  cells: string[],
  h: string[],
  columns: FileMapping['columns'] | undefined,
): DecodedLine | LineReject {
  const record: Record<string, unknown> = {};
  for (let j = 0; j < h.length; j++) record[h[j]!] = cells[j];
  const raw = JSON.stringify(record);
  const padded = paddedIdField(record, columns);
  if (padded) return { ok: false, field: padded, reason: PADDED_ID_REASON(record[padded]), raw };
  return { ok: true, record, raw };
}

/** An NDJSON line's record: valid UTF-8, a JSON object, no NUL, no id with spaces around it. */
function ndjsonRecord(
  raw: string,
  checkUtf8: boolean,
  columns: FileMapping['columns'] | undefined,
): DecodedLine | LineReject {
  if (checkUtf8 && raw.includes('\uFFFD')) return { ok: false, field: null, reason: UTF8_REASON, raw };
  // everything after the parse stays inside the try, as the parse's own errors: a reject, never a throw
  try {
    const parsed = JSON.parse(raw) as unknown;
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
      return { ok: false, field: null, reason: 'expected a JSON object', raw };
    const record = parsed as Record<string, unknown>;
    const nulAt = findNul(record);
    if (nulAt) return { ok: false, field: escapeNul(nulAt), reason: NUL_REASON, raw };
    const padded = paddedIdField(record, columns);
    if (padded) return { ok: false, field: padded, reason: PADDED_ID_REASON(record[padded]), raw };
    return { ok: true, record, raw };
  } catch (e) {
    return { ok: false, field: null, reason: `invalid JSON: ${(e as Error).message}`, raw };
  }
}

/** Has spaces around it (cheap: looks at the first and last character only). */
const padded = (s: string) =>
  s.length > 0 &&
  (s.charCodeAt(0) <= 32 || s.charCodeAt(s.length - 1) <= 32) &&
  s.trim() !== s &&
  s.trim() !== '';

/** The index of the first cell holding a NUL character, or -1. */
function nulColumn(cells: string[]): number {
  for (let j = 0; j < cells.length; j++) if (cells[j]!.includes('\u0000')) return j;
  return -1;
}

/** The source columns a mapping spec reads (each must be in the header). */
function specColumns(spec: SourceSpec): string[] {
  if (typeof spec === 'string') return [spec];
  if (spec.column !== undefined) return [spec.column];
  if (spec.lookup !== undefined) return [spec.by!];
  return [...(spec.concat ?? []), ...(spec.coalesce ?? []), ...(Array.isArray(spec.hash) ? spec.hash : [])];
}

/**
 * A header that lacks a required column, or a column the mapping names,
 * fails the file up front, naming the column (and the nearest header name).
 */
function checkHeader(f: PlannedFile & { kind: ImportKind }, header: string[]) {
  const required: Record<ImportKind, string[]> = {
    users: ['id', 'role'],
    catalog: ['key'],
    accounts: ['id', 'name'],
    contracts: ['id', 'account_id', 'start', 'arr'],
    contacts: ['id', 'account_id'],
    events: ['id', 'account_id', 'time'],
    usage: ['id', 'account_id', 'time'],
  };
  if (header.length === 0 || (header.length === 1 && header[0] === ''))
    throw new AppError('BAD_INPUT', `${f.path}:1: the file is empty (no header line)`, { line: 1 });
  const has = new Set(header);
  const missing: string[] = [];
  for (const field of required[f.kind]) {
    const spec = f.mapping?.columns[field];
    if (spec === undefined && !has.has(field) && f.mapping?.defaults[field] === undefined)
      missing.push(field);
  }
  for (const spec of Object.values(f.mapping?.columns ?? {}))
    for (const col of specColumns(spec)) if (!has.has(col) && !missing.includes(col)) missing.push(col);
  for (const col of Object.keys(f.mapping?.where ?? {})) if (!has.has(col)) missing.push(col);
  if (f.kind === 'usage' || f.kind === 'events') {
    const typeSpec = f.mapping?.columns.type;
    const typeSource =
      f.mapping?.eventNameColumn ?? (typeof typeSpec === 'string' ? typeSpec : undefined) ?? 'type';
    if (!has.has(typeSource) && typeSpec === undefined && f.mapping?.defaults.type === undefined)
      missing.push(typeSource);
  }
  if (missing.length > 0) {
    const hints = missing
      .map((m) => {
        const near = didYouMean(m, header);
        return `"${m}"${near ? ` (did you mean "${near}"?)` : ''}`;
      })
      .join(', ');
    throw new AppError(
      'BAD_INPUT',
      `${f.path}:1: missing column${missing.length > 1 ? 's' : ''} ${hints} (the header has: ${header.join(', ')})`,
      { line: 1, missing },
    );
  }
}

/** True when a cell holds U+FFFD, what invalid UTF-8 bytes decode to. */
function hasReplacementChar(cells: string[]): boolean {
  for (let i = 0; i < cells.length; i++) if (cells[i]!.indexOf('\uFFFD') !== -1) return true;
  return false;
}

/**
 * The hot path for usage CSVs that need no value maps or taxonomy: reads cells
 * by index without building an object per row, and adds the row to the
 * rollup. Returns the same typed row result as the validated path (ok,
 * reject with field and reason); `fast-path.test.ts` checks, by property,
 * that both paths accept, reject and aggregate the same rows.
 */
function compileUsageFastPath(
  mapping: FileMapping | null,
  timeProblem: (time: string) => string | null,
  timeZone: string,
) {
  if (
    mapping &&
    (Object.keys(mapping.values).length > 0 ||
      Object.values(mapping.columns).some((c) => typeof c !== 'string') ||
      Object.keys(mapping.where).length > 0 ||
      mapping.timeZone !== undefined ||
      mapping.decimal !== undefined ||
      Object.keys(mapping.defaults).length > 0 ||
      mapping.eventNameColumn ||
      mapping.dateFormat !== 'iso')
  )
    return null;
  let idx: Record<string, number> | null = null;
  let lastHeader: string[] | null = null;
  return (cells: string[], header: string[], rollup: UsageRollup): RowResult<{ row: PendingUsage }> => {
    if (header !== lastHeader) {
      lastHeader = header;
      idx = {};
      for (const field of ['id', 'account_id', 'contact_id', 'type', 'time', 'key', 'count'])
        idx[field] = header.indexOf((mapping?.columns[field] as string | undefined) ?? field);
    }
    const ix = idx!;
    const id = cells[ix.id!] ?? '';
    if (id === '') return rowReject('id', 'is required');
    const accountId = cells[ix.account_id!] ?? '';
    if (accountId === '') return rowReject('account_id', 'is required');
    if (padded(id)) return rowReject('id', PADDED_ID_REASON(id));
    if (padded(accountId)) return rowReject('account_id', PADDED_ID_REASON(accountId));
    const acc = rollup.accountSlot(accountId);
    if (acc < 0) return rowReject('account_id', `unknown account "${accountId}"`);
    const type = cells[ix.type!] ?? '';
    if (!isUsageEventType(type))
      return rowReject(
        'type',
        `"${type}" is not a usage event type (login, feature_used, integration_used, usage_custom)`,
      );
    let time = cells[ix.time!] ?? '';
    if (!(time.length === 24 && time.charCodeAt(10) === 84 && time.charCodeAt(23) === 90)) {
      if (time === '') return rowReject('time', 'is required');
      try {
        time = parseTimeValue(time, 'iso', 'time', timeZone);
      } catch (e) {
        return rowReject('time', `${(e as Error).message}`);
      }
    }
    const problem = timeProblem(time);
    if (problem) return rowReject('time', `${problem}`);
    const rawKey = ix.key! >= 0 ? (cells[ix.key!] ?? '') : '';
    if (type !== 'login' && rawKey === '') return rowReject('key', `is required for ${type}`);
    const rawCount = ix.count! >= 0 ? (cells[ix.count!] ?? '') : '';
    let count = 1;
    if (rawCount !== '') {
      count = Number(rawCount);
      if (!Number.isInteger(count) || count < 0)
        return rowReject('count', `"${rawCount}" is not a whole number ≥ 0`);
    }
    const contact = ix.contact_id! >= 0 ? (cells[ix.contact_id!] ?? '') : '';
    if (padded(contact)) return rowReject('contact_id', PADDED_ID_REASON(contact));
    return {
      ok: true,
      row: {
        id,
        accountId,
        acc,
        contactId: contact === '' ? null : contact,
        type,
        time,
        key: rawKey === '' ? null : rawKey,
        units: count,
      },
    };
  };
}
