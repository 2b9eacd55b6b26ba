import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../src/api/start-server.ts';
import { addUser } from '../../src/engine/auth/users.ts';
import { contextForStore } from '../../src/engine/context.ts';
import { openStore, type Store } from '../../src/store/database.ts';
import { buildWeb, copyDemoDatabase, ROOT } from './e2e-helpers.ts';

/** The Retention page end to end: TTM tiles, the bridge table, churn reasons, the forecast, empty charts. */
const webRoot = join(ROOT, 'test-artifacts', 'web-dist-retention');
const shots = join(ROOT, 'test-artifacts', 'screenshots');
const PASSWORD = 'e2e password 123';

let store: Store;
let server: RunningServer;
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];

const apiGet = <T>(p: Page, path: string) =>
  p.evaluate(async (u) => {
    const r = await fetch(u, { credentials: 'same-origin' });
    if (!r.ok) throw new Error(`${u}: ${r.status}`);
    return r.json();
  }, path) as Promise<T>;

beforeAll(async () => {
  await buildWeb(webRoot);
  const dir = mkdtempSync(join(tmpdir(), 'vigil-e2e-retention-'));
  // the demo ending today, imported, snapshots every 30 days of the last 400, scored (e2e-helpers.ts)
  const db = await copyDemoDatabase({ accounts: 60, months: 26, seed: 5, backfillDays: 400 }, dir);
  store = await openStore({ url: db });
  const ctx = contextForStore(store);
  await addUser(ctx, { id: 'admin', role: 'admin', password: PASSWORD, actor: 'e2e' });
  server = await startServer(ctx, { port: 0, host: '127.0.0.1', webRoot });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  mkdirSync(shots, { recursive: true });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  await page.goto(server.url);
  await page.fill('input[name="username"]', 'admin');
  await page.fill('input[name="password"]', PASSWORD);
  await page.click('button[type="submit"]');
  await page.waitForSelector('[data-testid="who"]', { timeout: 15_000 });
  // the visitor's 401 before signing in is expected; count errors from here on
  consoleErrors.length = 0;
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await store?.close();
});

type Ratio = { value: number | null };
type Period = {
  label: string;
  grr: Ratio;
  nrr: Ratio;
  logoRetention: Ratio;
  movements: Record<string, number>;
  churnReasons: { reason: string; arr: number; logos: number }[];
};

describe('retention page', () => {
  it('opens on the trailing twelve months: five headline tiles matching the API, with their change', async () => {
    await page.goto(`${server.url}/#/retention`);
    await page.waitForSelector('[data-testid="retention-tiles"] .tile');
    const tiles = await page.locator('[data-testid="retention-tiles"] .tile').allTextContents();
    expect(await page.locator('[data-testid="retention-tiles"] .tile-label').allTextContents()).toEqual([
      'GRR',
      'NRR',
      'Logo retention',
      'Churned ARR',
      'Expansion ARR',
    ]);
    const r = await apiGet<{ periods: Period[] }>(page, '/v1/metrics?period=ttm');
    const last = r.periods[r.periods.length - 1]!;
    expect(last.grr.value).not.toBeNull();
    expect(tiles[0]).toContain(`${(last.grr.value! * 100).toFixed(1)}%`);
    expect(tiles[1]).toContain(`${(last.nrr.value! * 100).toFixed(1)}%`);
    // with a year before to compare with, every tile shows its change
    expect(r.periods.length).toBeGreaterThan(12);
    for (const t of tiles) expect(t).not.toContain('no change to show');
    expect(await page.locator('select').first().inputValue()).toBe('ttm');
  });

  it('keeps reactivation apart in the bridge table, and shows churn reasons and the renewal forecast', async () => {
    await page.waitForSelector('table[aria-label="Revenue bridge per period"] tbody tr');
    const head = await page.locator('table[aria-label="Revenue bridge per period"] th').allTextContents();
    expect(head).toEqual(
      expect.arrayContaining(['New', 'Reactivation', 'Expansion', 'Contraction', 'Churn']),
    );
    await page.waitForSelector('text=Churn by reason');
    await page.waitForSelector('table[aria-label="Renewals due"] tbody tr');
    const rows = await page.locator('table[aria-label="Renewals due"] tbody tr').allTextContents();
    expect(rows.map((t) => t.split(' ')[0])).toEqual(['30', '90', '180']);
    expect(await page.getByTestId('expected-grr').textContent()).toMatch(/^\d+\.\d%$/);
    await page.waitForFunction(() => document.querySelectorAll('canvas').length >= 5);
    await page.waitForTimeout(1200);
    expect(await page.locator('.error').count()).toBe(0);
    await page.screenshot({ path: join(shots, 'retention-ttm.png'), fullPage: true });
  });

  it('every panel draws a chart or a table, or says why it is empty, in every period view', async () => {
    for (const period of ['month', 'quarter', 'year']) {
      await page.selectOption('select', period);
      await page.waitForSelector('table[aria-label="Revenue bridge per period"] tbody tr');
      await page.waitForTimeout(600);
      const silent = await page.evaluate(() =>
        [...document.querySelectorAll('.panel')]
          .filter(
            (p) =>
              !p.querySelector('canvas, table, [data-testid="empty-chart"]') &&
              !/Loading/.test(p.textContent ?? ''),
          )
          .map((p) => p.querySelector('h2')?.textContent ?? p.textContent?.slice(0, 40)),
      );
      expect(silent, period).toEqual([]);
      if (period === 'year')
        await page.screenshot({ path: join(shots, 'retention-year.png'), fullPage: true });
    }
    expect(consoleErrors).toEqual([]);
  });
});
