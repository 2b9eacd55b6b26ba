import { isNode, LineCounter, parseDocument } from 'yaml';
import { type Playbook, playbookSchema } from './playbook-schema.ts';

/** One problem in a playbook document, placed where a person can find it. */
export type PlaybookDocumentError = {
  /** 1-based line and column in the document (the nearest enclosing node when the field is missing). */
  line: number;
  column: number;
  /** Dotted path of the field, e.g. `playbooks[1].trigger.band`. */
  field: string;
  message: string;
};

export type ParsePlaybooksResult =
  | { ok: true; playbooks: Playbook[] }
  | { ok: false; errors: PlaybookDocumentError[] };

export type ParsePlaybooksOptions = {
  /** Ids that `enroll` may refer to besides the document's own (e.g. stored playbooks). */
  knownIds?: Iterable<string>;
};

const fieldOf = (path: (string | number)[]) =>
  path.reduce<string>((s, p) => (typeof p === 'number' ? `${s}[${p}]` : s ? `${s}.${p}` : String(p)), '') ||
  '(document)';

/**
 * Parses a YAML or JSON playbook document: one playbook, a list of them, or
 * `{ playbooks: [...] }`. Every error names the line and the field, because a
 * person edits these files by hand and "invalid document" helps nobody.
 */
export function parsePlaybooks(text: string, options: ParsePlaybooksOptions = {}): ParsePlaybooksResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number) => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };
  if (doc.errors.length > 0) {
    // the parser reports running out of stack once per level: say it once, in words, where it starts
    const tooDeep = doc.errors.filter((e) => /call stack/i.test(e.message));
    const others = doc.errors.filter((e) => !/call stack/i.test(e.message));
    const deepest = tooDeep.reduce<(typeof tooDeep)[number] | null>(
      (first, e) => (!first || e.pos[0] < first.pos[0] ? e : first),
      null,
    );
    return {
      ok: false,
      errors: firstErrors([
        ...(deepest ? [{ ...at(deepest.pos[0]), field: '(syntax)', message: 'nested too deeply' }] : []),
        ...others.map((e) => ({
          ...at(e.pos[0]),
          field: '(syntax)',
          message: e.message.split('\n')[0] ?? e.message,
        })),
      ]),
    };
  }

  let root: unknown;
  try {
    // aliases are expanded here: an undefined one, or an alias bomb, is an error in the document
    root = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    return {
      ok: false,
      errors: [
        { line: 1, column: 1, field: '(document)', message: String((e as Error).message).slice(0, 300) },
      ],
    };
  }
  let prefix: (string | number)[];
  let items: unknown[];
  // a document that is one playbook (a mapping, not a list) has no index in its YAML paths
  let single = false;
  if (Array.isArray(root)) {
    prefix = [];
    items = root;
  } else if (root && typeof root === 'object' && 'playbooks' in root) {
    const list = (root as { playbooks: unknown }).playbooks;
    if (!Array.isArray(list))
      return {
        ok: false,
        errors: [{ ...locate(['playbooks']), field: 'playbooks', message: 'must be a list' }],
      };
    prefix = ['playbooks'];
    items = list;
  } else if (root && typeof root === 'object') {
    prefix = [];
    items = [root];
    single = true;
  } else {
    return {
      ok: false,
      errors: [
        { line: 1, column: 1, field: '(document)', message: 'expected a playbook or a list of playbooks' },
      ],
    };
  }

  function locate(path: (string | number)[]): { line: number; column: number } {
    // walk up to the deepest node that exists (a missing field is reported at its parent)
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n), true);
      if (isNode(node) && node.range) return at(node.range[0]);
    }
    return { line: 1, column: 1 };
  }
  // a key's own position reads better than its value's for "unknown key" errors
  function locateKey(path: (string | number)[], key: string): { line: number; column: number } {
    const parent = doc.getIn(path, true) as { items?: { key: unknown }[] } | undefined;
    const pair = parent?.items?.find((p) => isNode(p.key) && (p.key as { value?: unknown }).value === key);
    if (pair && isNode(pair.key) && pair.key.range) return at(pair.key.range[0]);
    return locate(path);
  }

  const errors: PlaybookDocumentError[] = [];
  const playbooks: Playbook[] = [];
  items.forEach((item, i) => {
    // a document that is one playbook names its fields without an index
    const docBase = single ? [] : [...prefix, i];
    const parsed = playbookSchema.safeParse(item);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const docPath = [...docBase, ...(issue.path as (string | number)[])];
        if (issue.code === 'unrecognized_keys') {
          for (const key of issue.keys)
            errors.push({
              ...locateKey(docPath, key),
              field: fieldOf([...docPath, key]),
              message: `unknown field "${key}"`,
            });
          continue;
        }
        errors.push({ ...locate(docPath), field: fieldOf(docPath), message: issue.message });
      }
      return;
    }
    playbooks.push(parsed.data);
  });

  const seen = new Map<string, number>();
  playbooks.forEach((p, i) => {
    if (seen.has(p.id))
      errors.push({
        ...locate(single ? ['id'] : [...prefix, i, 'id']),
        field: fieldOf(single ? ['id'] : [...prefix, i, 'id']),
        message: `duplicate playbook id "${p.id}"`,
      });
    seen.set(p.id, i);
  });
  if (errors.length === 0) {
    const known = new Set([...seen.keys(), ...(options.knownIds ?? [])]);
    playbooks.forEach((p, i) => {
      p.actions.forEach((a, j) => {
        if (a.type === 'enroll' && !known.has(a.playbookId)) {
          const path = [...(single ? [] : [...prefix, i]), 'actions', j, 'playbookId'];
          errors.push({
            ...locate(path),
            field: fieldOf(path),
            message: `unknown playbook "${a.playbookId}"`,
          });
        }
      });
    });
  }
  return errors.length > 0
    ? { ok: false, errors: firstErrors(errors.sort((a, b) => a.line - b.line)) }
    : { ok: true, playbooks };
}

/** "line 7, playbooks[0].trigger.band: Invalid option ..." — one per error, for CLI and API messages. */
/** At most this many errors are reported (the first ones by line), then one line saying how many more. */
export const MAX_PLAYBOOK_ERRORS = 50;
function firstErrors(errors: PlaybookDocumentError[]): PlaybookDocumentError[] {
  if (errors.length <= MAX_PLAYBOOK_ERRORS) return errors;
  const last = errors[MAX_PLAYBOOK_ERRORS - 1]!;
  return [
    ...errors.slice(0, MAX_PLAYBOOK_ERRORS),
    {
      line: last.line,
      column: last.column,
      field: '(document)',
      message: `and ${errors.length - MAX_PLAYBOOK_ERRORS} more error(s) after line ${last.line}`,
    },
  ];
}

export const formatPlaybookErrors = (errors: PlaybookDocumentError[], source = '') =>
  errors.map((e) => `${source ? `${source}:` : ''}${e.line}:${e.column} ${e.field}: ${e.message}`).join('\n');
