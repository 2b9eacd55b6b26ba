// Measures the portfolio page on a large portfolio in Chromium (a benchmark, not a test):
//   node bin/run-ts.js web/e2e/measure-portfolio.ts [accounts=10000] [months=3]
// Prints time to first rows after sign-in, and sort / filter times (input to the grid showing the new order).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startServer } from '../../src/api/start-server.ts';
import { addUser } from '../../src/engine/auth/users.ts';
import { contextForStore } from '../../src/engine/context.ts';
import { generateDemo } from '../../src/engine/demo/generate-demo.ts';
import { importFiles } from '../../src/engine/import/import-files.ts';
import { recomputeScores } from '../../src/engine/scoring/recompute-scores.ts';
import { openStore } from '../../src/store/database.ts';

const accounts = Number(process.argv[2] ?? 10_000);
const months = Number(process.argv[3] ?? 3);
const root = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'vigil-measure-'));
const t0 = performance.now();
await generateDemo({
  outDir: dir,
  accounts,
  months,
  seed: 5,
  endDate: new Date().toISOString().slice(0, 10),
});
const store = await openStore({ url: join(dir, 'vigil.db') });
const ctx = contextForStore(store);
await importFiles(ctx, { paths: [dir] });
await addUser(ctx, { id: 'admin', role: 'admin', password: 'measure password', actor: 'measure' });
await recomputeScores(ctx, { all: true });
console.log(`setup: ${accounts} accounts in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
const server = await startServer(ctx, { port: 0, host: '127.0.0.1', webRoot: join(root, 'web', 'dist') });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
await page.goto(server.url);
await page.fill('input[name="username"]', 'admin');
await page.fill('input[name="password"]', 'measure password');

const firstName = () => page.locator('tbody tr a').first().textContent();
/** `prepare` resets the page (not timed); the clock runs from `act` (the user's input) until `done`. */
const timed = async <T>(
  label: string,
  prepare: () => Promise<T>,
  act: () => Promise<unknown>,
  done: (before: T) => Promise<unknown>,
) => {
  const runs: number[] = [];
  for (let i = 0; i < 3; i++) {
    const before = await prepare();
    const t = performance.now();
    await act();
    await done(before);
    runs.push(performance.now() - t);
  }
  runs.sort((a, b) => a - b);
  console.log(
    `${label}: median ${runs[1]!.toFixed(0)} ms (runs ${runs.map((r) => r.toFixed(0)).join(', ')})`,
  );
};

let t = performance.now();
await page.click('button[type="submit"]');
await page.waitForSelector('tbody tr a');
console.log(`sign-in to first ranked rows (${accounts} accounts): ${(performance.now() - t).toFixed(0)} ms`);
const total = await page.locator('search .muted').textContent();
console.log(`grid reports: ${total}; rows in the DOM: ${await page.locator('tbody tr').count()}`);
t = performance.now();
await page.reload();
await page.waitForSelector('tbody tr a');
console.log(`reload to first ranked rows: ${(performance.now() - t).toFixed(0)} ms`);

// each run alternates two orders whose first row differs, and waits for the grid to show the new first row
for (const [label, sort] of [
  ['sort by ARR', '-arr'],
  ['sort by name', 'name'],
  ['sort by expansion', 'expansion'],
] as const)
  await timed(
    label,
    async () => {
      await page.selectOption('label:has-text("Sort") select', 'score');
      await page.waitForTimeout(1500);
      return firstName();
    },
    () => page.selectOption('label:has-text("Sort") select', sort),
    (before) =>
      page.waitForFunction((b) => {
        const a = document.querySelector('tbody tr a');
        return a !== null && a.textContent !== b;
      }, before),
  );
await timed(
  'filter band=healthy',
  async () => {
    await page.selectOption('label:has-text("Band") select', '');
    await page.waitForTimeout(1500);
  },
  () => page.selectOption('label:has-text("Band") select', 'healthy'),
  () =>
    page.waitForFunction(() =>
      [...document.querySelectorAll('td .pill')].every((p) => p.textContent === 'Healthy'),
    ),
);
await page.selectOption('label:has-text("Band") select', '');
await page.waitForTimeout(500);
t = performance.now();
await page.locator('.grid-scroll').evaluate((el) => {
  el.scrollTop = el.scrollHeight / 2;
});
await page.waitForTimeout(50);
console.log(`scroll to the middle and render: ${(performance.now() - t - 50).toFixed(0)} ms`);

await browser.close();
await server.close();
await store.close();
