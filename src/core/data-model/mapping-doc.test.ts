import { readFileSync } from 'node:fs';
import { parse } from 'papaparse';
import { describe, expect, it } from 'vitest';
import { mapRow, NOT_FOUND } from '../import/map-row.ts';
import { parseMapping } from '../import/mapping.ts';

// The mapping examples in docs/data-model.md are real: each parses, and each sample
// (a `csv-source` block right after it) maps through its first entry without a reject.
const doc = readFileSync(new URL('../../../docs/data-model.md', import.meta.url), 'utf8');
const examples = [...doc.matchAll(/```yaml mapping\n([\s\S]*?)```(?:\n```csv-source\n([\s\S]*?)```)?/g)].map(
  (m, i) => ({ name: `mapping example #${i + 1}`, yaml: m[1]!, source: m[2] ?? null }),
);

describe('docs/data-model.md mapping examples', () => {
  it('has worked examples', () => {
    expect(examples.length).toBeGreaterThanOrEqual(8);
  });
  it.each(examples.map((e) => [e.name, e] as const))('%s parses and maps its sample', (_, e) => {
    const mapping = parseMapping(e.yaml, e.name);
    if (!e.source) return;
    const entry = mapping.files[0]!;
    const rows = parse<Record<string, string>>(e.source.trim(), { header: true }).data;
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      const mapped = mapRow(row, entry.kind, entry, {
        timeZone: mapping.timeZone,
        decimal: mapping.decimal,
        lookup: () => NOT_FOUND,
        hashes: new Map(),
      });
      expect(mapped, JSON.stringify(row)).toMatchObject({ ok: true });
    }
  });
});
