import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../src/api/start-server.ts';
import { addUser } from '../../src/engine/auth/users.ts';
import { contextForStore } from '../../src/engine/context.ts';
import { configureIntegrations } from '../../src/engine/integrations/connections.ts';
import { HubspotTestServer } from '../../src/engine/integrations/test-servers/hubspot-test-server.ts';
import { openStore, type Store } from '../../src/store/database.ts';
import { seedScoreFixtures } from '../../src/store/queries/integrations/seed-score-fixtures.ts';
import { buildWeb, ROOT } from './e2e-helpers.ts';

/** The Connections page end to end: an admin adds a HubSpot connection, dry-runs and pushes, reads the sync log; a CSM never sees the page. */
const webRoot = join(ROOT, 'test-artifacts', 'web-dist-connections');
const shots = join(ROOT, 'test-artifacts', 'screenshots');
const PASSWORD = 'e2e password 123';
const TOKEN = 'pat-na1-test';

let store: Store;
let server: RunningServer;
let browser: Browser;
let hs: HubspotTestServer;
const consoleErrors: string[] = [];

async function signIn(username: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(`${username}: ${m.text()}`);
  });
  page.on('pageerror', (e) => consoleErrors.push(`${username}: ${e.message}`));
  await page.goto(server.url);
  await page.fill('input[name="username"]', username);
  await page.fill('input[name="password"]', PASSWORD);
  await page.click('button[type="submit"]');
  await page.waitForSelector('[data-testid="who"]', { timeout: 10_000 });
  return page;
}

beforeAll(async () => {
  await buildWeb(webRoot);
  const dir = mkdtempSync(join(tmpdir(), 'vigil-e2e-conn-'));
  store = await openStore({ url: join(dir, 'vigil.db') });
  const ctx = contextForStore(store);
  configureIntegrations(ctx, { secretKey: null, secretKeyFile: join(dir, 'vigil-secret.key') });
  await addUser(ctx, { id: 'admin', role: 'admin', password: PASSWORD, actor: 'e2e' });
  await addUser(ctx, { id: 'csm-1', role: 'csm', password: PASSWORD, actor: 'e2e' });
  await seedScoreFixtures(
    store,
    [
      {
        id: 'acme',
        owner: 'csm-1',
        traits: { hubspotId: '1001' },
        score: 42,
        band: 'critical',
        warning: 'Logins down 40%',
      },
      { id: 'globex', owner: 'csm-1', traits: { domain: 'globex.io' }, score: 81, band: 'healthy' },
      { id: 'initech', owner: 'csm-1', traits: { domain: 'initech.com' }, score: 60, band: 'at-risk' },
    ],
    new Date().toISOString(),
  );
  hs = await new HubspotTestServer().start();
  hs.companies.set('1001', { domain: 'acme.com' });
  hs.companies.set('1002', { domain: 'globex.io' });
  server = await startServer(ctx, { port: 0, host: '127.0.0.1', webRoot });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  mkdirSync(shots, { recursive: true });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await hs?.stop();
  await store?.close();
});

describe('Connections page', () => {
  it('an admin adds HubSpot, dry-runs, pushes and reads the sync log; the secret never comes back', async () => {
    const page = await signIn('admin');
    await page.click('nav >> text=Connections');
    await page.waitForSelector('h1:has-text("Connections")');
    await page.fill('input[aria-label="Connection id"]', 'hubspot');
    await page.selectOption('select[aria-label="Kind"]', 'hubspot');
    await page.fill('input[aria-label="accessToken"]', TOKEN);
    await page.fill(
      'textarea[aria-label="Settings"]',
      JSON.stringify({ baseUrl: hs.url, publicUrl: server.url }),
    );
    await page.click('button:has-text("Save")');
    await page.waitForSelector('text=Saved hubspot.');
    expect(await page.inputValue('input[aria-label="accessToken"]')).toBe('');
    await page.waitForSelector('table[aria-label="Connections"] >> text=accessToken');
    expect(await page.locator('table[aria-label="Connections"] .pill.healthy').first().textContent()).toBe(
      'set',
    );

    await page.click('button:has-text("Dry run")');
    await page.waitForSelector(
      '[data-testid="push-report"] >> text=dry run: 2 of 3 changed account(s) would be written',
    );
    expect(await page.locator('table[aria-label="Would be written"] tbody tr').count()).toBe(2);
    expect(hs.calls('POST', '/crm/v3/objects/companies/batch/update')).toHaveLength(0);

    await page.click('button:has-text("Push now")');
    await page.waitForSelector('[data-testid="push-report"] >> text=2 of 3 changed account(s) written');
    expect(hs.companies.get('1001')?.vigil_health_score).toBe('42');
    await page.waitForSelector('table[aria-label="Sync log of hubspot"] tbody tr:nth-child(2)');
    const statuses = await page
      .locator('table[aria-label="Sync log of hubspot"] tbody tr td:nth-child(3)')
      .allTextContents();
    expect(statuses).toEqual(['ok', 'dry-run']);
    await page.click('summary:has-text("unmatched")');
    await page.waitForSelector('text=initech: no hubspotId; no CRM record with domain initech.com');
    expect(await page.content()).not.toContain(TOKEN);
    await page.screenshot({ path: join(shots, 'connections-admin.png'), fullPage: true });
  });

  it('a CSM has no Connections link and cannot open the page', async () => {
    const page = await signIn('csm-1');
    expect(await page.locator('nav >> text=Connections').count()).toBe(0);
    await page.goto(`${server.url}/#/connections`);
    await page.waitForTimeout(300);
    expect(await page.locator('h1:has-text("Connections")').count()).toBe(0);
    const status = await page.evaluate(async () => (await fetch('/v1/connections')).status);
    expect(status).toBe(403);
    // the 401 of /v1/auth/me before signing in and the 403 just asked for are expected
    expect(consoleErrors.filter((e) => !/status of 40[13]/.test(e))).toEqual([]);
  });
});
