import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountDetail, AccountSummary, TimelineItem } from '../../src/api/api-types.ts';
import { type RunningServer, startServer } from '../../src/api/start-server.ts';
import { addUser } from '../../src/engine/auth/users.ts';
import { contextForStore } from '../../src/engine/context.ts';
import { evaluateAllPlaybooks } from '../../src/engine/playbooks/run-playbooks.ts';
import { openStore, type Store } from '../../src/store/database.ts';
import { buildWeb, copyDemoDatabase, ROOT } from './e2e-helpers.ts';

/**
 * The account page in Chromium (issue 19): the first screen's facts equal the API's, the next
 * actions say whether they are enough, former contacts are folded, the timeline reads as words,
 * sub-score bars use their whole track, and the page fits a 390 px phone.
 */
// Its own build folder, so this file and the other e2e files never build into one folder at once.
const webRoot = join(ROOT, 'test-artifacts', 'web-dist-account');
const shots = join(ROOT, 'test-artifacts', 'screenshots');
const PASSWORD = 'e2e password 123';

let store: Store;
let server: RunningServer;
let browser: Browser;
const consoleErrors: string[] = [];

async function signIn(viewport: { width: number; height: number }): Promise<Page> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  await page.goto(server.url);
  await page.fill('input[name="username"]', 'admin');
  await page.fill('input[name="password"]', PASSWORD);
  await page.click('button[type="submit"]');
  await page.waitForSelector('[data-testid="who"]', { timeout: 10_000 });
  // from here on (the login page's own 401 for "who am I" is expected before signing in)
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  return page;
}

const apiGet = <T>(page: Page, path: string) =>
  page.evaluate(async (p) => {
    const r = await fetch(p, { credentials: 'same-origin' });
    if (!r.ok) throw new Error(`${p}: ${r.status}`);
    return r.json();
  }, path) as Promise<T>;

const formerOf = (d: AccountDetail) => d.contacts.filter((c) => c.leftAt && c.leftAt <= d.terms.asOf);

let page: Page;
let detail: AccountDetail;
let list: AccountSummary[];

beforeAll(async () => {
  await buildWeb(webRoot);
  const dir = mkdtempSync(join(tmpdir(), 'vigil-e2e-account-'));
  // the demo ending today, imported and scored (built once and copied: e2e-helpers.ts)
  const db = await copyDemoDatabase({ accounts: 60, months: 14, seed: 11 }, dir);
  store = await openStore({ url: db });
  const ctx = contextForStore(store);
  await addUser(ctx, { id: 'admin', role: 'admin', password: PASSWORD, actor: 'e2e' });
  await store.db.deleteFrom('dirty_accounts').execute();
  await evaluateAllPlaybooks(ctx);
  server = await startServer(ctx, { port: 0, host: '127.0.0.1', webRoot });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  mkdirSync(shots, { recursive: true });
  page = await signIn({ width: 1440, height: 900 });
  list = (await apiGet<{ items: AccountSummary[] }>(page, '/v1/accounts?limit=500&sort=score')).items;
  // a demo account with a renewal, below healthy (so it has a sufficiency line) and former contacts
  for (const a of list) {
    const d = await apiGet<AccountDetail>(page, `/v1/accounts/${encodeURIComponent(a.id)}`);
    if (d.facts.renewal && d.nextActions.sufficiency && formerOf(d).length > 0) {
      detail = d;
      break;
    }
  }
  if (!detail) throw new Error('no demo account with a renewal, a sufficiency line and former contacts');
  await page.goto(`${server.url}/#/accounts/${encodeURIComponent(detail.account.id)}`);
  await page.waitForSelector('[data-testid="fact-renewal"]');
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await store?.close();
});

const text = async (selector: string) => ((await page.locator(selector).first().textContent()) ?? '').trim();

describe('account page (Chromium, 1440 px)', () => {
  it('shows the header facts with the API’s values, renewal and ARR equal to the account list', async () => {
    const f = detail.facts;
    const row = list.find((a) => a.id === detail.account.id)!;
    // one contract rule: the page's renewal and ARR are the list's
    expect(f.renewal?.date).toBe(row.renewalDate);
    expect(f.arr).toBe(row.arr);
    expect(await page.locator('[data-testid="fact-renewal"] b').getAttribute('data-value')).toBe(
      f.renewal!.date,
    );
    expect(await text('[data-testid="fact-renewal"] b')).toBe(f.renewal!.date);
    expect(
      Number(await page.locator('[data-testid="fact-renewal"] [data-days]').getAttribute('data-days')),
    ).toBe(f.renewal!.daysLeft);
    expect(await text('[data-testid="fact-renewal"]')).toMatch(/in \d+ days?|today/);
    expect(Number(await page.locator('[data-testid="fact-arr"] b').getAttribute('data-value'))).toBe(f.arr);
    expect(Number(await page.locator('[data-testid="fact-health"] b').getAttribute('data-value'))).toBe(
      f.score,
    );
    expect(await text('[data-testid="fact-health"] .pill')).toMatch(/healthy|at risk|critical/i);
    // people by name, never by id
    expect(f.csm?.name).toBeTruthy();
    expect(await text('[data-testid="fact-csm"]')).toContain(f.csm!.name!);
    expect(await text('[data-testid="fact-csm"]')).not.toContain(f.csm!.id);
    if (f.manager) expect(await text('[data-testid="fact-manager"]')).toContain(f.manager.name!);
    if (f.contract) {
      const c = await text('[data-testid="fact-contract"]');
      if (f.contract.plan) expect(c).toContain(f.contract.plan);
      expect(c).toContain(f.contract.start);
    }
    const touch = await text('[data-testid="fact-exec-touch"]');
    if (f.lastExecutiveTouch) expect(touch).toContain(f.lastExecutiveTouch.date);
    else expect(touch).toBe('none on record');
    const champion = await text('[data-testid="fact-champion"]');
    if (f.champion.status === 'present') expect(champion).toContain(f.champion.name);
    else if (f.champion.status === 'left')
      expect(champion).toContain(`champion left on ${f.champion.leftOn}`);
    else expect(champion).toBe('no champion');
    const nps = await text('[data-testid="fact-nps"]');
    if (f.latestNps) expect(nps).toContain(`${f.latestNps.score} (${f.latestNps.category})`);
    else expect(nps).toBe('no answer on record');
    // the first screen holds the facts and the next actions without scrolling
    const box = await page.locator('.next-actions').boundingBox();
    expect(box!.y).toBeLessThan(900);
    await page.waitForTimeout(800);
    await page.screenshot({ path: join(shots, 'account-1440.png'), fullPage: true });
  });

  it('lists the next actions with their points and says whether they are enough', async () => {
    const n = detail.nextActions;
    expect(await page.locator('ol[aria-label="Recommended next actions"] li').count()).toBe(n.actions.length);
    const line = await text('[data-testid="sufficiency"]');
    expect(line).toBe(n.sufficiency!.line);
    expect(line).toMatch(
      /^Th(is|ese) adds? \+\d+\.\d; \+\d+\.\d needed to reach (healthy|at-risk) — (enough to reach (healthy|at-risk)|not enough on their own)\.$/,
    );
    // the stated total is the sum of the listed points (each signal once)
    const sum = n.actions.reduce((s, a) => s + (a.points ?? 0), 0);
    expect(n.sufficiency!.pointsTotal).toBeCloseTo(sum, 0);
    expect(n.sufficiency!.enough).toBe(n.sufficiency!.pointsTotal >= n.sufficiency!.pointsNeeded);
  });

  it('shows current contacts first and folds the former ones', async () => {
    const former = formerOf(detail);
    const folded = page.locator('details[data-testid="former-contacts"]');
    expect(await folded.getAttribute('open')).toBeNull();
    expect(await folded.locator('summary').textContent()).toBe(
      `${former.length} former contact${former.length === 1 ? '' : 's'}`,
    );
    const current = await page.locator('[data-testid="current-contacts"]').textContent();
    for (const c of former) if (c.name) expect(current).not.toContain(`${c.name} —`);
    expect(await folded.locator('li').first().isVisible()).toBe(false);
    await folded.locator('summary').click();
    expect(await folded.locator('li').first().isVisible()).toBe(true);
    expect(await folded.locator('li').count()).toBe(former.length);
  });

  it('writes the timeline in words: no raw key: value, sentiment as words, long text cut at a word', async () => {
    const api = await apiGet<{ items: TimelineItem[] }>(
      page,
      `/v1/accounts/${encodeURIComponent(detail.account.id)}/timeline?limit=60`,
    );
    await page.waitForSelector('ul[aria-label="Timeline"] li');
    const shown = (await page.locator('ul[aria-label="Timeline"]').textContent()) ?? '';
    expect(await page.locator('ul[aria-label="Timeline"] li').count()).toBe(api.items.length);
    const keys = new Set(api.items.flatMap((e) => Object.keys(e.properties)));
    expect(keys.size).toBeGreaterThan(3);
    for (const k of keys) expect(shown, k).not.toContain(`${k}:`);
    // no raw sentiment numbers such as -0.578, and the words are the API's
    expect(shown).not.toMatch(/-?0\.\d{3}/);
    const words = await page.locator('ul[aria-label="Timeline"] li .pill').allTextContents();
    for (const w of words)
      expect(['very negative', 'negative', 'neutral', 'positive', 'very positive']).toContain(w);
    for (const e of api.items) expect(shown).toContain(e.display.title);
    // a cut text ends at a word boundary and expands to the whole text
    const cut = api.items.find((e) => e.display.text && e.display.excerpt !== e.display.text);
    if (cut) {
      const li = page.locator('ul[aria-label="Timeline"] li', { hasText: cut.display.title }).first();
      const before = (await li.locator('.tl-text').textContent()) ?? '';
      expect(before).toContain(cut.display.excerpt!);
      const kept = cut.display.excerpt!.slice(0, -1);
      expect(cut.display.text!.startsWith(kept)).toBe(true);
      expect(cut.display.text!.charAt(kept.length)).toMatch(/[\s.,;:!?]/);
      await li.locator('button:has-text("more")').click();
      expect(await li.locator('.tl-text').textContent()).toContain(cut.display.text!);
    }
  });

  it('shows older events on demand, each older than the last one shown', async () => {
    const first = await page.locator('ul[aria-label="Timeline"] li').count();
    const button = page.locator('button:has-text("Show older events")');
    // the page loads the latest 60; this demo account has more than that over 14 months
    expect(first).toBe(60);
    await button.click();
    await page.waitForFunction(
      (n) => document.querySelectorAll('ul[aria-label="Timeline"] li').length > n,
      first,
    );
    const dates = await page.locator('ul[aria-label="Timeline"] li > .muted.small').allTextContents();
    expect(dates.length).toBeGreaterThan(first);
    expect(dates).toEqual([...dates].sort().reverse());
  });

  it('draws a sub-score of 100 across its whole track (bars are no longer capped at ~67)', async () => {
    const widths = await page.evaluate(() =>
      [...document.querySelectorAll('table[aria-label="Signals"] tbody tr')].map((tr) => {
        const track = tr.querySelector('.bar-track') as HTMLElement | null;
        const bar = tr.querySelector('.bar-track > .bar') as HTMLElement | null;
        const score = Number(tr.querySelectorAll('td')[2]?.textContent?.trim());
        return { score, track: track?.offsetWidth ?? 0, bar: bar?.offsetWidth ?? 0 };
      }),
    );
    expect(widths.length).toBeGreaterThan(10);
    for (const w of widths) {
      expect(w.track).toBeGreaterThan(0);
      expect(Math.abs(w.bar - (w.track * w.score) / 100), JSON.stringify(w)).toBeLessThanOrEqual(1.5);
    }
    expect(widths.some((w) => w.score >= 95)).toBe(true);
  });
});

describe('account page at 390 px', () => {
  it('has no sideways scroll and keeps the facts readable', async () => {
    const phone = await signIn({ width: 390, height: 844 });
    await phone.goto(`${server.url}/#/accounts/${encodeURIComponent(detail.account.id)}`);
    await phone.waitForSelector('[data-testid="fact-renewal"]');
    await phone.waitForSelector('ul[aria-label="Timeline"] li');
    await phone.waitForTimeout(800);
    const width = await phone.evaluate(() => document.documentElement.scrollWidth);
    await phone.screenshot({ path: join(shots, 'account-390.png'), fullPage: true });
    expect(width).toBeLessThanOrEqual(390);
    // every fact sits inside the window
    const boxes = await phone
      .locator('.fact')
      .evaluateAll((els) => els.map((e) => (e as HTMLElement).getBoundingClientRect().right));
    for (const right of boxes) expect(right).toBeLessThanOrEqual(390);
    await phone.context().close();
  });

  it('logged no console errors', () => {
    expect(consoleErrors).toEqual([]);
  });
});
