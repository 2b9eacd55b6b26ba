#!/usr/bin/env node
// Runs the compiled CLI (dist/, built from src/ by `npm run build`, which `npm install` runs
// through `prepare`). No TypeScript loader at run time.
import { existsSync } from 'node:fs';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('vigil: dist/ is missing: run `npm run build` (npm install runs it for you)\n');
  process.exit(1);
}
await import(main.href);
