import { createHash } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { Account, CatalogFeature, Contact, Contract, User } from '../../core/data-model/entities.ts';
import { AppError } from '../../core/errors.ts';
import { type MapEnv, mapRow, passesWhere } from '../../core/import/map-row.ts';
import {
  detectKind,
  type FileMapping,
  IMPORT_KINDS,
  type ImportKind,
  type Mapping,
  matchesGlob,
} from '../../core/import/mapping.ts';
import { UsageRollup } from '../../core/import/usage-rollup.ts';
import type { ImportFileWriter, RejectRow } from '../../store/resources/imports.ts';
import { isRetryableWriteError, retryDelayMs } from '../../store/write-errors.ts';
import type { EngineContext } from '../context.ts';
import {
  checkCsvCells,
  checkHeader,
  csvRecord,
  type DecodedLine,
  type LineReject,
  ndjsonRecord,
} from './decode-row.ts';
import { Lookups } from './lookups.ts';
import { type ParseJob, sha256File, type UsageClaimTuple, type UsageRestTuple } from './parse-file.ts';
import { importThreads, openParseStream, type ParseStream, parseError } from './parse-pool.ts';
import { type RecordBatch, readRecordBatches } from './read-records.ts';

export type ImportProgress = { file: string; bytesDone: number; bytesTotal: number; rows: number };

export type ImportFilesOptions = {
  paths: string[];
  mapping?: Mapping | null;
  onProgress?: (p: ImportProgress) => void;
  /** How many rejects each file report carries for printing (all are stored). Default 100. */
  sampleRejects?: number;
  /**
   * Parse threads for usage and timeline files (default: `importThreads()` for an import of
   * 16 MB or more of them, else 0 = read on this thread). The result does not depend on it.
   */
  threads?: number;
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
const ENTITY_BATCH = 2000;
/** Lines per parse chunk: one chunk's rows and rollup deltas are written in a few statements. */
const CHUNK_ROWS = 40_000;
/** Below this many bytes of usage and timeline files, they are read on the calling thread. */
const THREADED_IMPORT_BYTES = 16 << 20;

/** Usage and timeline files are read by a parse stream; entity files on the calling thread. */
const isStreamed = (f: PlannedFile) => !f.skip && (f.kind === 'usage' || f.kind === 'events');

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
  // usage and timeline files are read in parse threads, a few files ahead of the writer; a small
  // import reads them here (starting a thread costs more than it saves)
  const streamedBytes = plan.reduce((s, f) => s + (isStreamed(f) ? f.bytes : 0), 0);
  const threads = options.threads ?? (streamedBytes >= THREADED_IMPORT_BYTES ? importThreads() : 0);
  const openStream = async (f: PlannedFile, size: number): Promise<ParseStream> => {
    if (f.mapping && lookups) await lookups.prepare(f.mapping);
    const job: ParseJob = {
      path: f.path,
      kind: f.kind as ParseJob['kind'],
      mapping: f.mapping,
      timeZone,
      decimal: mapping?.decimal,
      knownAccounts: [...knownAccounts],
      latest: new Date(ctx.clock.now().getTime() + 86_400_000).toISOString(),
      chunkRows: CHUNK_ROWS,
      ...(lookups ? { lookups: lookups.tables() } : {}),
    };
    return openParseStream(job, size);
  };
  const opened = new Map<PlannedFile, ParseStream>();
  try {
    for (let i = 0; i < plan.length; i++) {
      const f = plan[i]!;
      if (!f.kind || f.skip) {
        files.push(emptyReport(f, 'skipped', f.skip ?? 'not an import file (name it by kind or map it)'));
        bytesBefore += f.bytes;
        continue;
      }
      const progress = (done: number, rows: number) =>
        options.onProgress?.({ file: f.path, bytesDone: bytesBefore + done, bytesTotal, rows });
      const env: MapEnv = {
        timeZone,
        decimal: mapping?.decimal,
        lookup: lookups?.get,
        hashes: new Map(),
      };
      let source: FileSource = { stream: null, env };
      let first: ParseStream | null = null;
      if (isStreamed(f)) {
        // this file's stream, then the next files' (one per parse thread, so each thread has a
        // file queued behind the one it reads); a thread reads its files in the order they are
        // written. A file that cannot be opened ahead (a lookup that fails) is opened in turn.
        first = opened.get(f) ?? (await openStream(f, threads));
        opened.delete(f);
        for (let j = i + 1, ahead = 0; j < plan.length && ahead < threads; j++) {
          const g = plan[j]!;
          if (!isStreamed(g)) continue;
          ahead++;
          if (opened.has(g)) continue;
          try {
            opened.set(g, await openStream(g, threads));
          } catch {
            break;
          }
        }
        // a retry reads the file again here (the threads may hold the next files already)
        source = { stream: () => openStream(f, 0), env };
      } else if (f.mapping && lookups) await lookups.prepare(f.mapping);
      let report: Awaited<ReturnType<typeof importOneFile>>;
      try {
        report = await importOneFile(
          ctx,
          f as PlannedFile & { kind: ImportKind },
          knownAccounts,
          progress,
          options,
          source,
          first,
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
  } finally {
    for (const s of opened.values()) s.cancel();
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

/** The bookkeeping a finished file import records (its `imports` row), from its report. */
function finishedImport(report: FileImportReport, f: PlannedFile, finishedAt: string) {
  return {
    finishedAt,
    lines: report.rows,
    accepted: report.accepted,
    updated: report.updated,
    duplicates: report.duplicates,
    rejected: report.rejected,
    ignored: report.ignored,
    bytes: f.bytes,
  };
}

/** A file whose content was fully imported before: every line is a duplicate, nothing written. */
function unchangedFile(
  f: PlannedFile,
  outcome: { previousId: number; lines: number },
  t0: number,
  progress: (bytesDone: number, rows: number) => void,
): { file: FileImportReport; usageEvents: number } {
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

/** Where a file's lines come from: read here (entity files) or by a parse stream (usage, timeline). */
type FileSource = { stream: null; env: MapEnv } | { stream: () => Promise<ParseStream>; env: MapEnv };

async function importOneFile(
  ctx: EngineContext,
  f: PlannedFile & { kind: ImportKind },
  knownAccounts: Set<string>,
  progress: (bytesDone: number, rows: number) => void,
  options: ImportFilesOptions,
  source: FileSource,
  firstStream: ParseStream | null,
): Promise<{ file: FileImportReport; usageEvents: number }> {
  const t0 = performance.now();
  const { env } = source;
  // the same bytes read through a different mapping entry are different content
  const contentSha = (fileSha: string) =>
    f.mapping
      ? createHash('sha256')
          .update(fileSha)
          .update(JSON.stringify(f.mapping))
          .update(env.timeZone ?? 'UTC')
          .digest('hex')
      : fileSha;
  const sha = source.stream ? null : contentSha(await sha256File(f.path));
  // A transaction that fails on a lock conflict (PostgreSQL deadlock or
  // serialisation failure, SQLite busy) is retried whole: nothing of it was kept.
  let stream = firstStream;
  for (let attempt = 1; ; attempt++) {
    try {
      if (!source.stream)
        return await importFileOnce(ctx, f, sha!, knownAccounts, progress, options, t0, env);
      stream ??= await source.stream();
      const s = stream;
      stream = null;
      return await importStreamedFile(ctx, f, s, contentSha, progress, options, t0);
    } catch (e) {
      if (!isRetryableWriteError(e) || attempt >= 8) throw e;
      await new Promise((res) => setTimeout(res, retryDelayMs(attempt)));
    }
  }
}

/**
 * A usage or timeline file: its chunks come read, validated and rolled up from a parse stream;
 * here they are claimed and written, in file order, in the file's one transaction. A chunk's
 * usage ids are claimed in the ledger first: when all are new (the usual case) the chunk's
 * rollup deltas are added as they are; when some were imported before (an earlier or concurrent
 * import, an edited export's old lines, a repeated id), only the new rows are rolled up here.
 */
async function importStreamedFile(
  ctx: EngineContext,
  f: PlannedFile & { kind: ImportKind },
  stream: ParseStream,
  contentSha: (fileSha: string) => string,
  progress: (bytesDone: number, rows: number) => void,
  options: ImportFilesOptions,
  t0: number,
): Promise<{ file: FileImportReport; usageEvents: number }> {
  const { store } = ctx;
  const now = () => ctx.clock.now().toISOString();
  const report = emptyReport(f, 'imported');
  const sampleLimit = options.sampleRejects ?? 100;
  let usageEvents = 0;
  const dirty = new Set<string>();
  let ended = false;
  const next = async () => {
    const m = await stream.next();
    if (m.t === 'error') {
      ended = true;
      throw parseError(m);
    }
    if (m.t === 'end') ended = true;
    return m;
  };
  try {
    const first = await next();
    if (first.t !== 'sha') throw new Error(`${f.path}: the parse stream did not start with the hash`);
    const outcome = await store.imports.importFile(
      { path: f.path, sha256: contentSha(first.sha), kind: f.kind, startedAt: now() },
      async (w: ImportFileWriter) => {
        report.importId = w.importId;
        for (let m = await next(); m.t === 'chunk'; m = await next()) {
          report.rows += m.rows;
          report.ignored += m.ignored;
          if (m.rejects.length > 0) {
            report.rejected += m.rejects.length;
            for (const r of m.rejects) if (report.rejects.length < sampleLimit) report.rejects.push(r);
            await w.insertRejects(m.rejects, now());
          }
          if (m.events) {
            const r = await w.insertEventsJson(m.events.rows, m.events.n, now());
            report.accepted += r.inserted;
            report.duplicates += m.events.n - r.inserted;
            for (const id of r.accountIds === 'all' ? m.events.accounts : r.accountIds) dirty.add(id);
          }
          if (m.usage) {
            const u = m.usage;
            const fresh = await w.claimUsageJson(u.claims, u.n);
            if (fresh === true) {
              await w.addUsageDeltasJson(u);
              usageEvents += u.n;
              report.accepted += u.n;
              for (const id of u.accounts) dirty.add(id);
            } else {
              const claims = JSON.parse(u.claims) as UsageClaimTuple[];
              const rests = JSON.parse(u.rest) as UsageRestTuple[];
              const rollup = new UsageRollup();
              for (let i = 0; i < claims.length; i++) {
                if (!fresh[i]) {
                  report.duplicates++;
                  continue;
                }
                const [, accountId, units] = claims[i]!;
                const [contactId, type, time, key] = rests[i]!;
                rollup.addEvent(accountId, contactId, type, time, key, units);
                usageEvents++;
                report.accepted++;
              }
              if (rollup.pendingRows > 0) {
                const deltas = rollup.drain();
                for (const id of deltas.accounts) dirty.add(id);
                await w.addUsageDeltas(deltas);
              }
            }
          }
          stream.ack();
          progress(m.bytesDone, report.rows);
        }
        await w.markDirty(dirty, now());
        return finishedImport(report, f, now());
      },
    );
    if (outcome.status === 'unchanged') return unchangedFile(f, outcome, t0, progress);
  } finally {
    if (!ended) stream.cancel();
  }
  report.ms = performance.now() - t0;
  progress(f.bytes, report.rows);
  return { file: report, usageEvents };
}

/** An entity file (accounts, contracts, contacts, users, catalog), read and written here. */
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
  let bytesDone = 0;
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

      let entities: EntityRow[] = [];
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

      const checkUtf8 = f.mapping?.encoding !== 'latin1';
      const filtered = f.mapping !== null && Object.keys(f.mapping.where).length > 0;
      let headerChecked = false;

      const onBatch = async (batch: RecordBatch) => {
        if (batch.format === 'csv' && !headerChecked) {
          headerChecked = true;
          checkHeader(f, batch.header);
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
          if (mapped.kind !== 'entity') throw new Error(`${f.path}: an event row in a ${f.kind} file`);
          entities.push({ line, value: mapped.value, raw });
          if (entities.length >= ENTITY_BATCH) await writeEntities();
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
      await flushRejects();
      await w.markDirty(dirty, now());
      return finishedImport(report, f, now());
    },
  );
  if (outcome.status === 'unchanged') return unchangedFile(f, outcome, t0, progress);
  report.ms = performance.now() - t0;
  progress(f.bytes, report.rows);
  return { file: report, usageEvents: 0 };
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
