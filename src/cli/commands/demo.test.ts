import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..', '..');

async function vigil(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [join(root, 'bin/vigil.js'), ...args], { cwd: root });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('vigil demo generate', () => {
  it('writes the files and prints a summary of what it wrote', async () => {
    const out = mkdtempSync(join(tmpdir(), 'vigil-demo-cli-'));
    const r = await vigil([
      'demo',
      'generate',
      '--out',
      out,
      '--accounts',
      '8',
      '--months',
      '3',
      '--seed',
      '3',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Demo portfolio written to ${out}`);
    // no --end-date: the demo ends today
    const today = new Date().toISOString().slice(0, 10);
    expect(r.stdout).toMatch(
      new RegExp(`accounts\\s+8 \\(\\d+ churned in the window\\), 3 months to ${today}, seed 3`),
    );
    for (const label of ['contracts', 'contacts', 'usage rows', 'events', 'time'])
      expect(r.stdout).toMatch(new RegExp(`\\n  ${label}\\s+[\\d,.]+`));
    expect(readdirSync(out)).toContain(`usage-${today.slice(0, 7)}.csv`);
    expect(readdirSync(out)).toContain('ground-truth.json');
  });

  it('prints the report as JSON with --json', async () => {
    const out = mkdtempSync(join(tmpdir(), 'vigil-demo-cli-'));
    const r = await vigil(['demo', 'generate', '--out', out, '--accounts', '4', '--months', '2', '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { accounts: number; months: number; usageRows: number };
    expect(report.accounts).toBe(4);
    expect(report.months).toBe(2);
    expect(report.usageRows).toBeGreaterThan(0);
  });

  it('exits 2 with a message on bad options', async () => {
    const out = mkdtempSync(join(tmpdir(), 'vigil-demo-cli-'));
    const bad = await vigil(['demo', 'generate', '--out', out, '--end-date', '2026-02-30']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('endDate');
    const zero = await vigil(['demo', 'generate', '--out', out, '--accounts', '0']);
    expect(zero.code).toBe(2);
    expect(readdirSync(out)).toEqual([]);
  });
});
