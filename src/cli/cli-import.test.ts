import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');

async function vigil(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [join(root, 'bin/vigil.js'), ...args], { cwd: root });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

// The README's worked example, run the way a user runs it.
describe('vigil import (the README example)', () => {
  const db = join(mkdtempSync(join(tmpdir(), 'vigil-cli-')), 'v.db');

  it('imports a foreign export through its mapping, reports each reject and exits 2', async () => {
    const r = await vigil([
      '--db',
      db,
      'import',
      'examples/crm-export',
      '--mapping',
      'examples/crm-export/mapping.yaml',
    ]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('examples/crm-export/subscriptions.csv:6 account_id: unknown account "C-104"');
    expect(r.stdout).toContain(
      `examples/crm-export/tracks-2025-05.csv:9 event: event name "Feature Flag Toggled" is not in the mapping's taxonomy`,
    );
    expect(r.stdout).toMatch(/21 rows, 18 accepted, 0 updated, 0 duplicates, 2 rejected, 1 ignored/);
  });

  // a file with rejects is read again (only fully accepted content counts as imported, issue 20
  // item 2): its good rows are duplicates, its 2 bad rows are reported again (exit 2) and
  // supersede the earlier rejects, so the list below still has 2
  it('a second import of the same files adds nothing and reports the same rejects again', async () => {
    const r = await vigil([
      '--db',
      db,
      'import',
      'examples/crm-export',
      '--mapping',
      'examples/crm-export/mapping.yaml',
    ]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/0 accepted, 0 updated, 18 duplicates, 2 rejected/);
  });

  it('lists the rejects and the accounts', async () => {
    const rejects = await vigil(['--db', db, 'rejects', 'list', '--json']);
    expect(JSON.parse(rejects.stdout)).toHaveLength(2);
    const accounts = await vigil(['--db', db, 'accounts', 'list', '--json', '--as-of', '2025-06-01']);
    const rows = JSON.parse(accounts.stdout) as { id: string; arr: number; segment: string }[];
    // C-101 cancelled its only subscription: a churned account leaves the default list (core/lifecycle)
    expect(rows.map((a) => a.id).sort()).toEqual(['C-100', 'C-102', 'C-103']);
    expect(rows.find((a) => a.id === 'C-100')).toMatchObject({ arr: 150_000, segment: 'enterprise' });
  });

  it('a mapping mistake names the file, line and field, exits 2 and imports nothing', async () => {
    const r = await vigil([
      '--db',
      db,
      'import',
      'examples/crm-export',
      '--mapping',
      'examples/crm-export/customers.csv',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/customers.csv:1/);
  });
});
