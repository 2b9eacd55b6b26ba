// vitest globalSetup: tests import the TypeScript sources directly, but tests that spawn
// `bin/vigil.js` (CLI and crash tests) run the compiled dist/: rebuild it first when src/ changed,
// so a spawned `vigil` always runs the code under test and starts in a fraction of a second.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// vitest runs a globalSetup once per project (the root, `core`, `io`), each a fresh module
// instance: the flag lives on the process so the build check runs once
const BUILT = Symbol.for('vigil.test.dist-built');

export default function setup() {
  if (globalThis[BUILT]) return;
  globalThis[BUILT] = true;
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--cli', '--quiet'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (r.status !== 0) throw new Error('building dist/ for the CLI tests failed (node scripts/build.mjs --cli)');
}
