import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../store/database.ts';
import { TEST_PG_URL, TEST_STORE_KINDS } from '../../store/test-stores.ts';
import { contextForStore } from '../context.ts';
import { verifyStore } from '../maintenance/verify-store.ts';

// issue 20 item 1: two `vigil import` processes started at once on the same
// usage files (a cron job overlapping a manual run) count every event once.
const root = join(import.meta.dirname, '..', '..', '..');
const exited = (p: ChildProcess) => new Promise<number | null>((res) => p.on('exit', (code) => res(code)));
const ACCOUNTS = 40;
const FILES = 3;
const ROWS = 20_000;

describe.each(TEST_STORE_KINDS)('two concurrent imports on %s', (kind) => {
  it('leave usage totals equal to a single import and vigil verify passes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-concurrent-'));
    const data = join(dir, 'usage');
    mkdirSync(data);
    writeFileSync(
      join(dir, 'accounts.csv'),
      `id,name\n${Array.from({ length: ACCOUNTS }, (_, i) => `a${i},A${i}`).join('\n')}\n`,
    );
    // the oracle: every row has count 1, every third row is a login
    let logins = 0;
    let events = 0;
    for (let f = 0; f < FILES; f++) {
      const lines = ['id,account_id,contact_id,type,time,key,count'];
      for (let i = 0; i < ROWS; i++) {
        const n = f * ROWS + i;
        const day = `2025-01-${String(1 + (n % 28)).padStart(2, '0')}T09:00:00.000Z`;
        if (n % 3 === 0) {
          lines.push(`u${n},a${n % ACCOUNTS},c${n % 9},login,${day},,1`);
          logins++;
        } else lines.push(`u${n},a${n % ACCOUNTS},c${n % 9},feature_used,${day},f${n % 4},1`);
        events++;
      }
      writeFileSync(join(data, `usage-${f}.csv`), `${lines.join('\n')}\n`);
    }

    let url: string;
    let drop = async () => {};
    if (kind === 'sqlite') url = join(dir, 'v.db');
    else {
      const name = `vigil_ci_${randomBytes(4).toString('hex')}`;
      const admin = new pg.Client({ connectionString: TEST_PG_URL ?? '' });
      await admin.connect();
      await admin.query(`create database ${name}`);
      url = (TEST_PG_URL ?? '').replace(/\/[^/]*$/, `/${name}`);
      drop = async () => {
        await admin.query(`drop database if exists ${name} with (force)`).catch(() => {});
        await admin.end();
      };
    }
    try {
      const run = (args: string[]) =>
        spawn(process.execPath, [join(root, 'bin/vigil.js'), '--db', url, ...args], {
          cwd: root,
          stdio: ['ignore', 'pipe', 'pipe'],
          env: { ...process.env, VIGIL_LOG_LEVEL: 'error' },
        });
      expect(await exited(run(['import', join(dir, 'accounts.csv')]))).toBe(0);
      const a = run(['import', data]);
      const b = run(['import', data]);
      const errs: string[] = [];
      for (const p of [a, b]) p.stderr!.on('data', (c) => errs.push(String(c)));
      const codes = await Promise.all([exited(a), exited(b)]);
      expect({ codes, errs: errs.join('') }).toEqual({ codes: [0, 0], errs: '' });

      const store = await openStore({ url });
      const t = await store.db
        .selectFrom('usage_daily')
        .select([sql<number>`sum(logins)`.as('logins'), sql<number>`sum(events)`.as('events')])
        .executeTakeFirstOrThrow();
      expect({ logins: Number(t.logins), events: Number(t.events) }).toEqual({ logins, events });
      const report = await verifyStore(contextForStore(store));
      expect(report.checks.filter((c) => !c.ok)).toEqual([]);
      await store.close();
    } finally {
      await drop();
    }
  }, 180_000);
});
