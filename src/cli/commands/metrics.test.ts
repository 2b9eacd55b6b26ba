import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../store/database.ts';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..', '..');
const db = join(mkdtempSync(join(tmpdir(), 'vigil-metrics-cli-')), 'v.db');

async function vigil(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [join(root, 'bin/vigil.js'), '--db', db, ...args], { cwd: root });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

const account = (id: string, segment: string) => ({
  id,
  name: id,
  segment,
  industry: null,
  owner: 'csm-1',
  parent_id: null,
  lifecycle_stage: 'active',
  created_at: '2024-01-01',
  traits: '{}',
  tags: '[]',
  updated_at: '2024-01-01T00:00:00Z',
});
const contract = (
  id: string,
  accountId: string,
  start: string,
  end: string,
  arr: number,
  currency = 'USD',
) => ({
  id,
  account_id: accountId,
  start_date: start,
  end_date: end,
  arr,
  currency,
  seats: null,
  plan: 'pro',
  products: '[]',
  status: 'active',
  churned_at: null,
  churn_reason: null,
});

describe('vigil metrics', () => {
  beforeAll(async () => {
    const store = await openStore({ url: db });
    await store.db
      .insertInto('accounts')
      .values([account('a1', 'smb'), account('a2', 'smb'), account('a3', 'ent')])
      .execute();
    // 2025-Q2: a1 steady 10,000; a2 leaves at 2025-04-30 (4,000); a3 pays in EUR
    await store.db
      .insertInto('contracts')
      .values([
        contract('c1', 'a1', '2025-01-01', '2025-12-31', 10_000),
        contract('c2', 'a2', '2025-01-01', '2025-04-30', 4_000),
        contract('c3', 'a3', '2025-01-01', '2025-12-31', 1_000, 'EUR'),
      ])
      .execute();
    await store.close();
  }, 60_000);

  it('prints GRR, NRR, movements, band split, time to value and the conventions', async () => {
    const r = await vigil([
      'metrics',
      '--period',
      'quarter',
      '--from',
      '2025-04-01',
      '--to',
      '2025-06-30',
      '--segment',
      'smb',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const line = r.stdout.split('\n').find((l) => l.startsWith('2025-Q2'))!;
    expect(line).toContain('14,000'); // start ARR
    expect(line).toContain('71.4%'); // GRR = NRR = 10,000 / 14,000
    expect(line).toContain('50.0%'); // logos 1 of 2
    expect(r.stdout).toMatch(/retention by health band at the start of 2025-Q2/);
    expect(r.stdout).toMatch(/time to value: median n\/d days/);
    expect(r.stdout).toMatch(/conventions: currency USD; GRR per-customer cap on; movements per period/);
    // issue 19 item 6: a header row, aligned columns, no raw JSON line in human output
    const lines = r.stdout.split('\n');
    const header = lines.find((l) => l.startsWith('period'))!;
    expect(header).toMatch(/^period\s+start ARR\s+new\s+reactivation.*GRR\s+NRR\s+logos\s+quick$/);
    expect(header.indexOf('start ARR') + 'start ARR'.length).toBe(line.indexOf('14,000') + '14,000'.length);
    expect(lines.filter((l) => /[{}]/.test(l))).toEqual([]);
  }, 30_000);

  it('--json returns the report with its conventions; a mixed currency without a rate is a clear error', async () => {
    const bad = await vigil(['metrics', '--from', '2025-04-01', '--to', '2025-06-30', '--json']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/EUR.*no rate to USD/);
    const ok = await vigil([
      'metrics',
      '--from',
      '2025-04-01',
      '--to',
      '2025-06-30',
      '--rate',
      'EUR=2',
      '--json',
    ]);
    expect(ok.code).toBe(0);
    const report = JSON.parse(ok.stdout) as {
      conventions: { rates: Record<string, number> };
      periods: { label: string; startArr: number; grr: { value: number } }[];
    };
    expect(report.conventions.rates).toEqual({ EUR: 2 });
    expect(report.periods[0]).toMatchObject({ label: '2025-Q2', startArr: 16_000 });
    expect(report.periods[0]!.grr.value).toBe(0.75);
  }, 30_000);

  it('prints "n/d" for a scope without customers, and cohorts as JSON', async () => {
    const empty = await vigil(['metrics', '--from', '2025-04-01', '--to', '2025-06-30', '--segment', 'none']);
    expect(empty.code).toBe(0);
    expect(empty.stdout).toMatch(/2025-Q2.*n\/d/);
    expect(empty.stdout).not.toMatch(/NaN/);
    const c = await vigil(['metrics', 'cohorts', '--by', 'month', '--segment', 'smb', '--json']);
    expect(c.code).toBe(0);
    const cohorts = JSON.parse(c.stdout) as {
      by: string;
      rows: { cohort: string; customers: number; logo: number[] }[];
    };
    expect(cohorts.by).toBe('month');
    expect(cohorts.rows[0]).toMatchObject({ cohort: '2025-01', customers: 2 });
    // a2 leaves at the end of April: the fourth month keeps half the logos
    expect(cohorts.rows[0]!.logo.slice(0, 5)).toEqual([1, 1, 1, 1, 0.5]);
    // options after the subcommand reach it (they share names with the parent's)
    const human = await vigil(['metrics', 'cohorts', '--rate', 'EUR=2']);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^2025-Q1\s+3\s+100\s+67/m);
    expect(human.stdout).toMatch(/^2025-Q1\s+16,000\s+100\s+75/m);
    expect(human.stdout).toContain('currency USD (rates EUR=2)');
    expect(human.stdout).toMatch(/^cohort\s+customers\s+q0\s+q1/m);
  }, 30_000);
});
