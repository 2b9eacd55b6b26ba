import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../src/api/start-server.ts';
import { addUser } from '../../src/engine/auth/users.ts';
import { contextForStore } from '../../src/engine/context.ts';
import { openStore, type Store } from '../../src/store/database.ts';
import { buildWeb, copyDemoDatabase, ROOT } from './e2e-helpers.ts';

/**
 * The model page end to end: backtest charts with data, training a proposal, the side-by-side
 * comparison, approval by keyboard, what a CSM may not do, the override on the account page, and
 * narrow screens.
 */
const root = ROOT;
// Its own build folder, so this file and dashboard.e2e.test.ts never build into one folder at once.
const webRoot = join(root, 'test-artifacts', 'web-dist-model');
const shots = join(root, 'test-artifacts', 'screenshots');
const PASSWORD = 'e2e password 123';

let store: Store;
let server: RunningServer;
let browser: Browser;
const consoleErrors: { page: string; text: string }[] = [];

/** A fresh browser context (own cookies) signed in through the login form. */
async function signIn(
  username: string,
  viewport = { width: 1280, height: 900 },
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push({ page: page.url(), text: `${username}: ${m.text()}` });
  });
  page.on('pageerror', (e) => consoleErrors.push({ page: page.url(), text: `${username}: ${e.message}` }));
  await page.goto(server.url);
  await page.fill('input[name="username"]', username);
  await page.fill('input[name="password"]', PASSWORD);
  await page.click('button[type="submit"]');
  await page.waitForSelector('[data-testid="who"], form.login .error', { timeout: 10_000 });
  const failed = page.locator('form.login .error');
  if ((await failed.count()) > 0)
    throw new Error(`sign-in as ${username} failed: ${await failed.textContent()}`);
  return { context, page };
}

/** The page scrolls sideways when the document is wider than the window. */
const overflow = (page: Page) =>
  page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));

/** A GET through the signed-in page (its cookie), as the dashboard makes it. */
const apiGet = <T>(page: Page, path: string) =>
  page.evaluate(async (p) => {
    const r = await fetch(p, { credentials: 'same-origin' });
    if (!r.ok) throw new Error(`${p}: ${r.status}`);
    return r.json();
  }, path) as Promise<T>;

beforeAll(async () => {
  await buildWeb(webRoot);
  const dir = mkdtempSync(join(tmpdir(), 'vigil-e2e-model-'));
  // two years of history ending today: enough to learn from before a 9-month held-out period;
  // score snapshots every 30 days of the last 330, then scored (built once: e2e-helpers.ts)
  const db = await copyDemoDatabase({ accounts: 80, months: 24, seed: 7, backfillDays: 330 }, dir);
  store = await openStore({ url: db });
  const ctx = contextForStore(store);
  for (const id of ['admin', 'csm-1']) {
    const u = await store.db
      .selectFrom('users')
      .select('role')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    await addUser(ctx, { id, role: u.role, password: PASSWORD, actor: 'e2e' });
  }
  await store.db.deleteFrom('dirty_accounts').execute();
  server = await startServer(ctx, { port: 0, host: '127.0.0.1', webRoot });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  mkdirSync(shots, { recursive: true });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await store?.close();
});

type Decile = {
  decile: number;
  accounts: number;
  churned: number;
  churnRate: number | null;
  lift: number | null;
};
type BacktestBody = {
  metrics: {
    snapshots: number;
    auc: number;
    rocCurve: { fpr: number; tpr: number }[];
    liftByDecile: Decile[];
  };
};

describe('model page (admin)', () => {
  let page: Page;
  beforeAll(async () => {
    ({ page } = await signIn('admin'));
  });

  it('draws the ROC curve and lift by decile from the backtest, with the same figures as the API', async () => {
    await page.goto(`${server.url}/#/model`);
    await page.waitForSelector('table[aria-label="Model versions"] tbody tr');
    const roc = page.locator('[aria-label^="ROC curve"]');
    await roc.waitFor({ timeout: 60_000 });
    const api = await apiGet<BacktestBody>(page, '/v1/models/1/backtest');
    const m = api.metrics;
    expect(m.rocCurve.length).toBeGreaterThan(10);
    expect(m.rocCurve.length).toBeLessThanOrEqual(101);
    expect(m.rocCurve[0]).toEqual({ fpr: 0, tpr: 0 });
    expect(m.rocCurve.at(-1)).toEqual({ fpr: 1, tpr: 1 });
    expect(await roc.getAttribute('aria-label')).toBe(
      `ROC curve: ${m.rocCurve.length} points, AUC ${m.auc.toFixed(3)}, against the diagonal of a random ranking`,
    );
    expect(await roc.locator('canvas').count()).toBe(1);
    const lift = page.locator('[aria-label^="Lift by risk decile:"]');
    expect(await lift.locator('canvas').count()).toBe(1);
    // the riskiest decile churns more than average on the demo's history
    const top = m.liftByDecile[0]!;
    expect(top.lift!).toBeGreaterThan(1.5);
    expect(await lift.getAttribute('aria-label')).toContain(`${top.lift!.toFixed(2)} times`);
    expect(m.liftByDecile.reduce((a, d) => a + d.accounts, 0)).toBe(m.snapshots);
    await page.click('summary:has-text("Lift by decile as a table")');
    const rows = await page
      .locator('table[aria-label="Lift by risk decile"] tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    expect(rows).toHaveLength(10);
    expect(rows[0]).toEqual([
      '1',
      String(top.accounts),
      String(top.churned),
      `${(top.churnRate! * 100).toFixed(1)}%`,
      `${top.lift!.toFixed(2)}×`,
    ]);
    // the weights come grouped: each category heading, then its signals
    const cats = await page
      .locator('table[aria-label="Signal weights by category"] tr.cat-row th')
      .allTextContents();
    expect(cats).toContain('engagement');
    expect(cats).toContain('relationship');
    const shares = await page
      .locator('table[aria-label="Signal weights by category"] tr.cat-row td:nth-child(3)')
      .allTextContents();
    const total = shares.reduce((a, s) => a + Number.parseFloat(s), 0);
    expect(total).toBeGreaterThan(99.5);
    expect(total).toBeLessThan(100.5);
    await page.waitForTimeout(800); // let the charts finish drawing for the screenshot
    await page.screenshot({ path: join(shots, 'model-backtest.png'), fullPage: true });
  }, 90_000);

  it('trains a proposal from the page and shows it side by side with the active model', async () => {
    expect(await page.locator('[data-testid="proposal"]').count()).toBe(0);
    await page.fill('label:has-text("Held-out months") input', '9');
    const started = Date.now();
    await page.click('button:has-text("Train a proposal")');
    await page.waitForFunction(
      () => /Proposed v\d+|error|need/i.test(document.querySelector('.train-result')?.textContent ?? ''),
      null,
      { timeout: 150_000 },
    );
    const result = (await page.locator('.train-result').textContent())!;
    expect(result, `training took ${Date.now() - started} ms`).toMatch(
      /^Proposed v2: held-out AUC \d\.\d{3} vs \d\.\d{3} for v1/,
    );
    const panel = page.locator('[data-testid="proposal"]');
    await panel.waitFor();
    expect(await panel.locator('h2').textContent()).toBe('Proposed v2 vs current v1');
    const side = await panel
      .locator('table[aria-label="Backtests side by side"] tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    expect(side.map((r) => r[0])).toEqual(['ROC AUC', 'Lift, riskiest 10%', 'Median lead time']);
    // the figures are the ones stored with the trained model
    const diff = await apiGet<{
      effectiveWeights: { signalId: string; a: number; b: number }[];
      backtests: { b: { proposed: { auc: number }; current: { auc: number } } };
    }>(page, '/v1/models/diff?a=1&b=2');
    expect(side[0]).toEqual([
      'ROC AUC',
      diff.backtests.b.current.auc.toFixed(3),
      diff.backtests.b.proposed.auc.toFixed(3),
    ]);
    const weightRows = panel.locator('table[aria-label="Weights side by side"] tbody tr:not(.cat-row)');
    expect(await weightRows.count()).toBe(diff.effectiveWeights.length);
    const droppedInApi = diff.effectiveWeights.filter((w) => w.a > 0 && w.b === 0).length;
    expect(await panel.locator('tr.dropped .pill:has-text("dropped")').count()).toBe(droppedInApi);
    expect(droppedInApi).toBeGreaterThan(0); // a learned model drops signals that carry no churn information
    // the new proposal is selected below it, with its own weights
    await page.waitForSelector('h2:has-text("Signal weights (v2)")');
    await page.waitForTimeout(800);
    await page.screenshot({ path: join(shots, 'model-proposal.png'), fullPage: true });
  }, 180_000);

  it('a CSM sees the models but neither Train nor Approve', async () => {
    const { context, page: csm } = await signIn('csm-1');
    await csm.goto(`${server.url}/#/model`);
    await csm.waitForSelector('table[aria-label="Model versions"] tbody tr');
    await csm.waitForSelector('[data-testid="proposal"]');
    expect(await csm.locator('td .pill:has-text("proposed")').count()).toBe(1);
    expect(await csm.locator('button:has-text("Approve")').count()).toBe(0);
    expect(await csm.locator('button:has-text("Train a proposal")').count()).toBe(0);
    // the server refuses too, with a valid session and CSRF token: the role is what stops it
    const refused = await csm.evaluate(async () => {
      const me = (await (await fetch('/v1/auth/me')).json()) as { csrf: string };
      const r = await fetch('/v1/models/2/approve', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-vigil-csrf': me.csrf },
        body: '{}',
      });
      return { status: r.status, body: await r.json() };
    });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('FORBIDDEN');
    await context.close();
  });

  it('keyboard: Tab reaches Approve, Enter approves, and the new version is marked active', async () => {
    await page.goto(`${server.url}/#/model`);
    await page.waitForSelector('button:has-text("Approve")');
    page.once('dialog', (d) => void d.accept());
    let reached = false;
    for (let i = 0; i < 40 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(() => document.activeElement?.textContent === 'Approve');
    }
    expect(reached).toBe(true);
    await page.keyboard.press('Enter');
    await page.waitForFunction(
      () =>
        [...document.querySelectorAll('table[aria-label="Model versions"] tbody tr')].some(
          (tr) => tr.querySelector('td')?.textContent === 'v2' && tr.textContent?.includes('active'),
        ),
      null,
      { timeout: 60_000 },
    );
    const statuses = await page
      .locator('table[aria-label="Model versions"] tbody tr')
      .evaluateAll((trs) => trs.map((tr) => `${tr.children[0]?.textContent} ${tr.children[2]?.textContent}`));
    expect(statuses).toContain('v2 active');
    expect(statuses).not.toContain('v1 active');
    expect(await page.locator('[data-testid="proposal"]').count()).toBe(0);
    expect(await page.locator('button:has-text("Approve")').count()).toBe(0);
    const audit = await store.db
      .selectFrom('audit_log')
      .select(['actor', 'action', 'target'])
      .where('action', '=', 'model.approve')
      .execute();
    expect(audit).toEqual([{ actor: 'admin', action: 'model.approve', target: 'model:2' }]);
    await page.screenshot({ path: join(shots, 'model-approved.png'), fullPage: true });
  }, 90_000);

  it('an override with a reason shows the overridden score next to the computed one and is audited', async () => {
    const account = await store.db
      .selectFrom('current_scores')
      .select(['account_id', 'score'])
      .where('score', '>', 40)
      .orderBy('account_id')
      .executeTakeFirstOrThrow();
    await page.goto(`${server.url}/#/accounts/${encodeURIComponent(account.account_id)}`);
    await page.waitForSelector('.gauge');
    const computed = await page.locator('.gauge-score').textContent();
    await page.fill('form:has-text("Override the score") input[type="number"]', '12');
    await page.fill('textarea[aria-label="Override reason"]', 'Champion told us they are moving to RivalCo');
    await page.click('button:has-text("Save override")');
    await page.waitForSelector('[data-testid="override-line"]', { timeout: 10_000 });
    expect(await page.locator('.gauge-score').textContent()).toBe('12');
    expect(await page.locator('[data-testid="computed-score"]').textContent()).toBe(`computed ${computed}`);
    expect(await page.locator('[data-testid="override-line"]').textContent()).toMatch(
      /^Overridden to 12 by .*admin.* until \d{4}-\d{2}-\d{2} \(computed \d+\): “Champion told us they are moving to RivalCo”$/,
    );
    const audit = await store.db
      .selectFrom('audit_log')
      .select(['details'])
      .where('action', '=', 'score.override')
      .where('target', '=', `account:${account.account_id}`)
      .executeTakeFirstOrThrow();
    expect(JSON.parse(audit.details)).toMatchObject({
      score: 12,
      reason: 'Champion told us they are moving to RivalCo',
    });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(shots, 'account-override.png') });
  });

  it('portfolio and model pages fit a 390×844 screen without sideways scrolling', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${server.url}/#/`);
    await page.waitForSelector('table.grid tbody tr a');
    await page.evaluate(() => window.scrollTo(0, 0));
    let o = await overflow(page);
    expect(o.scrollWidth).toBeLessThanOrEqual(o.innerWidth + 1);
    await page.screenshot({ path: join(shots, 'portfolio-390.png') });
    await page.goto(`${server.url}/#/model`);
    await page.waitForSelector('[aria-label^="ROC curve"] canvas', { timeout: 60_000 });
    await page.waitForTimeout(800);
    o = await overflow(page);
    expect(o.scrollWidth).toBeLessThanOrEqual(o.innerWidth + 1);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(shots, 'model-390.png'), fullPage: true });
    await page.screenshot({ path: join(shots, 'model-390-top.png') });
    await page.setViewportSize({ width: 1280, height: 900 });
  }, 90_000);

  it('logged no console errors on the model page', () => {
    const csmRefused = (e: { text: string }) => e.text.startsWith('csm-1:') && /\b403\b/.test(e.text);
    expect(consoleErrors.filter((e) => e.page.includes('#/model') && !csmRefused(e))).toEqual([]);
    // and none elsewhere but the expected 401 before sign-in and 403 of the CSM's approve attempt
    expect(consoleErrors.filter((e) => !/\b(401|403)\b/.test(e.text))).toEqual([]);
  });
});
