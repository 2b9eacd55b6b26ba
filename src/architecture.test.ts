import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
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

/**
 * `npm run check` (biome, biome.jsonc) holds the layer import rules: a deliberately wrong import of
 * each kind, written for a moment into the layer's folder, must fail `biome check`; the right
 * import in the same place must pass.
 */
describe('npm run check enforces the layer imports', () => {
  const ROOT = resolve(SRC, '..');
  const biome = join(ROOT, 'node_modules', '.bin', 'biome');
  const probe = (dir: string, source: string, ext = 'ts') => {
    const file = join(ROOT, dir, `layer-probe-${process.pid}-${Math.random().toString(36).slice(2)}.${ext}`);
    writeFileSync(file, source);
    try {
      const r = spawnSync(biome, ['check', '--colors=off', file], { cwd: ROOT, encoding: 'utf8' });
      return { failed: r.status !== 0, out: `${r.stdout}${r.stderr}` };
    } finally {
      rmSync(file, { force: true });
    }
  };
  const cases: [string, string, string, boolean][] = [
    // [folder, source, what, should fail]
    ['src/engine', "import { sql } from 'kysely';\n\nexport const q = sql;\n", 'engine → kysely', true],
    ['src/engine', "import pg from 'pg';\n\nexport const p = pg;\n", 'engine → pg', true],
    [
      'src/engine',
      "import Database from 'better-sqlite3';\n\nexport const d = Database;\n",
      'engine → better-sqlite3',
      true,
    ],
    [
      'src/api',
      "import type { Store } from '../store/database.ts';\n\nexport type S = Store;\n",
      'api → store',
      true,
    ],
    [
      'src/cli',
      "import { markDirty } from '../store/queries/mark-dirty.ts';\n\nexport const m = markDirty;\n",
      'cli → store',
      true,
    ],
    [
      'web/src',
      "import type { Band } from '../../src/core/scoring/score-result.ts';\n\nexport type B = Band;\n",
      'web → core',
      true,
    ],
    [
      'src/api',
      "import type { Viewer } from '../core/access.ts';\n\nexport type V = Viewer;\n",
      'api → core (allowed)',
      false,
    ],
    [
      'web/src',
      "import type { Task } from '../../src/api/api-types.ts';\n\nexport type T = Task;\n",
      'web → API types (allowed)',
      false,
    ],
  ];
  it.each(cases.map(([dir, source, what, fail]) => [what, dir, source, fail] as const))(
    'biome check on %s',
    (_what, dir, source, shouldFail) => {
      const r = probe(dir, source);
      expect(r.failed, r.out).toBe(shouldFail);
      if (shouldFail) expect(r.out).toMatch(/noRestrictedImports/);
    },
  );
});

/**
 * Every SQL statement lives under src/store and no code outside it branches on the dialect.
 * Files other areas own that still do are listed here, each to be deleted from the list once its
 * SQL moves into src/store (issue 14); new files may not join it.
 */
const SQL_OUTSIDE_STORE_ALLOWLIST = new Set([
  'api/api-test-fixture.ts', // test fixture: arranges rows directly
]);
const SQL_OR_DIALECT =
  /\.(selectFrom|insertInto|updateTable|deleteFrom|transaction)\(|sql`|\.dialect\s*[!=]==|\.(sqlite|pool)\b/;

describe('SQL lives in src/store', () => {
  it('no query builder, raw SQL or dialect branch in engine, api or cli (outside the allowlist)', () => {
    const offenders = walk(SRC)
      .filter((f) => ['engine', 'api', 'cli'].includes(layerOf(f)) && !f.endsWith('.test.ts'))
      .map((f) => relative(SRC, f))
      .filter((f) => SQL_OR_DIALECT.test(readFileSync(join(SRC, f), 'utf8')))
      .filter((f) => !SQL_OUTSIDE_STORE_ALLOWLIST.has(f));
    expect(offenders).toEqual([]);
  });

  it('the allowlist only names files that still need it (so it shrinks as SQL moves)', () => {
    const stale = [...SQL_OUTSIDE_STORE_ALLOWLIST].filter((f) => {
      try {
        return !SQL_OR_DIALECT.test(readFileSync(join(SRC, f), 'utf8'));
      } catch {
        return true;
      }
    });
    expect(stale).toEqual([]);
  });
});
