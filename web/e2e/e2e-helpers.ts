import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The repository root, for the e2e tests. */
export const ROOT = join(import.meta.dirname, '..', '..');

/**
 * Builds the dashboard into `outDir` when any web source is newer than the
 * built index.html (each test file builds into its own folder, so two files
 * never build into one folder at once).
 */
export function buildWeb(outDir: string) {
  const built = join(outDir, 'index.html');
  const newest = (dir: string): number =>
    Math.max(
      ...readdirSync(dir, { withFileTypes: true }).map((e) =>
        e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs,
      ),
    );
  const sources = Math.max(
    newest(join(ROOT, 'web', 'src')),
    statSync(join(ROOT, 'web', 'index.html')).mtimeMs,
  );
  if (existsSync(built) && statSync(built).mtimeMs >= sources) return;
  execFileSync(
    process.execPath,
    [
      join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'),
      'build',
      '--config',
      join(ROOT, 'web', 'vite.config.ts'),
      '--outDir',
      outDir,
      '--emptyOutDir',
      '--logLevel',
      'warn',
    ],
    { cwd: ROOT, stdio: 'inherit' },
  );
}
