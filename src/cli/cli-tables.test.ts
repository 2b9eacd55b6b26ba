import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { addUser } from '../engine/auth/users.ts';
import { contextForStore } from '../engine/context.ts';
import { generateDemo } from '../engine/demo/generate-demo.ts';
import { importFiles } from '../engine/import/import-files.ts';
import { recomputeScores } from '../engine/scoring/recompute-scores.ts';
import { openStore } from '../store/database.ts';

// issue 19 item 6: tables for people (header row, aligned, rounded numbers), --json unchanged, a
// mistyped --db refused with exit 2, `users add NAME --password-stdin` updating without --role.
// Each spawn costs ~0.3 s: a few, on one small demo database.
const root = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'vigil-cli-tables-'));
const db = join(dir, 'vigil.db');

function vigil(args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = execFile(
      process.execPath,
      [join(root, 'bin/vigil.js'), ...args],
      { cwd: root },
      (e, stdout, stderr) => done({ code: e ? ((e as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin?.end(input ?? '');
  });
}

/** The column of `header` ends where each row's value ends (right-aligned) or starts where they start. */
function columnOf(text: string, header: string) {
  const lines = text.trimEnd().split('\n');
  const head = lines[0]!;
  const at = head.indexOf(header);
  expect(at, `${header} in ${head}`).toBeGreaterThanOrEqual(0);
  return { head, rows: lines.slice(1), start: at, end: at + header.length };
}

beforeAll(async () => {
  const data = join(dir, 'demo');
  mkdirSync(data);
  await generateDemo({ outDir: data, accounts: 12, months: 4, seed: 5, endDate: '2026-06-30' });
  const store = await openStore({ url: db });
  const ctx = contextForStore(store);
  await importFiles(ctx, { paths: [data] });
  await recomputeScores(ctx, { all: true });
  await addUser(ctx, { id: 'lead', role: 'manager', name: 'Lea Lead', actor: 'test' });
  await store.close();
}, 120_000);

describe('vigil tables', () => {
  it('accounts: a header row, ARR right-aligned with thousands separators, --json unchanged', async () => {
    const r = await vigil(['--db', db, 'accounts', '--sort', 'arr']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const table = r.stdout.slice(0, r.stdout.lastIndexOf('\n', r.stdout.length - 2) + 1);
    const arr = columnOf(table, 'ARR');
    expect(arr.head).toMatch(/^ID\s+NAME\s+SEGMENT\s+OWNER\s+ARR\s+RENEWAL\s+SCORE\s+BAND$/);
    const json = await vigil(['--db', db, 'accounts', '--json']);
    const accounts = JSON.parse(json.stdout) as { id: string; arr: number }[];
    expect(accounts.length).toBeGreaterThan(3);
    expect(typeof accounts[0]!.arr).toBe('number');
    expect(arr.rows.length).toBe(accounts.length);
    for (const row of arr.rows) {
      const cell = row.slice(0, arr.end).split(/\s+/).at(-1)!;
      expect(cell, row).toMatch(/^\d{1,3}(,\d{3})*$/);
      expect(row[arr.end], row).toBe(' ');
    }
    expect(r.stdout).not.toMatch(/\d\.\d{4,}/); // no 1.1520000000000001
    expect(r.stdout.endsWith(`\n${accounts.length} account(s)\n`)).toBe(true);
  });

  it('model list: versions as a table with a header', async () => {
    const r = await vigil(['--db', db, 'model', 'list']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(
      /^VERSION\s+STATUS\s+NAME\s+CREATED\s+APPROVED BY\s+AUC\s+MEDIAN LEAD\s+HORIZON$/,
    );
    expect(r.stdout).toMatch(/^v1\s+active\s+/m);
  });

  it('playbooks and sources: header rows, counts right-aligned, no raw JSON', async () => {
    const pb = await vigil(['--db', db, 'playbooks']);
    expect(pb.code).toBe(0);
    const t = columnOf(pb.stdout, 'OPEN TASKS');
    expect(t.head).toMatch(/^ON\s+PLAYBOOK\s+VERSION\s+TRIGGER\s+FIRED 30D\s+SUPPRESSED 30D\s+OPEN TASKS$/);
    expect(t.rows.length).toBeGreaterThan(3);
    for (const row of t.rows) expect(row.slice(0, t.end), row).toMatch(/\d$/);
    const out = await vigil(['--db', db, 'playbooks', 'outcomes']);
    expect(out.code).toBe(0);
    expect(out.stdout.split('\n')[0]).toMatch(
      /^PLAYBOOK\s+TOUCHED\s+RECOVERED\s+RENEWED\s+CHURNED\s+HOLDOUT\s+RECOVERED\s+RENEWED\s+CHURNED\s+LIFT$/,
    );
    const src = await vigil(['--db', db, 'sources']);
    expect(src.code).toBe(0);
    expect(src.stdout.split('\n')[1]).toMatch(
      /^source\s+status\s+first\s+last\s+accounts\s+rows\/day\s+last seen\s+signals fed$/,
    );
    expect(`${pb.stdout}${src.stdout}`).not.toMatch(/^\s*[[{]/m);
  });

  it('--db naming a missing folder or a file that is not a Vigil database: exit 2, nothing created', async () => {
    const missing = await vigil(['--db', join(dir, 'no-such-folder', 'v.db'), 'accounts']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/folder|director/i);
    expect(existsSync(join(dir, 'no-such-folder'))).toBe(false);
    const csv = join(dir, 'accounts.csv');
    writeFileSync(csv, 'id,name\na,b\n');
    const notDb = await vigil(['--db', csv, 'accounts']);
    expect(notDb.code).toBe(2);
    expect(notDb.stderr).toMatch(/not a Vigil database|not a SQLite|--create/i);
  });

  it('users add NAME --password-stdin updates a user without --role', async () => {
    const r = await vigil(
      ['--db', db, 'users', 'add', 'lead', '--password-stdin'],
      'a long enough password 42\n',
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^lead: manager.*can log in/);
  });
});
