// Per-line decoding shared by the importer's two paths: the entity files (read and written on
// the main thread) and the usage/timeline files (read in parse threads, parse-file.ts). Pure
// functions of a line and the file's mapping: the same input gives the same record or reject
// whichever thread reads it.
import { isUsageEventType } from '../../core/data-model/events.ts';
import { AppError } from '../../core/errors.ts';
import { parseTimeValue, type RowResult, rowReject, type UsageRow } from '../../core/import/map-row.ts';
import type { FileMapping, ImportKind, SourceSpec } from '../../core/import/mapping.ts';
import type { UsageRollup } from '../../core/import/usage-rollup.ts';
import { didYouMean } from '../../core/import/values.ts';
import { escapeNul, findNul, NUL_REASON, PADDED_ID_REASON, paddedIdField } from '../ingest/nul-check.ts';

/** Events before this are surely a unit or format mistake (and would not fit the rollups' day numbers). */
export const EARLIEST_TIME = '1970-01-01T00:00:00.000Z';

/** What the header check needs to know of a file. */
export type HeaderFile = { path: string; kind: ImportKind; mapping: FileMapping | null };

/** A line refused before mapping: the column (when one is to blame), why, and the line as kept for review. */
export type LineReject = { ok: false; field: string | null; reason: string; raw: string };
/** A line read into a record (header → cell, or the JSON object), with the text kept should it be rejected later. */
export type DecodedLine = { ok: true; record: Record<string, unknown>; raw: string };

export const UTF8_REASON =
  'invalid UTF-8 bytes (declare encoding: latin1 in the mapping if the file is Latin-1)';

/** A CSV row as the JSON object a reject keeps (header → cell). */
export const cellsJson = (cells: string[], h: string[]) =>
  JSON.stringify(Object.fromEntries(h.map((c, j) => [c, cells[j]])));

/**
 * First step for every CSV row, on both paths: the row has as many cells as the header, no
 * invalid UTF-8 (unless the mapping reads Latin-1) and no NUL character. Null when it is fine.
 */
export function checkCsvCells(cells: string[], h: string[], checkUtf8: boolean): LineReject | null {
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
export function csvRecord(
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
export function ndjsonRecord(
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
export function checkHeader(f: HeaderFile, header: string[]) {
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
export function compileUsageFastPath(
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
  return (cells: string[], header: string[], rollup: UsageRollup, accept: UsageSink): RowResult<object> => {
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
    accept(
      acc,
      id,
      accountId,
      contact === '' ? null : contact,
      type,
      time,
      rawKey === '' ? null : rawKey,
      count,
    );
    return ACCEPTED;
  };
}
const ACCEPTED = { ok: true } as const;

/** Takes a valid usage row (the fast path calls it instead of building a row object). */
export type UsageSink = (
  acc: number,
  id: string,
  accountId: string,
  contactId: string | null,
  type: UsageRow['type'],
  time: string,
  key: string | null,
  units: number,
) => void;
