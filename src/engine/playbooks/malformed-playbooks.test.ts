import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { AppError } from '../../core/errors.ts';
import type { PlaybookDocumentError } from '../../core/playbooks/parse-playbooks.ts';
import type { Store } from '../../store/database.ts';
import { openTestStore, TEST_STORE_KINDS } from '../../store/test-stores.ts';
import { contextForStore, type EngineContext, fixedClock } from '../context.ts';
import { importPlaybooks } from './import-playbooks.ts';
import { loadPlaybooks } from './load-playbooks.ts';

/**
 * Malformed playbook documents are refused whole by importPlaybooks: an AppError BAD_INPUT whose
 * details list each error's line, column and field; never another exception; nothing stored.
 */
const VALID = `- id: good-one
  name: Good one
  trigger: { type: band_entered, band: critical }
  actions:
    - { type: create_task, title: "Call {{account.name}}", dueInDays: 1 }
`;

type Case = { name: string; doc: string; line?: number; field?: string | RegExp };
const MB = 1024 * 1024;

const CASES: Case[] = [
  // syntax
  { name: 'YAML: unclosed flow sequence', doc: 'id: p1\nname: [unclosed\n', line: 3, field: '(syntax)' },
  { name: 'YAML: bad indentation', doc: 'id: p1\n  name: P\n name: Q\n', field: '(syntax)' },
  { name: 'YAML: tab indentation', doc: 'id: p1\ntrigger:\n\ttype: band_entered\n', field: '(syntax)' },
  { name: 'YAML: duplicate keys', doc: 'id: p1\nname: A\nname: B\n', line: 3, field: '(syntax)' },
  { name: 'YAML: unterminated quoted string', doc: 'id: p1\nname: "never closed\n', field: '(syntax)' },
  { name: 'JSON: unterminated object', doc: '{"id": "p1", "name": "P"', field: '(syntax)' },
  { name: 'JSON: trailing garbage', doc: '{"id": "p1"} }', field: '(syntax)' },
  { name: 'two YAML documents in one', doc: `${VALID}---\n${VALID}`, field: '(syntax)' },
  // not playbooks
  { name: 'empty document', doc: '' },
  { name: 'null', doc: 'null' },
  { name: 'a number', doc: '42' },
  { name: 'a string', doc: '"just text"' },
  { name: 'playbooks is not a list', doc: 'playbooks: 5\n', field: /playbooks/ },
  { name: 'a list of numbers', doc: '[1, 2, 3]\n', field: /\[0\]/ },
  // wrong types, on their line
  {
    name: 'name is a number',
    doc: VALID.replace('name: Good one', 'name: 42'),
    line: 2,
    field: /name/,
  },
  {
    name: 'trigger is a string',
    doc: VALID.replace('trigger: { type: band_entered, band: critical }', 'trigger: whenever'),
    line: 3,
    field: /trigger/,
  },
  {
    name: 'actions is an object',
    doc: '- id: p1\n  name: P\n  trigger: { type: band_entered, band: critical }\n  actions: { type: add_tag, tag: x }\n',
    line: 4,
    field: /actions/,
  },
  {
    name: 'dueInDays is text',
    doc: VALID.replace('dueInDays: 1', 'dueInDays: three'),
    line: 5,
    field: /actions\[0\]\.dueInDays/,
  },
  {
    name: 'cooldownDays negative',
    doc: `${VALID}  cooldownDays: -5\n`,
    line: 6,
    field: /cooldownDays/,
  },
  {
    name: 'enabled is "yes please"',
    doc: `${VALID}  enabled: yes please\n`,
    line: 6,
    field: /enabled/,
  },
  // unknown kinds
  {
    name: 'unknown trigger kind',
    doc: VALID.replace('type: band_entered, band: critical', 'type: moon_phase'),
    line: 3,
    field: /trigger/,
  },
  {
    name: 'unknown action kind',
    doc: VALID.replace(
      'type: create_task, title: "Call {{account.name}}", dueInDays: 1',
      'type: launch_rocket',
    ),
    line: 5,
    field: /actions\[0\]/,
  },
  {
    name: 'unknown band',
    doc: VALID.replace('band: critical', 'band: purple'),
    line: 3,
    field: /trigger\.band/,
  },
  { name: 'unknown top-level field', doc: `${VALID}  colour: red\n`, line: 6, field: /colour|\[0\]/ },
  // sizes
  {
    name: 'a 1 MB name',
    doc: VALID.replace('name: Good one', `name: ${'n'.repeat(MB)}`),
    line: 2,
    field: /name/,
  },
  {
    name: 'a 1 MB task title in JSON',
    doc: JSON.stringify([
      {
        id: 'p1',
        name: 'P',
        trigger: { type: 'band_entered', band: 'critical' },
        actions: [{ type: 'create_task', title: 't'.repeat(MB), dueInDays: 1 }],
      },
    ]),
    field: /actions\[0\]\.title/,
  },
  // nesting
  {
    name: 'YAML flow sequences 10,000 deep',
    doc: `conditions: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`,
    line: 1,
    field: '(syntax)',
  },
  { name: 'JSON objects 10,000 deep', doc: `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}` },
  {
    name: 'block mappings 2,000 deep',
    doc: Array.from({ length: 2000 }, (_, i) => `${'  '.repeat(i)}k${i}:`).join('\n'),
  },
  // hostile YAML
  { name: 'a custom tag', doc: 'id: !!js/function "function () { return 1 }"\nname: P\n' },
  {
    name: '__proto__ keys',
    doc: '__proto__: { enabled: false }\nid: p1\nconstructor: { prototype: { polluted: 1 } }\n',
  },
  { name: 'NUL and control bytes', doc: 'id: p1\nname: "a\u0000b"\n\u0001\u0002: x\n' },
  {
    name: 'invalid UTF-8 decoded as replacement characters',
    doc: Buffer.from([0x69, 0x64, 0x3a, 0x20, 0xff, 0xfe, 0x0a]).toString('utf8'),
  },
  // all or nothing: the second playbook is bad, so the first is not stored either
  {
    name: 'a good playbook followed by a bad one',
    doc: `${VALID}- id: bad-two\n  name: Bad\n  trigger: { type: score_dropped, points: -3, withinDays: 30 }\n  actions: [{ type: add_tag, tag: x }]\n`,
    line: 8,
    field: /\[1\]\.trigger\.points/,
  },
];

/**
 * Former bugs, kept as regressions: `doc.toJS()` threw an uncaught ReferenceError for an alias bomb
 * or an undefined alias (PUT /v1/playbooks/:id answered 500), and a document of 10,000 bad playbooks
 * got all of its 30,000 errors in the message (megabytes; now at most 50, then a count).
 */
const FORMER_BUGS: Case[] = [
  {
    name: 'alias bomb (billion laughs)',
    doc: [
      'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
      'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
      'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
      'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
      'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
      'f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]',
      'g: [*f,*f,*f,*f,*f,*f,*f,*f,*f]',
    ].join('\n'),
  },
  { name: 'an undefined alias', doc: 'id: *nowhere\n' },
  {
    name: '10,000 playbooks (the message lists all 30,000 errors)',
    doc: `[${Array.from({ length: 10_000 }, (_, i) => `{"id":"p${i}"}`).join(',')}]`,
  },
];

async function stored(ctx: EngineContext) {
  const playbooks = await ctx.store.db.selectFrom('playbooks').selectAll().orderBy('id').execute();
  const audit = await ctx.store.db.selectFrom('audit_log').select('id').execute();
  return { playbooks, audit: audit.length };
}

/** Imports and returns the refusal; fails the test on success or on any other exception. */
async function refusal(ctx: EngineContext, doc: string): Promise<PlaybookDocumentError[]> {
  try {
    await importPlaybooks(ctx, doc, { actor: 'test', source: 'doc.yaml' });
  } catch (e) {
    if (!(e instanceof AppError))
      throw new Error(`not an AppError: ${(e as Error).name}: ${(e as Error).message}`);
    expect(e.code).toBe('BAD_INPUT');
    const errors = (e.details as { errors?: PlaybookDocumentError[] } | null)?.errors ?? [];
    expect(errors.length).toBeGreaterThan(0);
    for (const x of errors) {
      expect(x.line).toBeGreaterThanOrEqual(1);
      expect(x.column).toBeGreaterThanOrEqual(1);
      expect(typeof x.field).toBe('string');
      expect(x.message.length).toBeGreaterThan(0);
      // the message quotes at most a little of the document, never a megabyte of it
      expect(x.message.length).toBeLessThan(2000);
    }
    expect(e.message.length).toBeLessThan(20_000);
    return errors;
  }
  throw new Error('the document was accepted');
}

describe.each(TEST_STORE_KINDS)('malformed playbook documents on %s', (kind) => {
  let store: Store;
  let ctx: EngineContext;
  beforeAll(async () => {
    store = await openTestStore(kind);
    ctx = contextForStore(store, { clock: fixedClock('2026-06-01T10:00:00.000Z') });
    await loadPlaybooks(ctx); // the defaults are stored on first use
  });
  afterAll(async () => {
    await store?.close();
  });

  it.each(CASES.map((c) => [c.name, c] as const))(
    '%s: refused whole, at its line and field',
    async (_n, c) => {
      const before = await stored(ctx);
      const errors = await refusal(ctx, c.doc);
      if (c.line !== undefined) expect(errors.map((e) => e.line)).toContain(c.line);
      if (c.field !== undefined)
        expect(errors.map((e) => e.field).join(' ')).toMatch(
          typeof c.field === 'string' ? new RegExp(c.field.replace(/[()[\]]/g, '\\$&')) : c.field,
        );
      expect(await stored(ctx)).toEqual(before);
      expect(Object.prototype).not.toHaveProperty('polluted');
    },
  );

  it.each(FORMER_BUGS.map((c) => [c.name, c] as const))(
    'formerly a bug: %s is refused with BAD_INPUT and a bounded message',
    async (_n, c) => {
      const before = await stored(ctx);
      await refusal(ctx, c.doc);
      expect(await stored(ctx)).toEqual(before);
    },
  );

  it('still accepts the valid document afterwards', async () => {
    expect((await importPlaybooks(ctx, VALID, { actor: 'test' })).created).toEqual(['good-one']);
  });
});

describe('random documents (fast-check)', () => {
  let store: Store;
  let ctx: EngineContext;
  beforeAll(async () => {
    store = await openTestStore('sqlite');
    ctx = contextForStore(store, { clock: fixedClock('2026-06-01T10:00:00.000Z') });
    await loadPlaybooks(ctx);
  });
  afterAll(async () => {
    await store?.close();
  });

  // random text, random JSON, random YAML, and playbook-shaped objects with random values
  const playbookish = fc.record(
    {
      id: fc.oneof(fc.constantFrom('p-1', 'critical-escalation', 'Bad Id'), fc.jsonValue()),
      name: fc.oneof(fc.string(), fc.jsonValue()),
      trigger: fc.oneof(
        fc.record({
          type: fc.constantFrom('band_entered', 'score_dropped', 'signal', 'nope'),
          band: fc.jsonValue(),
        }),
        fc.jsonValue(),
      ),
      actions: fc.oneof(
        fc.array(
          fc.record({ type: fc.constantFrom('create_task', 'notify', 'enroll'), title: fc.jsonValue() }),
        ),
        fc.jsonValue(),
      ),
      conditions: fc.jsonValue(),
    },
    { requiredKeys: [] },
  );
  const doc = fc.oneof(
    fc.string({ maxLength: 400 }),
    fc.string({ unit: 'binary', maxLength: 200 }),
    fc.jsonValue({ maxDepth: 8 }).map((v) => JSON.stringify(v)),
    fc.jsonValue({ maxDepth: 8 }).map((v) => stringify(v)),
    playbookish.map((p) => stringify([p])),
    playbookish.map((p) => JSON.stringify({ playbooks: [p] })),
  );

  it('never throws anything but BAD_INPUT, and a refused document stores nothing', async () => {
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(doc, async (text) => {
        const before = await stored(ctx);
        try {
          await importPlaybooks(ctx, text, { actor: 'fc' });
        } catch (e) {
          expect(e).toBeInstanceOf(AppError);
          expect((e as AppError).code).toBe('BAD_INPUT');
          expect(await stored(ctx)).toEqual(before);
          refused++;
        }
      }),
      { numRuns: 400, seed: 17 },
    );
    expect(refused).toBeGreaterThan(350);
  }, 120_000);
});
