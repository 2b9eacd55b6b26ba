import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../src/api/start-server.ts';
import { contextForStore, fixedClock } from '../../src/engine/context.ts';
import { generateDemo } from '../../src/engine/demo/generate-demo.ts';
import { importFiles } from '../../src/engine/import/import-files.ts';
import { evaluateAllPlaybooks } from '../../src/engine/playbooks/run-playbooks.ts';
import { backfillScores } from '../../src/engine/scoring/backfill-scores.ts';
import { startWorker, type WorkerHandle } from '../../src/engine/worker/run-worker.ts';
import { recomputeScores } from '../../src/engine/scoring/recompute-scores.ts';
import { openStore, type Store } from '../../src/store/database.ts';

const root = join(import.meta.dirname, '..', '..');
const webRoot = join(root, 'web', 'dist');
const shots = join(root, 'test-artifacts', 'screenshots');

let store: Store;
let server: RunningServer;
let worker: WorkerHandle;
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];

beforeAll(async () => {
  // a real build of the dashboard, unless one newer than the sources exists
  const built = join(webRoot, 'index.html');
  if (!existsSync(built) || statSync(built).mtimeMs < statSync(join(root, 'web', 'src', 'app.tsx')).mtimeMs)
    execFileSync(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', join(root, 'web', 'vite.config.ts'), '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
  const dir = mkdtempSync(join(tmpdir(), 'vigil-e2e-'));
  const today = new Date().toISOString().slice(0, 10);
  const yearAgo = new Date(Date.now() - 330 * 86_400_000).toISOString().slice(0, 10);
  await generateDemo({ outDir: dir, accounts: 80, months: 14, seed: 11, endDate: today });
  store = await openStore({ url: join(dir, 'vigil.db') });
  const ctx = contextForStore(store);
  await importFiles(ctx, { paths: [dir] });
  await backfillScores(ctx, { from: yearAgo, to: today, stepDays: 30 });
  await recomputeScores(ctx, { all: true });
  await store.db.deleteFrom('dirty_accounts').execute();
  await evaluateAllPlaybooks(ctx);
  server = await startServer(ctx, { port: 0, host: '127.0.0.1', webRoot });
  worker = startWorker(ctx, { intervalMs: 5000 });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  mkdirSync(shots, { recursive: true });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await worker?.stop();
  await server?.close();
  await store?.close();
});

describe('dashboard in Chromium', () => {
  it('shows the portfolio ranked by risk with band tiles', async () => {
    await page.goto(server.url);
    await page.waitForSelector('table.grid tbody tr');
    const tiles = await page.locator('.tile-value').allTextContents();
    expect(tiles.length).toBeGreaterThanOrEqual(4);
    const scores = (await page.locator('td.score').allTextContents()).map(Number);
    expect(scores.length).toBeGreaterThan(10);
    expect(scores).toEqual([...scores].sort((a, b) => a - b));
    await page.screenshot({ path: join(shots, 'portfolio.png') });
  });

  it('filters by band and search', async () => {
    await page.selectOption('label:has-text("Band") select', 'healthy');
    await page.waitForFunction(() => [...document.querySelectorAll('td .pill')].every((p) => p.textContent === 'Healthy'));
    const pills = await page.locator('tbody td .pill').allTextContents();
    expect(pills.length).toBeGreaterThan(0);
    expect(new Set(pills)).toEqual(new Set(['Healthy']));
    await page.selectOption('label:has-text("Band") select', '');
    const name = (await page.locator('tbody tr a').first().textContent())!;
    await page.fill('input[placeholder="name or id"]', name);
    await page.waitForFunction((n) => document.querySelectorAll('tbody tr').length >= 1 && [...document.querySelectorAll('tbody tr a')].every((a) => a.textContent === n), name);
    await page.fill('input[placeholder="name or id"]', 'no-such-account-xyz');
    await page.waitForSelector('text=No accounts match.');
    await page.fill('input[placeholder="name or id"]', '');
  });

  it('opens an account with its score history chart, drivers and signals', async () => {
    await page.waitForSelector('tbody tr a');
    await page.locator('tbody tr a').first().click();
    await page.waitForSelector('.gauge');
    await page.waitForSelector('canvas');
    await page.waitForTimeout(1200); // let the chart finish its animation for the screenshot
    expect(await page.locator('.drivers li').count()).toBeGreaterThan(2);
    expect(await page.locator('table[aria-label="Signals"] tbody tr').count()).toBeGreaterThan(15);
    expect(await page.locator('.timeline li').count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(shots, 'account.png'), fullPage: true });
  });

  it('a red note on the account page changes its score live, without a reload', async () => {
    await page.goto(server.url);
    await page.selectOption('label:has-text("Sort") select', '-score');
    await page.waitForTimeout(500);
    await page.locator('tbody tr a').first().click();
    await page.waitForSelector('.gauge');
    const before = Number(await page.locator('.gauge-score').textContent());
    await page.fill('textarea[aria-label="Note"]', 'Champion resigned; the team is evaluating RivalCo and is very unhappy.');
    await page.selectOption('select[aria-label="Sentiment"]', 'red');
    await page.click('button:has-text("Save note")');
    await page.waitForFunction((b) => Number(document.querySelector('.gauge-score')?.textContent) < b, before, { timeout: 5000 });
    expect(Number(await page.locator('.gauge-score').textContent())).toBeLessThan(before);
  });

  it('works the task queue: completing a task removes it from the open list', async () => {
    await page.goto(`${server.url}/#/tasks`);
    await page.waitForSelector('.task');
    const first = (await page.locator('.task b').first().textContent())!;
    const count = await page.locator('.task').count();
    await page.locator('.task').first().locator('button:has-text("Done")').click();
    await page.waitForFunction((n) => document.querySelectorAll('.task').length === n - 1 || document.querySelectorAll('.task').length < n, count);
    expect(await page.locator('.task b').allTextContents()).not.toContain(first);
    await page.screenshot({ path: join(shots, 'tasks.png') });
  });

  it('renders retention charts and the cohort heatmap with data', async () => {
    await page.goto(`${server.url}/#/retention`);
    await page.waitForSelector('text=Logo retention by quarterly cohort');
    await page.waitForFunction(() => document.querySelectorAll('canvas').length >= 5);
    await page.waitForTimeout(1200);
    expect(await page.locator('.error').count()).toBe(0);
    await page.screenshot({ path: join(shots, 'retention.png'), fullPage: true });
  });

  it('shows the API error message for an unknown account', async () => {
    await page.goto(`${server.url}/#/accounts/does-not-exist`);
    await page.waitForSelector('.error');
    expect(await page.locator('.error').textContent()).toContain('account does-not-exist not found');
  });

  it('logged no console errors except the expected 404', () => {
    expect(consoleErrors.filter((e) => !/404/.test(e))).toEqual([]);
  });
});
