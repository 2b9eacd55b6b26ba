import type { z } from 'zod';
import {
  accountSchema,
  catalogFeatureSchema,
  contactSchema,
  contractSchema,
  userSchema,
} from '../data-model/entities.ts';
import { isUsageEventType, parseEvent, type UsageEventType, type VigilEvent } from '../data-model/events.ts';
import type { DateFormat, FileMapping, ImportKind } from './mapping.ts';

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

export type MappedRow =
  | { ok: true; kind: 'entity'; value: Record<string, unknown> }
  | { ok: true; kind: 'event'; value: VigilEvent }
  | { ok: true; kind: 'usage'; value: UsageRow }
  | { ok: false; ignored: true }
  | { ok: false; ignored?: false; field: string; reason: string };

type FieldType = 'string' | 'number' | 'int' | 'bool' | 'date' | 'time' | 'list' | 'json';

/** Native fields of each kind (the target names a mapping's `columns` maps onto) and how to read them. */
export const KIND_FIELDS: Record<ImportKind, Record<string, FieldType>> = {
  users: { id: 'string', name: 'string', email: 'string', role: 'string', manager_id: 'string' },
  catalog: { key: 'string', name: 'string', core: 'bool', add_on: 'bool', list_price: 'number' },
  accounts: {
    id: 'string',
    name: 'string',
    segment: 'string',
    industry: 'string',
    owner: 'string',
    parent_id: 'string',
    lifecycle_stage: 'string',
    created_at: 'date',
  },
  contracts: {
    id: 'string',
    account_id: 'string',
    start: 'date',
    end: 'date',
    arr: 'number',
    currency: 'string',
    seats: 'int',
    plan: 'string',
    products: 'list',
    status: 'string',
    churned_at: 'date',
    churn_reason: 'string',
  },
  contacts: {
    id: 'string',
    account_id: 'string',
    email: 'string',
    name: 'string',
    title: 'string',
    role: 'string',
    joined_at: 'date',
    left_at: 'date',
  },
  events: {
    id: 'string',
    account_id: 'string',
    contact_id: 'string',
    type: 'string',
    time: 'time',
    properties: 'json',
    key: 'string',
    count: 'int',
  },
  usage: {
    id: 'string',
    account_id: 'string',
    contact_id: 'string',
    type: 'string',
    time: 'time',
    key: 'string',
    count: 'int',
  },
};

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

const pad = (n: number) => String(n).padStart(2, '0');

function validDate(y: number, m: number, d: number, field: string, raw: string): string {
  const dt = new Date(Date.UTC(y, m - 1, d));
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== m - 1 || dt.getUTCDate() !== d)
    throw new FieldError(field, `"${raw}" is not a valid date`);
  return `${y}-${pad(m)}-${pad(d)}`;
}

/** Reads a date in the mapping's format into `YYYY-MM-DD`. */
export function parseDateValue(raw: string, format: DateFormat, field: string): string {
  const s = raw.trim();
  let m: RegExpExecArray | null;
  switch (format) {
    case 'iso':
    case 'YYYY-MM-DD':
      m = /^(\d{4})-(\d{2})-(\d{2})/.exec(s);
      if (m) return validDate(+m[1]!, +m[2]!, +m[3]!, field, raw);
      break;
    case 'YYYY/MM/DD':
      m = /^(\d{4})\/(\d{1,2})\/(\d{1,2})/.exec(s);
      if (m) return validDate(+m[1]!, +m[2]!, +m[3]!, field, raw);
      break;
    case 'MM/DD/YYYY':
      m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})/.exec(s);
      if (m) return validDate(+m[3]!, +m[1]!, +m[2]!, field, raw);
      break;
    case 'DD/MM/YYYY':
    case 'DD.MM.YYYY':
      m = /^(\d{1,2})[/.](\d{1,2})[/.](\d{4})/.exec(s);
      if (m) return validDate(+m[3]!, +m[2]!, +m[1]!, field, raw);
      break;
    case 'epoch-s':
    case 'epoch-ms':
      return parseTimeValue(s, format, field).slice(0, 10);
  }
  throw new FieldError(field, `"${raw}" is not a date in format ${format}`);
}

/** Reads a timestamp into ISO UTC. A date alone means midnight UTC. */
export function parseTimeValue(raw: string, format: DateFormat, field: string): string {
  const s = raw.trim();
  if (format === 'epoch-s' || format === 'epoch-ms') {
    const n = Number(s);
    if (!Number.isFinite(n)) throw new FieldError(field, `"${raw}" is not an epoch number`);
    return new Date(format === 'epoch-s' ? n * 1000 : n).toISOString();
  }
  if (format !== 'iso' && format !== 'YYYY-MM-DD') {
    const day = parseDateValue(s, format, field);
    const time = /[ T](\d{1,2}):(\d{2})(?::(\d{2}))?/.exec(s);
    return `${day}T${time ? `${pad(+time[1]!)}:${time[2]}:${time[3] ?? '00'}` : '00:00:00'}.000Z`;
  }
  const ymd = /^(\d{4})-(\d{2})-(\d{2})/.exec(s);
  if (!ymd) throw new FieldError(field, `"${raw}" is not an ISO date-time`);
  validDate(+ymd[1]!, +ymd[2]!, +ymd[3]!, field, raw);
  // fast path for the canonical form the demo and most exports write
  if (s.length === 24 && s[10] === 'T' && s[23] === 'Z') return s;
  const t = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s}T00:00:00Z` : s);
  if (Number.isNaN(t)) throw new FieldError(field, `"${raw}" is not an ISO date-time`);
  return new Date(t).toISOString();
}

function coerce(value: unknown, type: FieldType, field: string, format: DateFormat): unknown {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') {
    const s = value.trim();
    if (s === '') return undefined;
    switch (type) {
      case 'string':
        return s;
      case 'number':
      case 'int': {
        const n = Number(s.replace(/[$€£,\s]/g, ''));
        if (!Number.isFinite(n)) throw new FieldError(field, `"${value}" is not a number`);
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
        return parseDateValue(s, format, field);
      case 'time':
        return parseTimeValue(s, format, field);
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
  if (type === 'time' && typeof value === 'number') return parseTimeValue(String(value), format, field);
  if (type === 'string' && typeof value === 'number') return String(value);
  if ((type === 'date' || type === 'time') && typeof value === 'string')
    return coerce(value, type, field, format);
  return value;
}

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

const snakeToCamel = (s: string) => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * Maps one source record (a CSV row keyed by header, or an NDJSON object) to
 * a Vigil row of `kind`, applying the mapping's renames, value maps, defaults,
 * date format and taxonomy. Returns a reject with the field and reason
 * instead of throwing.
 */
export function mapRow(
  record: Record<string, unknown>,
  kind: ImportKind,
  mapping: FileMapping | null,
): MappedRow {
  try {
    return mapRowUnsafe(record, kind, mapping);
  } catch (e) {
    if (e instanceof FieldError) return { ok: false, field: e.field, reason: e.message };
    throw e;
  }
}

function mapRowUnsafe(
  record: Record<string, unknown>,
  kind: ImportKind,
  mapping: FileMapping | null,
): MappedRow {
  const fields = KIND_FIELDS[kind];
  const format = mapping?.dateFormat ?? 'iso';
  const read = (field: string): unknown => {
    const type = fields[field] ?? 'string';
    const source = mapping?.columns[field];
    let raw: unknown =
      source !== undefined ? record[source] : (record[field] ?? record[CAMEL[field] ?? field]);
    const valueMap = mapping?.values[field];
    if (valueMap && raw !== undefined && raw !== null) {
      const key = String(raw).trim();
      if (Object.hasOwn(valueMap, key)) raw = valueMap[key];
    }
    let v = coerce(raw, type, field, format);
    if (v === undefined && mapping?.defaults[field] !== undefined)
      v = coerce(mapping.defaults[field], type, field, format);
    return v;
  };

  if (kind === 'usage' || kind === 'events') return mapEvent(record, kind, mapping, read);

  const out: Record<string, unknown> = {};
  for (const field of Object.keys(fields)) {
    const v = read(field);
    if (v !== undefined) out[snakeToCamel(field)] = v;
  }
  if (kind === 'contracts' && mapping?.revenueIsMonthly && typeof out.arr === 'number') out.arr *= 12;
  if (kind === 'accounts') {
    const traits: Record<string, string | number | boolean | null> = {};
    const fromObject = record.traits;
    if (fromObject && typeof fromObject === 'object') Object.assign(traits, fromObject);
    for (const [col, v] of Object.entries(record))
      if (col.startsWith('trait:')) traits[col.slice(6)] = traitValue(v);
    for (const col of mapping?.traits ?? []) traits[col] = traitValue(record[col]);
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
  if (kind === 'contracts' && String(value.end) < String(value.start))
    return { ok: false, field: 'end', reason: `end ${value.end} is before start ${value.start}` };
  return { ok: true, kind: 'entity', value };
}

function mapEvent(
  record: Record<string, unknown>,
  kind: 'usage' | 'events',
  mapping: FileMapping | null,
  read: (field: string) => unknown,
): MappedRow {
  let type = read('type') as string | undefined;
  let key = read('key') as string | undefined;
  if (mapping?.eventNameColumn) {
    const name = String(record[mapping.eventNameColumn] ?? '').trim();
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
