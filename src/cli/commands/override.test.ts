import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../store/database.ts';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..', '..');
const db = join(mkdtempSync(join(tmpdir(), 'vigil-override-cli-')), 'v.db');

async function vigil(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [join(root, 'bin/vigil.js'), '--db', db, ...args], { cwd: root });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('vigil override / score / explain', () => {
  beforeAll(async () => {
    const store = await openStore({ url: db });
    await store.db
      .insertInto('accounts')
      .values({
        id: 'a1',
        name: 'Acme',
        segment: 'smb',
        industry: null,
        owner: 'csm-1',
        parent_id: null,
        lifecycle_stage: 'active',
        created_at: '2024-01-01',
        traits: '{}',
        tags: '[]',
        updated_at: '2024-01-01T00:00:00Z',
      })
      .execute();
    await store.db
      .insertInto('contracts')
      .values({
        id: 'c1',
        account_id: 'a1',
        start_date: '2024-01-01',
        end_date: '2099-12-31',
        arr: 10_000,
        currency: 'USD',
        seats: 10,
        plan: null,
        products: '[]',
        status: 'active',
        churned_at: null,
        churn_reason: null,
      })
      .execute();
    await store.close();
  }, 30_000);

  it('scores, overrides with an audit trail, explains, and revokes', async () => {
    const scored = await vigil(['score']);
    expect(scored.code).toBe(0);
    expect(scored.stdout).toMatch(/scored 1 account\(s\) as of \d{4}-\d{2}-\d{2} with model v1/);
    const table = scored.stdout.split('\n').filter((l) => /^(healthy|at-risk|critical)\s+\d/.test(l));
    expect(table).toHaveLength(3);
    expect(table.map((l) => Number(l.split(/\s+/)[1])).reduce((a, b) => a + b, 0)).toBe(1);

    const noReason = await vigil(['override', 'a1', '--score', '20', '--expires', '2099-01-01']);
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toMatch(/--reason/);
    const unknown = await vigil(['override', 'zz', '--score', '20', '--reason', 'x', '--expires', in30()]);
    expect(unknown.code).toBe(2);

    const set = await vigil([
      'override',
      'a1',
      '--score',
      '20',
      '--reason',
      'sponsor left',
      '--expires',
      in30(),
      '--by',
      'ana',
      '--json',
    ]);
    expect(set.code).toBe(0);
    expect(JSON.parse(set.stdout)).toMatchObject({ accountId: 'a1', score: 20, band: 'critical', by: 'ana' });
    const shown = await vigil(['override', 'a1', '--json']);
    expect(JSON.parse(shown.stdout)).toMatchObject({ score: 20, reason: 'sponsor left' });

    const explained = await vigil(['explain', 'a1']);
    expect(explained.code).toBe(0);
    expect(explained.stdout).toMatch(/Acme \(a1\)/);
    expect(explained.stdout).toMatch(/coverage \d+%/);
    const json = JSON.parse((await vigil(['explain', 'a1', '--json'])).stdout);
    expect(json.signals.length).toBeGreaterThanOrEqual(38);
    expect(json.score).toBeGreaterThanOrEqual(0);

    const store = await openStore({ url: db });
    const cur = await store.db.selectFrom('current_scores').selectAll().executeTakeFirstOrThrow();
    expect(Number(cur.override_score)).toBe(20);
    const audit = await store.db.selectFrom('audit_log').select(['actor', 'action']).execute();
    expect(audit).toEqual([{ actor: 'ana', action: 'score.override' }]);
    await store.close();

    const revoked = await vigil(['override', 'a1', '--revoke', '--reason', 'mistake', '--by', 'ana']);
    expect(revoked.stdout).toMatch(/revoked/);
    expect((await vigil(['override', 'a1'])).stdout).toMatch(/no override in force/);
  }, 60_000);
});

function in30() {
  return new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
}
