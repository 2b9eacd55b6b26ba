#!/usr/bin/env node
// The package mirror this project is built against serves only the packages
// for the platform it runs on, so `npm install` leaves the lockfile without
// entries for other platforms' optional binaries (biome, esbuild, rollup,
// duckdb), and `npm ci` then refuses the lockfile as out of sync. This adds
// the missing entries with the os/cpu/libc constraints their names encode, so
// npm skips them on every platform they do not belong to.
// Run after `npm install` whenever dependencies change.
import { readFileSync, writeFileSync } from 'node:fs';

const path = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(path, 'utf8'));
const packages = lock.packages;

const OS = ['android', 'darwin', 'freebsd', 'linux', 'win32', 'openbsd', 'netbsd', 'sunos', 'aix', 'openharmony'];
const CPU = ['arm64', 'x64', 'ia32', 'arm', 'riscv64', 'ppc64', 's390x', 'loong64', 'mips64el', 'wasm32'];

function constraints(name) {
  const parts = name.split('/').pop().split('-');
  const os = parts.find((p) => OS.includes(p) || p === 'win32');
  const cpu = parts.find((p) => CPU.includes(p)) ?? (parts.includes('arm') ? 'arm' : undefined);
  const entry = {};
  if (os) entry.os = [os];
  if (cpu) entry.cpu = [cpu];
  if (parts.includes('musl')) entry.libc = ['musl'];
  else if (parts.includes('gnu') || (os === 'linux' && !parts.includes('musl'))) entry.libc = ['glibc'];
  if (parts.includes('gnueabihf') || parts.includes('musleabihf')) entry.cpu = ['arm'];
  return entry;
}

let added = 0;
for (const [key, pkg] of Object.entries(packages)) {
  for (const [dep, version] of Object.entries(pkg.optionalDependencies ?? {})) {
    const base = key === '' ? '' : `${key}/`;
    const nested = `${base}node_modules/${dep}`;
    const hoisted = `node_modules/${dep}`;
    if (packages[nested] || packages[hoisted]) continue;
    const c = constraints(dep);
    if (!c.os && !c.cpu) continue; // not a platform binary: leave it alone
    packages[hoisted] = { version: version.replace(/^[\^~=]/, ''), dev: pkg.dev || undefined, optional: true, ...c };
    added++;
  }
}
const sorted = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : 1)));
lock.packages = sorted;
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`complete-lockfile: added ${added} platform entries`);
