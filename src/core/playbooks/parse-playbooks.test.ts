import { describe, expect, it } from 'vitest';
import { formatPlaybookErrors, parsePlaybooks } from './parse-playbooks.ts';

const VALID = `playbooks:
  - id: critical-escalation
    name: Escalate
    trigger: { type: band_entered, band: critical }
    actions:
      - type: create_task
        title: Escalate {{account.name}}
        dueInDays: 1
`;

describe('parsePlaybooks', () => {
  it('parses a valid YAML document and applies defaults', () => {
    const r = parsePlaybooks(VALID);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.playbooks).toHaveLength(1);
    const p = r.playbooks[0]!;
    expect(p.enabled).toBe(true);
    expect(p.cooldownDays).toBe(14);
    expect(p.actions[0]).toMatchObject({ type: 'create_task', priority: 'medium', checklist: [] });
  });

  it('parses JSON (a single playbook) too', () => {
    const r = parsePlaybooks(
      JSON.stringify({
        id: 'p1',
        name: 'P1',
        trigger: { type: 'signal', signalId: 'competitor-mentions', op: 'gt', value: 0 },
        actions: [{ type: 'add_tag', tag: 'competitive' }],
      }),
    );
    expect(r.ok).toBe(true);
  });

  it('names the line and field of a bad enum value', () => {
    const r = parsePlaybooks(VALID.replace('band: critical', 'band: purple'));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({ line: 4, field: 'playbooks[0].trigger.band' });
  });

  it('names the line of an unknown field and of a wrong type', () => {
    const doc = `- id: p1
  name: P1
  trigger:
    type: score_dropped
    points: ten
    withinDays: 30
  actions:
    - type: create_task
      title: Look
      dueInDays: 3
      colour: red
`;
    const r = parsePlaybooks(doc);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const byField = Object.fromEntries(r.errors.map((e) => [e.field, e]));
    expect(byField['[0].trigger.points']?.line).toBe(5);
    expect(byField['[0].actions[0].colour']?.line).toBe(11);
    expect(byField['[0].actions[0].colour']?.message).toContain('unknown field');
  });

  it('reports a missing required field at its parent', () => {
    const r = parsePlaybooks(`- id: p1
  name: P1
  trigger: { type: band_left, band: healthy }
`);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors[0]).toMatchObject({ field: '[0].actions', line: 1 });
  });

  it('reports YAML syntax errors with their line', () => {
    const r = parsePlaybooks('playbooks:\n  - id: p1\n    name: [unclosed\n');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors[0]?.field).toBe('(syntax)');
    expect(r.errors[0]?.line).toBeGreaterThanOrEqual(3);
  });

  it('rejects duplicate ids, unknown enroll targets, self-enrolment and bad ARR ranges', () => {
    const doc = `playbooks:
  - id: a
    name: A
    trigger: { type: expansion_ready }
    conditions: { arrMin: 100, arrMax: 10 }
    actions: [{ type: enroll, playbookId: a }]
  - id: b
    name: B
    trigger: { type: expansion_ready }
    actions: [{ type: enroll, playbookId: nowhere }]
  - id: b
    name: B again
    trigger: { type: expansion_ready }
    actions: [{ type: route_to_manager }]
`;
    const r = parsePlaybooks(doc);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const text = formatPlaybookErrors(r.errors, 'x.yaml');
    expect(text).toContain('playbooks[0].conditions.arrMax: arrMax is below arrMin');
    expect(text).toContain('playbooks[0].actions: a playbook cannot enroll into itself');
    expect(text).toContain('playbooks[2].actions: route_to_manager needs a create_task');
    expect(text).toMatch(/^x\.yaml:\d+:\d+ /m);
  });

  it('checks enroll targets against known ids', () => {
    const doc = `- id: a
  name: A
  trigger: { type: expansion_ready }
  actions: [{ type: enroll, playbookId: stored-one }]
`;
    const bad = parsePlaybooks(doc);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors[0]).toMatchObject({ line: 4, field: '[0].actions[0].playbookId' });
    expect(parsePlaybooks(doc, { knownIds: ['stored-one'] }).ok).toBe(true);
  });

  it('rejects documents that are not playbooks', () => {
    expect(parsePlaybooks('42').ok).toBe(false);
    const r = parsePlaybooks('playbooks: 3');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]).toMatchObject({ field: 'playbooks', line: 1 });
  });
});

describe('hostile documents', () => {
  it('says once, in words, that a document is nested too deeply, and where', () => {
    const r = parsePlaybooks(`id: p1\nconditions: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const deep = r.errors.filter((e) => e.message === 'nested too deeply');
    expect(deep).toHaveLength(1);
    expect(deep[0]!.line).toBe(2);
    expect(r.errors.some((e) => /call stack/i.test(e.message))).toBe(false);
  });

  it('refuses an undefined alias and an alias bomb at the document', () => {
    for (const doc of [
      'id: *nowhere\n',
      `a: &a [1,1,1,1,1,1,1,1,1]\nb: &b [${'*a,'.repeat(8)}*a]\nc: &c [${'*b,'.repeat(8)}*b]\nd: [${'*c,'.repeat(8)}*c]\n`,
    ]) {
      const r = parsePlaybooks(doc);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.errors[0]!.field).toBe('(document)');
    }
  });
});

describe('a document holding a single playbook', () => {
  it('names the real line of a nested mistake, not line 1', async () => {
    const { parsePlaybooks } = await import('./parse-playbooks.ts');
    const text = [
      'id: single-play',
      'name: One play',
      'trigger:',
      '  type: band_entered',
      '  band: critical',
      'actions:',
      '  - type: create_task',
      '    title: Call them',
      '    dueInDays: soon',
    ].join('\n');
    const r = parsePlaybooks(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.some((e) => e.line > 1)).toBe(true);
  });
});

describe('field names in a single-playbook document', () => {
  it('name the field without a list index, in JSON as in YAML', () => {
    for (const doc of [
      '{"id":"p1","name":5,"trigger":{"type":"band_entered","band":"critical"},"actions":[]}',
      'id: p1\nname: 5\ntrigger:\n  type: band_entered\n  band: critical\nactions: []\n',
    ]) {
      const r = parsePlaybooks(doc);
      expect(r.ok).toBe(false);
      if (r.ok) continue;
      expect(r.errors.map((e) => e.field).sort()).toEqual(['actions', 'name']);
    }
  });
});
