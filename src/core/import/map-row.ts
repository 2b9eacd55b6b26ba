import { createHash } from 'node:crypto';
import type { z } from 'zod';
import {
  accountSchema,
  catalogFeatureSchema,
  contactSchema,
  contractSchema,
  userSchema,
} from '../data-model/entities.ts';
import { isUsageEventType, parseEvent, type UsageEventType, type VigilEvent } from '../data-model/events.ts';
import {
  type DateFormat,
  type FieldType,
  type FileMapping,
  type ImportKind,
  KIND_FIELDS,
  type SourceSpec,
  type VALUE_TYPES,
} from './mapping.ts';
import {
  addDaysToDate,
  type DecimalSeparator,
  parseNumber,
  readDate,
  readTime,
  ValueError,
} from './values.ts';

/** A raw usage event before aggregation. `key` is the feature, integration or custom metric. */
export type UsageRow = {
  id: string;
  accountId: string;
  contactId: string | null;
  type: UsageEventType;
  time: string;
  key: string | null;
  count: number;
};

/** A row that is not imported, with the field and the reason (kept for review). */
export type RowReject = { ok: false; ignored?: false; field: string; reason: string };
/** A row deliberately not imported (a `where` filter, an `ignore`d event name): counted, not rejected. */
export type RowIgnored = { ok: false; ignored: true };
/** Every import path's per-row outcome: ok (with its value), reject or ignored. */
export type RowResult<T> = ({ ok: true } & T) | RowReject | RowIgnored;

export const ROW_OK: { ok: true } = Object.freeze({ ok: true as const });
export const rowReject = (field: string, reason: string): RowReject => ({ ok: false, field, reason });

export type MappedRow = RowResult<
  | { kind: 'entity'; value: Record<string, unknown> }
  | { kind: 'event'; value: VigilEvent }
  | { kind: 'usage'; value: UsageRow }
>;

export { KIND_FIELDS };

/** NDJSON files use camelCase keys; these are their names for the snake_case fields. */
const CAMEL: Record<string, string> = {
  account_id: 'accountId',
  contact_id: 'contactId',
  manager_id: 'managerId',
  parent_id: 'parentId',
  lifecycle_stage: 'lifecycleStage',
  created_at: 'createdAt',
  churned_at: 'churnedAt',
  churn_reason: 'churnReason',
  joined_at: 'joinedAt',
  left_at: 'leftAt',
  add_on: 'addOn',
  list_price: 'listPrice',
};

const SCHEMAS: Partial<Record<ImportKind, z.ZodType>> = {
  users: userSchema,
  catalog: catalogFeatureSchema,
  accounts: accountSchema,
  contracts: contractSchema,
  contacts: contactSchema,
};

class FieldError extends Error {
  constructor(
    readonly field: string,
    reason: string,
  ) {
    super(reason);
  }
}

/** What a row is read with beyond its own mapping entry. */
export type MapEnv = {
  /** Zone of timestamps written without one (the mapping's, else the workspace's, else UTC). */
  timeZone?: string;
  /** Decimal separator declared for the whole mapping. */
  decimal?: DecimalSeparator;
  /**
   * Resolves a `lookup`: the looked-up row's `field` whose `on` equals `key`,
   * or `NOT_FOUND`. Built once per import by the caller.
   */
  lookup?: (spec: { lookup: string; on: string; field: string }, key: string) => unknown;
  /** Occurrences of each row hash so far in this file, so identical rows get distinct, stable ids. */
  hashes?: Map<string, number>;
};
export const NOT_FOUND: unique symbol = Symbol('not found');

/** Reads a date in the mapping's format into `YYYY-MM-DD`. */
export function parseDateValue(raw: string, format: DateFormat, field: string, timeZone = 'UTC'): string {
  try {
    return readDate(raw, { format, timeZone });
  } catch (e) {
    if (e instanceof ValueError) throw new FieldError(field, e.message);
    throw e;
  }
}

/** Reads a timestamp into ISO UTC; one written without a zone is read in `timeZone` (default UTC). */
export function parseTimeValue(raw: string, format: DateFormat, field: string, timeZone = 'UTC'): string {
  try {
    return readTime(raw, { format, timeZone });
  } catch (e) {
    if (e instanceof ValueError) throw new FieldError(field, e.message);
    throw e;
  }
}

type ReadOpts = { format: DateFormat; timeZone: string; decimal: DecimalSeparator | undefined };

/** `raw`: an untyped nested value, kept as the source or value map gives it (text trimmed). */
type ReadType = FieldType | 'raw';

function coerce(value: unknown, type: ReadType, field: string, o: ReadOpts): unknown {
  if (value === undefined || value === null) return undefined;
  if (type === 'raw') return typeof value === 'string' ? value.trim() || undefined : value;
  if (typeof value === 'string') {
    const s = value.trim();
    if (s === '') return undefined;
    switch (type) {
      case 'string':
        return s;
      case 'number':
      case 'int': {
        let n: number;
        try {
          n = parseNumber(s, o.decimal);
        } catch (e) {
          throw new FieldError(field, (e as Error).message);
        }
        if (type === 'int' && !Number.isInteger(n))
          throw new FieldError(field, `"${value}" is not a whole number`);
        return n;
      }
      case 'bool': {
        const l = s.toLowerCase();
        if (['true', 'yes', 'y', '1', 't'].includes(l)) return true;
        if (['false', 'no', 'n', '0', 'f'].includes(l)) return false;
        throw new FieldError(field, `"${value}" is not true/false`);
      }
      case 'date':
        return parseDateValue(s, o.format, field, o.timeZone);
      case 'time':
        return parseTimeValue(s, o.format, field, o.timeZone);
      case 'list':
        return s
          .split(/[;|]/)
          .map((x) => x.trim())
          .filter(Boolean);
      case 'json':
        try {
          return JSON.parse(s);
        } catch {
          throw new FieldError(field, 'is not valid JSON');
        }
    }
  }
  if ((type === 'time' || type === 'date') && typeof value === 'number')
    return coerce(String(value), type, field, o);
  if (type === 'string' && (typeof value === 'number' || typeof value === 'boolean')) return String(value);
  if ((type === 'number' || type === 'int') && typeof value !== 'number')
    throw new FieldError(field, `${JSON.stringify(value)} is not a number`);
  if (type === 'int' && !Number.isInteger(value))
    throw new FieldError(field, `${value} is not a whole number`);
  if (type === 'bool' && typeof value !== 'boolean')
    throw new FieldError(field, `${JSON.stringify(value)} is not true/false`);
  return value;
}

const SPEC_TYPE: Record<(typeof VALUE_TYPES)[number], FieldType> = {
  string: 'string',
  number: 'number',
  int: 'int',
  boolean: 'bool',
  date: 'date',
  time: 'time',
};

/** Traits keep their type: numeric text becomes a number, true/false a boolean. */
function traitValue(v: unknown): string | number | boolean | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  const s = String(v).trim();
  if (s === '') return null;
  if (/^-?\d+(\.\d+)?$/.test(s)) return Number(s);
  if (s === 'true' || s === 'false') return s === 'true';
  return s;
}

/**
 * A source column's value: the key itself, else (NDJSON objects) a dotted
 * path into nested objects, e.g. `context.groupId` or `traits.company.id`.
 */
export function columnValue(record: Record<string, unknown>, name: string): unknown {
  const direct = record[name];
  if (direct !== undefined || !name.includes('.')) return direct;
  let v: unknown = record;
  for (const k of name.split('.')) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[k];
  }
  return v;
}

const blank = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');

/** The raw value of a source spec in a record (before value maps and typing). */
function sourceValue(
  record: Record<string, unknown>,
  spec: Exclude<SourceSpec, string>,
  field: string,
  kind: ImportKind,
  env: MapEnv,
): unknown {
  if (spec.column !== undefined) return columnValue(record, spec.column);
  if (spec.constant !== undefined) return spec.constant;
  if (spec.coalesce) return spec.coalesce.map((c) => columnValue(record, c)).find((v) => !blank(v));
  if (spec.concat)
    return spec.concat
      .map((c) => columnValue(record, c))
      .filter((v) => !blank(v))
      .map((v) => String(v).trim())
      .join(spec.separator ?? '');
  if (spec.hash) {
    const cols = spec.hash === 'row' ? Object.keys(record) : spec.hash;
    const base = createHash('sha1')
      .update(kind)
      .update(
        cols
          .map((c) => {
            const v = columnValue(record, c);
            return `${c}\u0001${v !== null && typeof v === 'object' ? JSON.stringify(v) : String(v ?? '')}`;
          })
          .join('\u0002'),
      )
      .digest('hex')
      .slice(0, 24);
    const n = env.hashes?.get(base) ?? 0;
    env.hashes?.set(base, n + 1);
    return n === 0 ? `h-${base}` : `h-${base}-${n + 1}`;
  }
  if (spec.lookup !== undefined) {
    const key = columnValue(record, spec.by!);
    if (blank(key)) throw new FieldError(field, `is required (lookup key column "${spec.by}" is blank)`);
    if (!env.lookup) throw new FieldError(field, `lookup "${spec.lookup}" is not available here`);
    const on = spec.on ?? 'id';
    const v = env.lookup({ lookup: spec.lookup, on, field: spec.field ?? field }, String(key).trim());
    if (v === NOT_FOUND)
      throw new FieldError(
        field,
        `no row with ${on} "${String(key).trim()}" in ${spec.lookup} (looked up by column ${spec.by})`,
      );
    return v;
  }
  return undefined;
}

function setPath(target: Record<string, unknown>, path: string[], v: unknown) {
  let o = target;
  for (let i = 0; i < path.length - 1; i++) {
    const k = path[i]!;
    if (!o[k] || typeof o[k] !== 'object' || Array.isArray(o[k])) o[k] = {};
    o = o[k] as Record<string, unknown>;
  }
  o[path.at(-1)!] = v;
}

const snakeToCamel = (s: string) => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * Maps one source record (a CSV row keyed by header, or an NDJSON object) to
 * a Vigil row of `kind`, applying the mapping's sources (columns, lookups,
 * computed values), value maps, defaults, date formats, time zone, decimal
 * separator and taxonomy. Returns a reject with the field and reason instead
 * of throwing.
 */
export function mapRow(
  record: Record<string, unknown>,
  kind: ImportKind,
  mapping: FileMapping | null,
  env: MapEnv = {},
): MappedRow {
  try {
    return mapRowUnsafe(record, kind, mapping, env);
  } catch (e) {
    if (e instanceof FieldError) return { ok: false, field: e.field, reason: e.message };
    throw e;
  }
}

/** Whether a record passes the entry's `where` filter. */
export function passesWhere(record: Record<string, unknown>, mapping: FileMapping | null): boolean {
  if (!mapping) return true;
  for (const [col, want] of Object.entries(mapping.where)) {
    const v = String(columnValue(record, col) ?? '').trim();
    if (typeof want === 'string' ? v !== want : !want.includes(v)) return false;
  }
  return true;
}

type Reader = (field: string, typeOverride?: ReadType) => unknown;

function makeReader(
  record: Record<string, unknown>,
  kind: ImportKind,
  mapping: FileMapping | null,
  env: MapEnv,
): Reader {
  const fields = KIND_FIELDS[kind];
  const opts: ReadOpts = {
    format: mapping?.dateFormat ?? 'iso',
    timeZone: mapping?.timeZone ?? env.timeZone ?? 'UTC',
    decimal: mapping?.decimal ?? env.decimal,
  };
  return (field, typeOverride) => {
    const spec = mapping?.columns[field];
    let raw: unknown;
    let type: ReadType = typeOverride ?? fields[field] ?? 'string';
    let o = opts;
    let valueMap = mapping?.values[field];
    let fallback: unknown = mapping?.defaults[field];
    let shift = 0;
    if (spec === undefined) raw = record[field] ?? record[CAMEL[field] ?? field];
    else if (typeof spec === 'string') raw = columnValue(record, spec);
    else {
      raw = sourceValue(record, spec, field, kind, env);
      if ((spec.prefix !== undefined || spec.suffix !== undefined) && !blank(raw))
        raw = `${spec.prefix ?? ''}${String(raw).trim()}${spec.suffix ?? ''}`;
      if (spec.type) type = SPEC_TYPE[spec.type];
      if (spec.format) o = { ...opts, format: spec.format };
      if (spec.values) valueMap = { ...valueMap, ...spec.values };
      if (spec.default !== undefined) fallback = spec.default;
      shift = spec.addDays ?? 0;
    }
    if (valueMap && raw !== undefined && raw !== null) {
      const key = String(raw).trim();
      if (Object.hasOwn(valueMap, key)) raw = valueMap[key];
    }
    let v = coerce(raw, type, field, o);
    if (v === undefined && fallback !== undefined && fallback !== null) v = coerce(fallback, type, field, o);
    if (shift !== 0 && typeof v === 'string') {
      if (type === 'date') v = addDaysToDate(v, shift);
      else if (type === 'time') v = new Date(Date.parse(v) + shift * 86_400_000).toISOString();
    }
    return v;
  };
}

/** Nested targets (`properties.X`, `traits.X`) a mapping declares, with their declared types. */
function nestedTargets(mapping: FileMapping | null, prefix: string): [string, FieldType | undefined][] {
  if (!mapping) return [];
  const out = new Map<string, FieldType | undefined>();
  for (const section of [mapping.columns, mapping.values, mapping.defaults])
    for (const target of Object.keys(section)) {
      if (!target.startsWith(prefix) || out.has(target)) continue;
      const spec = mapping.columns[target];
      out.set(target, spec && typeof spec !== 'string' && spec.type ? SPEC_TYPE[spec.type] : undefined);
    }
  return [...out];
}

/** Reads a nested target: typed when declared, else numbers and booleans of a value map kept, text trimmed. */
function readNested(read: Reader, target: string, type: FieldType | undefined): unknown {
  if (type) return read(target, type);
  // untyped: the value as the source or value map gives it (value maps may give numbers/booleans)
  return read(target, 'raw');
}

function mapRowUnsafe(
  record: Record<string, unknown>,
  kind: ImportKind,
  mapping: FileMapping | null,
  env: MapEnv,
): MappedRow {
  const fields = KIND_FIELDS[kind];
  const read = makeReader(record, kind, mapping, env);

  if (kind === 'usage' || kind === 'events') return mapEvent(record, kind, mapping, read);

  const out: Record<string, unknown> = {};
  for (const field of Object.keys(fields)) {
    const v = read(field);
    if (v !== undefined) out[snakeToCamel(field)] = v;
  }
  if (kind === 'contracts' && mapping?.revenueIsMonthly && typeof out.arr === 'number') out.arr *= 12;
  if (kind === 'contracts' && typeof out.billingPeriod === 'string') {
    const bp = BILLING_ALIASES[out.billingPeriod.toLowerCase()];
    if (!bp)
      return {
        ok: false,
        field: 'billing_period',
        reason: `"${out.billingPeriod}" is not a billing period (month or year; map others with values)`,
      };
    out.billingPeriod = bp;
  }
  if (kind === 'contracts' && mapping?.revenuePerBillingPeriod && typeof out.arr === 'number') {
    if (out.billingPeriod === undefined)
      return { ok: false, field: 'billing_period', reason: 'is required to annualise a per-period price' };
    if (out.billingPeriod === 'month') out.arr *= 12;
  }
  if (kind === 'accounts') {
    const traits: Record<string, string | number | boolean | null> = {};
    const fromObject = record.traits;
    if (fromObject && typeof fromObject === 'object') Object.assign(traits, fromObject);
    for (const [col, v] of Object.entries(record))
      if (col.startsWith('trait:')) traits[col.slice(6)] = traitValue(v);
    for (const col of mapping?.traits ?? []) traits[col] = traitValue(record[col]);
    for (const [target, type] of nestedTargets(mapping, 'traits.')) {
      const v = readNested(read, target, type);
      traits[target.slice(7)] = type ? ((v as string | number | boolean | undefined) ?? null) : traitValue(v);
    }
    out.traits = traits;
  }
  const schema = SCHEMAS[kind]!;
  const parsed = schema.safeParse(out);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = String(issue.path[0] ?? '(row)');
    const reason = /received undefined$/.test(issue.message) ? 'is required' : issue.message;
    return { ok: false, field: field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), reason };
  }
  const value = parsed.data as Record<string, unknown>;
  if (kind === 'contracts' && value.end !== null && String(value.end) < String(value.start))
    return { ok: false, field: 'end', reason: `end ${value.end} is before start ${value.start}` };
  return { ok: true, kind: 'entity', value };
}

const BILLING_ALIASES: Record<string, 'month' | 'year'> = {
  month: 'month',
  monthly: 'month',
  mo: 'month',
  m: 'month',
  year: 'year',
  yearly: 'year',
  annual: 'year',
  annually: 'year',
  yr: 'year',
  y: 'year',
};

function mapEvent(
  record: Record<string, unknown>,
  kind: 'usage' | 'events',
  mapping: FileMapping | null,
  read: Reader,
): MappedRow {
  let type = read('type') as string | undefined;
  let key = read('key') as string | undefined;
  if (mapping?.eventNameColumn) {
    const name = String(columnValue(record, mapping.eventNameColumn) ?? '').trim();
    if (mapping.ignore.includes(name)) return { ok: false, ignored: true };
    const target = mapping.taxonomy[name];
    if (target === undefined) {
      return name === ''
        ? { ok: false, field: mapping.eventNameColumn, reason: 'is required' }
        : {
            ok: false,
            field: mapping.eventNameColumn,
            reason: `event name "${name}" is not in the mapping's taxonomy`,
          };
    }
    if (typeof target === 'string') type = target;
    else {
      type = target.type;
      key = target.key ?? key ?? name;
    }
  }
  const id = read('id') as string | undefined;
  const accountId = read('account_id') as string | undefined;
  const time = read('time') as string | undefined;
  if (!id) return { ok: false, field: 'id', reason: 'is required' };
  if (!accountId) return { ok: false, field: 'account_id', reason: 'is required' };
  if (!type) return { ok: false, field: 'type', reason: 'is required' };
  if (!time) return { ok: false, field: 'time', reason: 'is required' };
  const contactId = (read('contact_id') as string | undefined) ?? null;
  let properties = (read('properties') as Record<string, unknown> | undefined) ?? {};
  for (const [col, v] of Object.entries(record)) {
    if (col.startsWith('prop:') && v !== '' && v !== undefined)
      properties = { ...properties, [col.slice(5)]: v };
  }
  const nested = nestedTargets(mapping, 'properties.');
  if (nested.length > 0) {
    properties = { ...properties };
    for (const [target, t] of nested) {
      const v = readNested(read, target, t);
      if (v !== undefined) setPath(properties, target.slice(11).split('.'), v);
    }
  }
  if (depthOf(properties) > MAX_PROPERTY_DEPTH)
    return { ok: false, field: 'properties', reason: `nested deeper than ${MAX_PROPERTY_DEPTH} levels` };
  if (isUsageEventType(type)) {
    const count = (read('count') as number | undefined) ?? (properties.count as number | undefined) ?? 1;
    if (!Number.isInteger(count) || count < 0)
      return { ok: false, field: 'count', reason: 'must be a whole number ≥ 0' };
    const k =
      key ??
      (properties.feature as string | undefined) ??
      (properties.integration as string | undefined) ??
      (properties.metric as string | undefined) ??
      null;
    if (type !== 'login' && !k) return { ok: false, field: 'key', reason: `is required for ${type}` };
    return { ok: true, kind: 'usage', value: { id, accountId, contactId, type, time, key: k, count } };
  }
  if (kind === 'usage') return { ok: false, field: 'type', reason: `"${type}" is not a usage event type` };
  const parsed = parseEvent({ id, accountId, contactId, type, time, properties });
  if (!parsed.ok) {
    const issue = parsed.issues[0]!;
    return { ok: false, field: issue.path || 'type', reason: issue.message };
  }
  return { ok: true, kind: 'event', value: parsed.event };
}

const MAX_PROPERTY_DEPTH = 16;

/** Nesting depth of a JSON value, iteratively (a hostile document must not overflow the stack). */
function depthOf(value: unknown): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d + 1 > max) max = d + 1;
    if (max > MAX_PROPERTY_DEPTH) return max;
    for (const child of Object.values(v)) stack.push([child, d + 1]);
  }
  return max;
}
