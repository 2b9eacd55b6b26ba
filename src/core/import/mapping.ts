import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { AppError } from '../errors.ts';

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

export const DATE_FORMATS = [
  'iso',
  'YYYY-MM-DD',
  'MM/DD/YYYY',
  'DD/MM/YYYY',
  'DD.MM.YYYY',
  'YYYY/MM/DD',
  'epoch-s',
  'epoch-ms',
] as const;
export type DateFormat = (typeof DATE_FORMATS)[number];

/** A source event name mapped to a built-in type, optionally with the feature/integration key it means. */
const taxonomyTarget = z.union([
  z.string().min(1),
  z.object({ type: z.string().min(1), key: z.string().min(1).optional() }),
]);

export const fileMappingSchema = z.strictObject({
  /** Glob on the file's basename (`*` and `?`), e.g. `customers*.csv`. */
  match: z.string().min(1),
  kind: z.enum(IMPORT_KINDS),
  /** Target field → source column, e.g. `{ id: customer_id, name: company }`. */
  columns: z.record(z.string(), z.string()).default({}),
  /** Per target field, source value → target value, e.g. `{ churned: { Yes: true, No: false } }`. */
  values: z
    .record(z.string(), z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])))
    .default({}),
  /** Target field → constant used when the source has no value. */
  defaults: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
  dateFormat: z.enum(DATE_FORMATS).default('iso'),
  /** Accounts: source columns kept as typed traits (numbers stay numbers). */
  traits: z.array(z.string()).default([]),
  /** MRR columns: the `arr` field is read as monthly revenue and multiplied by 12. */
  revenueIsMonthly: z.boolean().default(false),
  /** Events/usage: the source column holding the event name, mapped through `taxonomy`. */
  eventNameColumn: z.string().optional(),
  taxonomy: z.record(z.string(), taxonomyTarget).default({}),
  /** Source event names deliberately not imported (counted as ignored, not rejected). */
  ignore: z.array(z.string()).default([]),
  delimiter: z.string().length(1).default(','),
});
export type FileMapping = z.infer<typeof fileMappingSchema>;

export const mappingSchema = z.strictObject({
  /** Free text shown in the import summary. */
  name: z.string().optional(),
  files: z.array(fileMappingSchema).min(1),
});
export type Mapping = z.infer<typeof mappingSchema>;

/**
 * Parses a mapping document (YAML or JSON, JSON being YAML) and reports every
 * problem with the line and field it is on.
 */
export function parseMapping(text: string, source = 'mapping'): Mapping {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const pos = lineCounter.linePos(e.pos[0]);
    throw new AppError('BAD_INPUT', `${source}:${pos.line}: ${e.message.split('\n')[0]}`, {
      line: pos.line,
    });
  }
  const parsed = mappingSchema.safeParse(doc.toJS());
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const node = doc.getIn(issue.path as (string | number)[], true) as
      | { range?: [number, number] }
      | undefined;
    // the nearest existing ancestor carries the position when the field itself is missing
    let range = node?.range;
    for (let i = issue.path.length - 1; !range && i >= 0; i--) {
      const parent = doc.getIn(issue.path.slice(0, i) as (string | number)[], true) as
        | { range?: [number, number] }
        | undefined;
      range = parent?.range;
    }
    const line = range ? lineCounter.linePos(range[0]).line : 1;
    return { line, field: issue.path.join('.') || '(root)', message: issue.message };
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
