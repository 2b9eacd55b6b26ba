import { isNode, LineCounter, parseDocument } from 'yaml';
import { type ConnectionInput, connectionInputSchema } from './connection-schema.ts';

export type ConnectionsFileError = { line: number; field: string; message: string };
export type ParseConnectionsFileResult =
  | { ok: true; connections: ConnectionInput[] }
  | { ok: false; errors: ConnectionsFileError[] };

const fieldOf = (path: (string | number)[]) =>
  path.reduce<string>((s, p) => (typeof p === 'number' ? `${s}[${p}]` : s ? `${s}.${p}` : String(p)), '') ||
  '(document)';

/**
 * Parses `connections: [...]` (YAML or JSON). Secrets are best written as
 * `${ENV_NAME}` so the file itself holds none; each is replaced from `env`
 * (an unset variable is an error naming it, never an empty secret).
 * Every error names its line and field.
 */
export function parseConnectionsFile(
  text: string,
  env: Readonly<Record<string, string | undefined>>,
): ParseConnectionsFileResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0)
    return {
      ok: false,
      errors: doc.errors.map((e) => ({
        line: lineCounter.linePos(e.pos[0]).line,
        field: '(syntax)',
        message: e.message.split('\n')[0] ?? e.message,
      })),
    };
  const lineOf = (path: (string | number)[]) => {
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n), true);
      if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
    }
    return 1;
  };
  let root: unknown;
  try {
    root = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    return {
      ok: false,
      errors: [{ line: 1, field: '(document)', message: (e as Error).message.slice(0, 300) }],
    };
  }
  const list = (root as { connections?: unknown } | null)?.connections;
  if (!Array.isArray(list))
    return {
      ok: false,
      errors: [{ line: 1, field: 'connections', message: 'expected `connections:` with a list' }],
    };
  const errors: ConnectionsFileError[] = [];
  const out: ConnectionInput[] = [];
  const ids = new Set<string>();
  list.forEach((raw, i) => {
    const missing: { path: (string | number)[]; name: string }[] = [];
    const substituted = substitute(raw, env, ['connections', i], missing);
    for (const m of missing)
      errors.push({
        line: lineOf(m.path),
        field: fieldOf(m.path),
        message: `environment variable ${m.name} is not set`,
      });
    const r = connectionInputSchema.safeParse(substituted);
    if (!r.success) {
      for (const issue of r.error.issues) {
        const path = ['connections', i, ...(issue.path as (string | number)[])];
        errors.push({ line: lineOf(path), field: fieldOf(path), message: issue.message });
      }
      return;
    }
    if (ids.has(r.data.id))
      errors.push({
        line: lineOf(['connections', i, 'id']),
        field: fieldOf(['connections', i, 'id']),
        message: `duplicate id "${r.data.id}"`,
      });
    ids.add(r.data.id);
    if (missing.length === 0) out.push(r.data);
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, connections: out };
}

function substitute(
  v: unknown,
  env: Readonly<Record<string, string | undefined>>,
  path: (string | number)[],
  missing: { path: (string | number)[]; name: string }[],
): unknown {
  if (typeof v === 'string')
    return v.replace(/\$\{([A-Z_][A-Z0-9_]*)\}/g, (_, name: string) => {
      const value = env[name];
      if (value === undefined || value === '') {
        missing.push({ path, name });
        return '';
      }
      return value;
    });
  if (Array.isArray(v)) return v.map((x, i) => substitute(x, env, [...path, i], missing));
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v).map(([k, x]) => [k, substitute(x, env, [...path, k], missing)]),
    );
  return v;
}
