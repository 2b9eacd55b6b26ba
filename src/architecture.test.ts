import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The layering rule of CONVENTIONS.md, enforced: dependencies point one way,
 * core ← store ← engine ← api ← cli. The pure core also may not reach for I/O,
 * the clock or the environment.
 */
const SRC = resolve(import.meta.dirname);
const LAYERS = ['core', 'store', 'engine', 'api', 'cli'] as const;
const rank = (layer: string) => LAYERS.indexOf(layer as (typeof LAYERS)[number]);

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : /\.tsx?$/.test(name) ? [p] : [];
  });
}

const importsOf = (text: string) =>
  [
    ...text.matchAll(
      /(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g,
    ),
  ].map((m) => (m[1] ?? m[2]) as string);

const layerOf = (file: string) => relative(SRC, file).split('/')[0] ?? '';

describe('architecture', () => {
  const files = walk(SRC).filter((f) => LAYERS.includes(layerOf(f) as never));

  it('imports point only to the same or a lower layer', () => {
    const violations: string[] = [];
    for (const file of files) {
      const from = layerOf(file);
      if (file.endsWith('.test.ts')) continue; // tests may compose layers to set up fixtures
      for (const spec of importsOf(readFileSync(file, 'utf8'))) {
        if (!spec.startsWith('.')) continue;
        const target = resolve(dirname(file), spec);
        if (!target.startsWith(SRC)) continue;
        const to = layerOf(target);
        if (rank(to) > rank(from))
          violations.push(`${relative(SRC, file)} imports ${spec} (${from} → ${to})`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('the core does no I/O and reads no clock or environment', () => {
    const violations: string[] = [];
    for (const file of files) {
      if (layerOf(file) !== 'core' || file.endsWith('.test.ts')) continue;
      const text = readFileSync(file, 'utf8');
      for (const spec of importsOf(text)) {
        if (
          /^(node:)?(fs|fs\/promises|net|http|https|child_process|worker_threads)$/.test(spec) ||
          /^(pg|better-sqlite3|kysely)$/.test(spec)
        ) {
          violations.push(`${relative(SRC, file)} imports ${spec}`);
        }
      }
      if (/\bDate\.now\(|new Date\(\)|process\.env|Math\.random\(|console\./.test(text)) {
        violations.push(`${relative(SRC, file)} uses the clock, env, randomness or console`);
      }
    }
    expect(violations).toEqual([]);
  });
});
