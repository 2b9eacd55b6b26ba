import { LineCounter, parseDocument, visit } from 'yaml';
import { z } from 'zod';
import { AppError } from '../errors.ts';
import { datePatternProblem, didYouMean, isTimeZone } from './values.ts';

export const IMPORT_KINDS = [
  'users',
  'catalog',
  'accounts',
  'contracts',
  'contacts',
  'events',
  'usage',
] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

/** Named date formats kept for older mappings; any pattern of YYYY MM DD HH mm ss SSS works too. */
export const DATE_FORMATS = [
  'iso',
  'YYYY-MM-DD',
  'YYYYMMDD',
  'MM/DD/YYYY',
  'DD/MM/YYYY',
  'DD.MM.YYYY',
  'YYYY/MM/DD',
  'epoch-s',
  'epoch-ms',
] as const;
export type DateFormat = string;

const dateFormatSchema = z
  .string()
  .min(1)
  .superRefine((v, ctx) => {
    const problem = datePatternProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
const timeZoneSchema = z
  .string()
  .min(1)
  .refine(isTimeZone, { message: 'is not an IANA time zone (e.g. UTC, Europe/Berlin, America/New_York)' });
const decimalSchema = z.enum(['.', ',']);

/** The built-in type a typed property or a column override is read as. */
export const VALUE_TYPES = ['string', 'number', 'int', 'boolean', 'date', 'time'] as const;

/** A source event name mapped to a built-in type, optionally with the feature/integration key it means. */
const taxonomyTarget = z.union([
  z.string().min(1),
  z.object({ type: z.string().min(1), key: z.string().min(1).optional() }),
]);

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const valueMap = z.record(z.string(), scalar);

/**
 * Where a target field's value comes from: a column name, or an object with
 * exactly one source (`column`, `concat`, `coalesce`, `constant`, `lookup`,
 * `hash`) and optional modifiers (`type`, `format`, `addDays`, `values`, `default`).
 */
export const sourceSpecSchema = z.union([
  z.string().min(1),
  z
    .strictObject({
      column: z.string().min(1).optional(),
      /** Columns joined with `separator` (blank cells skipped). */
      concat: z.array(z.string().min(1)).min(1).optional(),
      separator: z.string().optional(),
      /** The first non-blank of these columns. */
      coalesce: z.array(z.string().min(1)).min(1).optional(),
      constant: scalar.optional(),
      /** Another `files` entry's `name` (its file is read once per import), or `db:contracts`, `db:accounts`, `db:contacts`. */
      lookup: z.string().min(1).optional(),
      /** The column of this file holding the key to look up. */
      by: z.string().min(1).optional(),
      /** The looked-up row's field matched against the key (default `id`). */
      on: z.string().min(1).optional(),
      /** The looked-up row's field to take (default: the field being mapped). */
      field: z.string().min(1).optional(),
      /** A stable id from a hash of the whole row (`row`) or of these columns. */
      hash: z.union([z.literal('row'), z.array(z.string().min(1)).min(1)]).optional(),
      /** Text put before / after a non-blank value (e.g. `suffix: ":closed"` for a second event per row). */
      prefix: z.string().optional(),
      suffix: z.string().optional(),
      type: z.enum(VALUE_TYPES).optional(),
      format: dateFormatSchema.optional(),
      /** Dates and times: shift by this many days after reading. */
      addDays: z.number().int().optional(),
      values: valueMap.optional(),
      default: scalar.optional(),
    })
    .superRefine((v, ctx) => {
      const sources = (['column', 'concat', 'coalesce', 'constant', 'lookup', 'hash'] as const).filter(
        (k) => v[k] !== undefined,
      );
      if (sources.length !== 1)
        ctx.addIssue({
          code: 'custom',
          message: `give exactly one of column, concat, coalesce, constant, lookup, hash (found ${sources.length === 0 ? 'none' : sources.join(', ')})`,
        });
      if (v.lookup !== undefined && v.by === undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['by'],
          message: 'a lookup needs `by`: the column holding the key',
        });
    }),
]);
export type SourceSpec = z.infer<typeof sourceSpecSchema>;

export const ENCODINGS = ['utf8', 'latin1'] as const;

export const fileMappingSchema = z.strictObject({
  /** Glob on the file's basename (`*` and `?`), e.g. `customers*.csv`. */
  match: z.string().min(1),
  kind: z.enum(IMPORT_KINDS),
  /** Name other entries use to look rows of this one up (`lookup: NAME`). */
  name: z.string().min(1).optional(),
  /** Target field → source, e.g. `{ id: customer_id, name: company, properties.priority: prio }`. */
  columns: z.record(z.string(), sourceSpecSchema).default({}),
  /** Per target field, source value → target value, e.g. `{ churned: { Yes: true, No: false } }`. */
  values: z.record(z.string(), valueMap).default({}),
  /** Target field → constant used when the source has no value. */
  defaults: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
  /** Only rows whose column equals (one of) these values are read; the others count as ignored. */
  where: z.record(z.string(), z.union([z.string(), z.array(z.string()).min(1)])).default({}),
  dateFormat: dateFormatSchema.default('iso'),
  /** Zone of timestamps written without one (default: the mapping's, else UTC). */
  timeZone: timeZoneSchema.optional(),
  /** Decimal separator of numbers (default: only unambiguous plain numbers are read). */
  decimal: decimalSchema.optional(),
  /** Text encoding of the file; invalid UTF-8 is a reject unless `latin1` is declared. */
  encoding: z.enum(ENCODINGS).default('utf8'),
  /** Accounts: source columns kept as typed traits (numbers stay numbers). */
  traits: z.array(z.string()).default([]),
  /** MRR columns: the `arr` field is read as monthly revenue and multiplied by 12. */
  revenueIsMonthly: z.boolean().default(false),
  /** Contracts: the `arr` field is the price per billing period (x12 when monthly, x1 when yearly). */
  revenuePerBillingPeriod: z.boolean().default(false),
  /** Events/usage: the source column holding the event name, mapped through `taxonomy`. */
  eventNameColumn: z.string().optional(),
  taxonomy: z.record(z.string(), taxonomyTarget).default({}),
  /** Source event names deliberately not imported (counted as ignored, not rejected). */
  ignore: z.array(z.string()).default([]),
  /** One character, `auto` (sniffed from the header: , ; tab |, else whitespace) or `whitespace` (space-padded columns). */
  delimiter: z
    .union([z.string().length(1), z.literal('auto'), z.literal('whitespace'), z.literal('tab')])
    .default('auto'),
});
export type FileMapping = z.infer<typeof fileMappingSchema>;

export const mappingSchema = z
  .strictObject({
    /** Free text shown in the import summary. */
    name: z.string().optional(),
    /** Zone of timestamps written without one, for every entry (default UTC). */
    timeZone: timeZoneSchema.optional(),
    /** Decimal separator for every entry that does not declare its own. */
    decimal: decimalSchema.optional(),
    files: z.array(fileMappingSchema).min(1),
  })
  .superRefine((m, ctx) => checkTargets(m, ctx));
export type Mapping = z.infer<typeof mappingSchema>;

/** Native fields of each kind (the target names a mapping's `columns` maps onto) and how to read them. */
export type FieldType = 'string' | 'number' | 'int' | 'bool' | 'date' | 'time' | 'list' | 'json';
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
    billing_period: 'string',
    auto_renew: 'bool',
    trial: 'bool',
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

/** Nested targets a kind accepts: `properties.X` on events, `traits.X` on accounts. */
const NESTED: Partial<Record<ImportKind, string>> = {
  events: 'properties.',
  usage: 'properties.',
  accounts: 'traits.',
};

const DB_LOOKUPS = ['db:contracts', 'db:accounts', 'db:contacts'];

/** Whether `target` is a field `kind` has (native or nested). */
export function isKnownTarget(kind: ImportKind, target: string): boolean {
  if (Object.hasOwn(KIND_FIELDS[kind], target)) return true;
  const prefix = NESTED[kind];
  return !!prefix && target.startsWith(prefix) && target.length > prefix.length;
}

function checkTargets(m: { files: FileMapping[] }, ctx: z.RefinementCtx) {
  const names = new Map<string, ImportKind>();
  for (const f of m.files) if (f.name) names.set(f.name, f.kind);
  m.files.forEach((f, i) => {
    const fields = Object.keys(KIND_FIELDS[f.kind]);
    const nested = NESTED[f.kind];
    const hint = (target: string) => {
      const near = didYouMean(target, fields);
      return `unknown field "${target}" for kind ${f.kind}${near ? `; did you mean "${near}"?` : ''} (fields: ${fields.join(', ')}${nested ? `, ${nested}NAME` : ''})`;
    };
    for (const section of ['columns', 'values', 'defaults'] as const)
      for (const target of Object.keys(f[section]))
        if (!isKnownTarget(f.kind, target))
          ctx.addIssue({ code: 'custom', path: ['files', i, section, target], message: hint(target) });
    for (const [target, spec] of Object.entries(f.columns)) {
      if (typeof spec === 'string' || spec.lookup === undefined) continue;
      const path = ['files', i, 'columns', target, 'lookup'];
      if (spec.lookup.startsWith('db:')) {
        if (!DB_LOOKUPS.includes(spec.lookup))
          ctx.addIssue({
            code: 'custom',
            path,
            message: `unknown table "${spec.lookup}" (use ${DB_LOOKUPS.join(', ')})`,
          });
        continue;
      }
      const kind = names.get(spec.lookup);
      if (!kind) {
        const near = didYouMean(spec.lookup, [...names.keys()]);
        ctx.addIssue({
          code: 'custom',
          path,
          message: `no files entry is named "${spec.lookup}"${near ? `; did you mean "${near}"?` : ''} (give the entry a name: ${spec.lookup})`,
        });
        continue;
      }
      for (const key of ['on', 'field'] as const) {
        const fieldName = spec[key] ?? (key === 'on' ? 'id' : target);
        if (!isKnownTarget(kind, fieldName))
          ctx.addIssue({
            code: 'custom',
            path: ['files', i, 'columns', target, key],
            message: `entry "${spec.lookup}" (kind ${kind}) has no field "${fieldName}"`,
          });
      }
    }
  });
}

const ENTRY_KEYS = Object.keys(fileMappingSchema.shape);
const SPEC_KEYS = [
  'column',
  'concat',
  'separator',
  'coalesce',
  'constant',
  'lookup',
  'by',
  'on',
  'field',
  'hash',
  'prefix',
  'suffix',
  'type',
  'format',
  'addDays',
  'values',
  'default',
];
const ROOT_KEYS = ['name', 'timeZone', 'decimal', 'files'];

type Problem = { line: number; field: string; message: string };
type Issue = { code: string; path: PropertyKey[]; message: string; keys?: string[]; errors?: Issue[][] };

/** Zod issues flattened: a union's object branch stands for the union (its issues are the useful ones). */
function flatten(issues: Issue[], prefix: PropertyKey[] = []): Issue[] {
  const out: Issue[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'invalid_union' && issue.errors) {
      const branch =
        issue.errors.find((b) => !b.every((i) => i.code === 'invalid_type')) ?? issue.errors.at(-1) ?? [];
      out.push(...flatten(branch, path));
      continue;
    }
    if (issue.code === 'unrecognized_keys' && issue.keys) {
      const where = path.length === 0 ? ROOT_KEYS : path.length === 2 ? ENTRY_KEYS : SPEC_KEYS;
      for (const key of issue.keys) {
        const near = didYouMean(key, where);
        out.push({
          code: 'unrecognized_keys',
          path: [...path, key],
          message: `unknown key "${key}"${near ? `; did you mean "${near}"?` : ''}`,
        });
      }
      continue;
    }
    out.push({ ...issue, path });
  }
  return out;
}

/**
 * Parses a mapping document (YAML or JSON, JSON being YAML) and reports every
 * problem as `source:line field: message`, with a did-you-mean for unknown
 * keys and target fields.
 */
export function parseMapping(text: string, source = 'mapping'): Mapping {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const lineOf = (offset: number) => lineCounter.linePos(offset).line;
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const line = lineOf(e.pos[0]);
    throw new AppError('BAD_INPUT', `${source}:${line}: ${e.message.split('\n')[0]}`, { line });
  }
  let js: unknown;
  try {
    // yaml refuses documents whose aliases expand past its limit (an "alias bomb")
    js = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    let line = 1;
    visit(doc, {
      Alias(_, node) {
        if (node.range) line = lineOf(node.range[0]);
        return visit.BREAK;
      },
    });
    throw new AppError(
      'BAD_INPUT',
      `${source}:${line} (aliases): ${(e as Error).message.split('\n')[0]} (a mapping needs no YAML aliases; write the values out)`,
      { line, field: '(aliases)' },
    );
  }
  const parsed = mappingSchema.safeParse(js);
  if (parsed.success) return parsed.data;
  const problems: Problem[] = flatten(parsed.error.issues as unknown as Issue[]).map((issue) => {
    // the nearest existing node carries the position (for an unknown key, the key itself)
    let range: [number, number] | undefined;
    for (let i = issue.path.length; !range && i >= 0; i--) {
      const path = issue.path.slice(0, i) as (string | number)[];
      const node = (i === 0 ? doc.contents : doc.getIn(path, true)) as
        | { range?: [number, number] }
        | undefined;
      if (i === issue.path.length && issue.code === 'unrecognized_keys') {
        const parent = doc.getIn(path.slice(0, -1), true) as
          | { items?: { key?: { value?: unknown; range?: [number, number] } }[] }
          | undefined;
        const pair = parent?.items?.find((p) => p.key?.value === path.at(-1));
        range = pair?.key?.range;
      }
      range ??= node?.range;
    }
    const line = range ? lineOf(range[0]) : 1;
    return { line, field: issue.path.map(String).join('.') || '(root)', message: issue.message };
  });
  const first = problems[0]!;
  throw new AppError(
    'BAD_INPUT',
    problems.map((p) => `${source}:${p.line} ${p.field}: ${p.message}`).join('\n'),
    { problems, line: first.line, field: first.field },
  );
}

/** Glob on a basename: `*` any run of characters, `?` one character. */
export function matchesGlob(pattern: string, name: string): boolean {
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  );
  return re.test(name);
}

/** The native layout's kind from a file's basename, or null when it is not an import file. */
export function detectKind(basename: string): ImportKind | null {
  const m = /^(users|catalog|accounts|contracts|contacts|events|usage)[^/]*\.(csv|ndjson|jsonl)$/i.exec(
    basename,
  );
  return m ? (m[1]!.toLowerCase() as ImportKind) : null;
}
