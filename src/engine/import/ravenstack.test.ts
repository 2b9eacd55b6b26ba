import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMapping } from '../../core/import/mapping.ts';
import type { Store } from '../../store/database.ts';
import { openTestStore, TEST_STORE_KINDS } from '../../store/test-stores.ts';
import { contextForStore, type EngineContext, fixedClock } from '../context.ts';
import { type ImportReport, importFiles } from './import-files.ts';

// The real public export (see its PROVENANCE.md), read in place and never copied into the repo.
const ROOT = resolve(import.meta.dirname, '../../..');
// shared/data/ravenstack beside the checkout or beside one of its parent folders (a git worktree
// under the checkout's parent finds it too); VIGIL_RAVENSTACK_DIR points elsewhere
function findShared(from: string): string {
  for (let dir = resolve(from, '..'); ; dir = resolve(dir, '..')) {
    const candidate = join(dir, 'shared/data/ravenstack');
    if (existsSync(join(candidate, 'ravenstack_accounts.csv'))) return candidate;
    if (resolve(dir, '..') === dir) return resolve(from, '../shared/data/ravenstack');
  }
}
const DATA = resolve(process.env.VIGIL_RAVENSTACK_DIR ?? findShared(ROOT));
const MAPPING = join(ROOT, 'examples/ravenstack/mapping.yaml');
const present = existsSync(join(DATA, 'ravenstack_accounts.csv'));
if (!present) console.warn(`skipping the RavenStack import test: ${DATA} is absent`);

/** The oracle: DuckDB reads the same CSVs with its own parser and answers in SQL. */
async function duck(sqlText: string): Promise<unknown[][]> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    const reader = await conn.runAndReadAll(sqlText.replaceAll('$DATA', DATA));
    return reader.getRows().map((r) => r.map((v) => (typeof v === 'bigint' ? Number(v) : v)));
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}
const csv = (name: string) => `read_csv('$DATA/ravenstack_${name}.csv', header = true, all_varchar = true)`;

describe.skipIf(!present).each(TEST_STORE_KINDS)(
  'RavenStack export through examples/ravenstack/mapping.yaml on %s',
  (kind) => {
    let store: Store;
    let ctx: EngineContext;
    let report: ImportReport;
    beforeAll(async () => {
      store = await openTestStore(kind);
      ctx = contextForStore(store, { clock: fixedClock('2025-06-01T00:00:00Z') });
      const mapping = parseMapping(readFileSync(MAPPING, 'utf8'), MAPPING);
      report = await importFiles(ctx, { paths: [DATA], mapping });
    }, 120_000);
    afterAll(async () => {
      await store?.close();
    });

    it('loads every file with zero rejects, and every file’s counts reconcile', async () => {
      const lines = await duck(
        ['accounts', 'subscriptions', 'feature_usage', 'support_tickets', 'churn_events']
          .map((n) => `select '${n}', count(*) from ${csv(n)}`)
          .join(' union all '),
      );
      const rowsOf = new Map(lines.map(([n, c]) => [`ravenstack_${n}.csv`, c as number]));
      expect(report.files).toHaveLength(7); // tickets feed three entries
      for (const f of report.files) {
        expect(f.status).toBe('imported');
        expect(f.rejected, `${f.path}: ${JSON.stringify(f.rejects.slice(0, 3))}`).toBe(0);
        expect(f.rows).toBe(rowsOf.get(f.path.split('/').pop()!));
        expect(f.accepted + f.updated + f.duplicates + f.rejected + f.ignored).toBe(f.rows);
      }
      expect(report.warnings).toEqual([]);
      const [[escalated]] = (await duck(
        `select count(*) from ${csv('support_tickets')} where escalation_flag = 'True'`,
      )) as [[number]];
      const esc = report.files.find((f) => f.entry === 'tickets-escalated')!;
      expect([esc.accepted, esc.ignored]).toEqual([escalated, 2000 - escalated]);
    });

    it('keeps open-ended subscriptions open-ended, with billing period and auto-renew', async () => {
      const [[open, monthly, autoRenew, trials, churned]] = (await duck(`select
      count(*) filter (where end_date is null), count(*) filter (where billing_frequency = 'monthly'),
      count(*) filter (where auto_renew_flag = 'True'), count(*) filter (where is_trial = 'True'),
      count(*) filter (where churn_flag = 'True') from ${csv('subscriptions')}`)) as [number[]];
      const rows = await store.db
        .selectFrom('contracts')
        .select(['end_date', 'billing_period', 'auto_renew', 'trial', 'status'])
        .execute();
      expect(rows).toHaveLength(5000);
      expect(rows.filter((r) => r.end_date === null)).toHaveLength(open!);
      expect(rows.filter((r) => r.billing_period === 'month')).toHaveLength(monthly!);
      expect(rows.filter((r) => r.billing_period === 'year')).toHaveLength(5000 - monthly!);
      expect(rows.filter((r) => Number(r.auto_renew) === 1)).toHaveLength(autoRenew!);
      expect(rows.filter((r) => Number(r.trial) === 1)).toHaveLength(trials!);
      expect(rows.filter((r) => r.status === 'churned')).toHaveLength(churned!);
      // no sentinel end dates anywhere
      expect(rows.some((r) => r.end_date !== null && r.end_date > '2090-01-01')).toBe(false);
      const history = await store.db.selectFrom('contract_status_history').select('status').execute();
      expect(history).toHaveLength(5000);
    });

    it('reaches each usage row’s account through the subscriptions file (per-account totals equal a SQL join)', async () => {
      const expected = await duck(`select s.account_id, sum(cast(u.usage_count as bigint))
      from ${csv('feature_usage')} u join ${csv('subscriptions')} s using (subscription_id)
      group by 1 order by 1`);
      const got = await store.db
        .selectFrom('feature_monthly')
        .select(['account_id'])
        .select((eb) => eb.fn.sum<number>('count').as('n'))
        .groupBy('account_id')
        .orderBy('account_id')
        .execute();
      expect(got.map((r) => [r.account_id, Number(r.n)])).toEqual(expected);
    });

    it('imports tickets with typed properties (priority, CSAT as a number, escalation)', async () => {
      const [[csatCount, csatSum, urgent, medium]] = (await duck(`select
      count(satisfaction_score), sum(cast(satisfaction_score as double)),
      count(*) filter (where priority = 'urgent'), count(*) filter (where priority = 'medium')
      from ${csv('support_tickets')}`)) as [number[]];
      const events = await store.db
        .selectFrom('events')
        .select(['type', 'properties'])
        .where('type', 'in', ['ticket_opened', 'ticket_closed'])
        .execute();
      const props = events.map((e) => ({
        type: e.type,
        p: JSON.parse(e.properties) as Record<string, unknown>,
      }));
      const closed = props.filter((e) => e.type === 'ticket_closed');
      const withCsat = closed.filter((e) => e.p.csat !== undefined);
      expect(withCsat).toHaveLength(csatCount!);
      expect(withCsat.every((e) => typeof e.p.csat === 'number')).toBe(true);
      expect(withCsat.reduce((s, e) => s + (e.p.csat as number), 0)).toBeCloseTo(csatSum!, 6);
      const opened = props.filter((e) => e.type === 'ticket_opened');
      expect(opened.filter((e) => e.p.priority === 'urgent')).toHaveLength(urgent!);
      expect(opened.filter((e) => e.p.priority === 'normal')).toHaveLength(medium!); // medium → normal
      expect(opened.filter((e) => e.p.escalated === true)).toHaveLength(
        report.files.find((f) => f.entry === 'tickets-escalated')!.accepted,
      );
    });

    it('maps churn reasons into the churn_event taxonomy, with refund, reactivation and feedback', async () => {
      const expected = await duck(
        `select reason_code, count(*), round(sum(cast(refund_amount_usd as double)), 2),
        count(*) filter (where is_reactivation = 'True'), count(nullif(feedback_text, ''))
       from ${csv('churn_events')} group by 1 order by 1`,
      );
      const rows = await store.db
        .selectFrom('events')
        .select('properties')
        .where('type', '=', 'churn_event')
        .execute();
      const by = new Map<string, [number, number, number, number]>();
      for (const r of rows) {
        const p = JSON.parse(r.properties) as {
          reasonCode: string;
          refund?: number;
          reactivation: boolean;
          feedback?: string;
        };
        const t = by.get(p.reasonCode) ?? [0, 0, 0, 0];
        by.set(p.reasonCode, [
          t[0] + 1,
          t[1] + (p.refund ?? 0),
          t[2] + (p.reactivation ? 1 : 0),
          t[3] + (p.feedback ? 1 : 0),
        ]);
      }
      const got = [...by]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, [n, refund, re, fb]]) => [k, n, Math.round(refund * 100) / 100, re, fb]);
      expect(got).toEqual(expected);
    });

    it('re-imports as unchanged, counting nothing twice', async () => {
      const before = await store.db
        .selectFrom('events')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      const mapping = parseMapping(readFileSync(MAPPING, 'utf8'), MAPPING);
      const again = await importFiles(ctx, { paths: [DATA], mapping });
      expect(again.accepted + again.updated + again.rejected).toBe(0);
      expect(again.duplicates).toBe(again.rows);
      const after = await store.db
        .selectFrom('events')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(after.n)).toBe(Number(before.n));
    });
  },
);
