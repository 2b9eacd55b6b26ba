import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../store/database.ts';
import { listConnectionRows } from '../../store/queries/integrations/connection-rows.ts';
import { openTestStore, TEST_STORE_KINDS } from '../../store/test-stores.ts';
import { contextForStore, type EngineContext } from '../context.ts';
import { backupStore } from '../maintenance/backup-store.ts';
import {
  configureIntegrations,
  listConnections,
  loadConnection,
  loadConnectionsFile,
  saveConnection,
} from './connections.ts';

const TOKEN = 'pat-na1-5e3c7a1b-very-secret';

describe.each(TEST_STORE_KINDS)('connections (%s)', (kind) => {
  let store: Store;
  let ctx: EngineContext;
  afterEach(async () => {
    await store?.close();
  });
  const open = async (key: { secretKey?: string | null; secretKeyFile?: string }) => {
    store = await openTestStore(kind);
    ctx = contextForStore(store);
    configureIntegrations(ctx, { secretKey: null, ...key });
  };

  it('creates a 0600 key file on first use and keeps secrets only as AES-GCM ciphertext', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-key-'));
    const keyFile = join(dir, 'sub', 'vigil-secret.key');
    await open({ secretKeyFile: keyFile });
    const view = await saveConnection(
      ctx,
      { id: 'hubspot', kind: 'hubspot', secrets: { accessToken: TOKEN } },
      { source: 'api', actor: 'root' },
    );
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(view.secrets).toEqual({ accessToken: 'set' });
    expect(JSON.stringify(view)).not.toContain(TOKEN);
    const [row] = await listConnectionRows(store);
    expect(row?.secrets).not.toContain(TOKEN);
    expect(JSON.parse(row?.secrets ?? '{}').accessToken).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect((await loadConnection(ctx, 'hubspot')).secrets.accessToken).toBe(TOKEN);
    // the same key file is reused, not replaced
    const before = readFileSync(keyFile, 'utf8');
    configureIntegrations(ctx, { secretKey: null, secretKeyFile: keyFile });
    expect((await loadConnection(ctx, 'hubspot')).secrets.accessToken).toBe(TOKEN);
    expect(readFileSync(keyFile, 'utf8')).toBe(before);
    // saving settings without secrets keeps the stored secret
    await saveConnection(
      ctx,
      { id: 'hubspot', kind: 'hubspot', settings: { pushDelayMinutes: 1 } },
      { source: 'api', actor: 'root' },
    );
    expect((await loadConnection(ctx, 'hubspot')).secrets.accessToken).toBe(TOKEN);
    const audit = await store.db.selectFrom('audit_log').select('details').execute();
    expect(JSON.stringify(audit)).not.toContain(TOKEN);
  });

  it('a different key cannot read the secrets, and says which key is wrong', async () => {
    await open({ secretKey: Buffer.alloc(32, 1).toString('base64') });
    await saveConnection(
      ctx,
      {
        id: 'sf',
        kind: 'salesforce',
        settings: { instanceUrl: 'https://x.my.salesforce.com' },
        secrets: { accessToken: TOKEN },
      },
      { source: 'api', actor: 'root' },
    );
    configureIntegrations(ctx, { secretKey: Buffer.alloc(32, 2).toString('hex') });
    await expect(loadConnection(ctx, 'sf')).rejects.toThrow(
      /cannot decrypt the stored secret sf\/accessToken: the secret key/,
    );
    configureIntegrations(ctx, { secretKey: 'c2hvcnQ=' });
    await expect(loadConnection(ctx, 'sf')).rejects.toThrow(/VIGIL_SECRET_KEY must hold a 32-byte key/);
  });

  it('loads a YAML file with secrets from the environment; a bad file names line and field and saves nothing', async () => {
    await open({ secretKey: Buffer.alloc(32, 3).toString('base64') });
    const dir = mkdtempSync(join(tmpdir(), 'vigil-conn-'));
    const good = join(dir, 'connections.yaml');
    writeFileSync(
      good,
      [
        'connections:',
        '  - id: hubspot',
        '    kind: hubspot',
        '    secrets:',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: YAML placeholders for environment variables
        '      accessToken: ${HUBSPOT_TOKEN}',
        '  - id: slack',
        '    kind: slack',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: YAML placeholders for environment variables
        '    secrets: { botToken: "${SLACK_BOT}", signingSecret: "${SLACK_SIGNING}" }',
        '',
      ].join('\n'),
    );
    const r = await loadConnectionsFile(ctx, good, {
      actor: 'cli',
      env: { HUBSPOT_TOKEN: TOKEN, SLACK_BOT: 'xoxb-1', SLACK_SIGNING: 'sig' },
    });
    expect(r.saved).toEqual(['hubspot', 'slack']);
    const views = await listConnections(ctx);
    expect(views.map((v) => [v.id, v.source, v.secrets])).toEqual([
      ['hubspot', 'file', { accessToken: 'set' }],
      ['slack', 'file', { botToken: 'set', signingSecret: 'set' }],
    ]);

    const bad = join(dir, 'bad.yaml');
    writeFileSync(
      bad,
      [
        'connections:',
        '  - id: crm2',
        '    kind: salesforce',
        '    settings:',
        '      instanceUrl: not-a-url',
        '  - id: seg',
        '    kind: segment',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: YAML placeholders for environment variables
        '    secrets: { writeKey: "${SEGMENT_KEY}" }',
        '',
      ].join('\n'),
    );
    const err = await loadConnectionsFile(ctx, bad, { actor: 'cli', env: {} }).catch((e: Error) => e);
    expect((err as Error).message).toContain(
      `${bad}:5: connections[0].settings.instanceUrl: must be an http(s) URL`,
    );
    expect((err as Error).message).toContain(
      `${bad}:8: connections[1].secrets.writeKey: environment variable SEGMENT_KEY is not set`,
    );
    expect((await listConnections(ctx)).map((v) => v.id)).toEqual(['hubspot', 'slack']);
  });
});

describe('backups', () => {
  it('a backup of the database holds no secret in clear', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-bk-'));
    const store = await openStore({ url: join(dir, 'v.db') });
    try {
      const ctx = contextForStore(store);
      configureIntegrations(ctx, { secretKey: Buffer.alloc(32, 9).toString('base64') });
      await saveConnection(
        ctx,
        { id: 'stripe', kind: 'stripe', secrets: { webhookSecret: `whsec_${TOKEN}` } },
        { source: 'api', actor: 'root' },
      );
      const b = await backupStore(ctx, join(dir, 'backup.db'));
      expect(readFileSync(b.file).includes(Buffer.from(TOKEN))).toBe(false);
      expect(readFileSync(b.file).includes(Buffer.from('whsec_'))).toBe(false);
    } finally {
      await store.close();
    }
  });
});
