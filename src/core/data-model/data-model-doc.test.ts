import { readFileSync } from 'node:fs';
import { parse } from 'papaparse';
import { describe, expect, it } from 'vitest';
import { mapRow } from '../import/map-row.ts';
import type { ImportKind } from '../import/mapping.ts';
import { EVENT_TYPES } from './events.ts';

// The examples in docs/data-model.md are real: every one must import cleanly.
const doc = readFileSync(new URL('../../../docs/data-model.md', import.meta.url), 'utf8');
const blocks = [...doc.matchAll(/```(csv|json) (\w+)\n([\s\S]*?)```/g)].map((m) => ({
  lang: m[1]!,
  tag: m[2]!,
  body: m[3]!,
}));
const KIND: Record<string, ImportKind> = {
  account: 'accounts',
  contract: 'contracts',
  contact: 'contacts',
  user: 'users',
  catalog: 'catalog',
  usage: 'usage',
  event: 'events',
};

describe('docs/data-model.md examples', () => {
  it('has an example of every entity and every built-in event type', () => {
    expect(new Set(blocks.map((b) => b.tag))).toEqual(new Set(Object.keys(KIND)));
    const types = blocks
      .filter((b) => b.tag === 'event')
      .flatMap((b) => b.body.trim().split('\n'))
      .map((l) => (JSON.parse(l) as { type: string }).type);
    expect(new Set(types)).toEqual(new Set(EVENT_TYPES));
  });

  it.each(blocks.map((b, i) => [`${b.tag} #${i}`, b] as const))('%s imports without a reject', (_, b) => {
    const kind = KIND[b.tag]!;
    const records =
      b.lang === 'csv'
        ? (parse<Record<string, string>>(b.body.trim(), { header: true }).data as Record<string, unknown>[])
        : b.body
            .trim()
            .split('\n')
            .map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const r of records) {
      const mapped = mapRow(r, kind, null);
      expect(mapped, JSON.stringify(r)).toMatchObject({ ok: true });
    }
  });
});
