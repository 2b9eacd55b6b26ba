#!/usr/bin/env node
// Builds what `vigil` runs: the CLI/server as JavaScript in dist/ (esbuild, from src/) and the
// dashboard in web/dist (vite). Each part is rebuilt only when its inputs changed (a content
// hash of the inputs is kept next to the output), so `npm start` after the first build costs a
// few stat/read calls, not a rebuild.
//
//   node scripts/build.mjs            both parts, each only if changed
//   node scripts/build.mjs --cli      the CLI only   (--web: the dashboard only)
//   node scripts/build.mjs --force    rebuild even if unchanged
//
// Nothing here lists source files by hand: entry points are discovered (every CLI command file,
// every `*.worker.ts`), everything they import is bundled, and npm packages stay external
// (they are installed next to dist/ as dependencies).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const force = args.has('--force');
const only = args.has('--cli') ? 'cli' : args.has('--web') ? 'web' : null;
const quiet = args.has('--quiet');
const say = (s) => quiet || process.stdout.write(`${s}\n`);

/** Every regular file under `dir` (relative to root), sorted, skipping `skip` names. */
function walk(dir, skip = new Set(['node_modules', 'dist'])) {
  const out = [];
  const abs = join(root, dir);
  if (!existsSync(abs)) return out;
  for (const e of readdirSync(abs, { withFileTypes: true })) {
    if (skip.has(e.name)) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p, skip));
    else if (e.isFile()) out.push(p);
  }
  return out.sort();
}

function hashOf(files) {
  const h = createHash('sha256');
  for (const f of files) {
    h.update(f);
    h.update('\0');
    h.update(readFileSync(join(root, f)));
    h.update('\0');
  }
  return h.digest('hex');
}

function upToDate(stampFile, hash) {
  return !force && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === hash;
}

const isSource = (f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('.d.ts');

async function buildCli() {
  const inputs = [
    ...walk('src').filter(isSource),
    'package.json',
    'scripts/build.mjs',
  ];
  const hash = hashOf(inputs);
  const stamp = join(root, 'dist', '.build-hash');
  if (upToDate(stamp, hash)) {
    say('vigil: dist/ is up to date');
    return;
  }
  const t0 = Date.now();
  const { build } = await import('esbuild');
  const entryPoints = inputs.filter(
    (f) =>
      f === 'src/cli/main.ts' ||
      (dirname(f) === 'src/cli/commands' && isSource(f)) ||
      f.endsWith('.worker.ts'),
  );
  // build into a fresh folder, then swap it in, so a running `vigil` never sees half a build
  const tmp = join(root, '.dist-tmp');
  rmSync(tmp, { recursive: true, force: true });
  await build({
    absWorkingDir: root,
    entryPoints,
    outdir: tmp,
    outbase: 'src',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    chunkNames: 'chunks/[name]-[hash]',
    logLevel: 'warning',
    legalComments: 'none',
  });
  writeFileSync(join(tmp, 'cli', 'commands.json'), `${JSON.stringify(await commandManifest(tmp), null, 2)}\n`);
  writeFileSync(join(tmp, '.build-hash'), hash);
  rmSync(join(root, 'dist'), { recursive: true, force: true });
  renameSync(tmp, join(root, 'dist'));
  say(`vigil: built dist/ (${entryPoints.length} entry points) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

/**
 * Which command file registers which top-level command, read from the built files themselves
 * (each file's `register(program)` is run against an empty program). `vigil <command>` then
 * loads only that command's file instead of every command's dependencies.
 */
async function commandManifest(dist) {
  const { Command } = await import('commander');
  const dir = join(dist, 'cli', 'commands');
  const manifest = { commands: {}, program: [] };
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.js')).sort()) {
    const mod = await import(pathToFileURL(join(dir, f)).href);
    if (typeof mod.register !== 'function') continue;
    const p = new Command('vigil');
    mod.register(p);
    const names = p.commands.flatMap((c) => [c.name(), ...c.aliases()]);
    if (names.length === 0) manifest.program.push(f);
    for (const n of names) manifest.commands[n] = f;
  }
  return manifest;
}

function buildWeb() {
  const inputs = [
    ...walk('web').filter((f) => !f.startsWith('web/e2e/')),
    'package-lock.json',
  ];
  const hash = hashOf(inputs);
  const stamp = join(root, 'web', 'dist', '.build-hash');
  if (upToDate(stamp, hash)) {
    say('vigil: web/dist is up to date');
    return;
  }
  const t0 = Date.now();
  const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  const r = spawnSync(process.execPath, [vite, 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
  mkdirSync(dirname(stamp), { recursive: true });
  writeFileSync(stamp, hash);
  say(`vigil: built web/dist in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

if (only !== 'web') await buildCli();
if (only !== 'cli') buildWeb();
