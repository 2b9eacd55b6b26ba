import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { computeScore } from '../src/core/scoring/compute-score.ts';
import { contextForStore, type EngineContext, fixedClock } from '../src/engine/context.ts';
import { importFiles } from '../src/engine/import/import-files.ts';
import { AccountCache } from '../src/engine/scoring/account-cache.ts';
import { getActiveModel } from '../src/engine/scoring/get-active-model.ts';
import { recomputeScores } from '../src/engine/scoring/recompute-scores.ts';
import { openStore, type Store } from '../src/store/database.ts';
import { loadAccountsData, USAGE_LOOKBACK_DAYS } from '../src/store/queries/load-account-data.ts';
import type { BenchOptions, BenchRow } from './bench-row.ts';
import { benchPortfolio } from './import.bench.ts';

/**
 * Full-portfolio scoring with drivers: load every account's data, compute 38
 * signals and the explained score, store history and current scores. The
 * reference computes a handful of the same engagement aggregates per account
 * as one SQL query in SQLite over the same rollups.
 */
export default async function run({ quick }: BenchOptions): Promise<BenchRow[]> {
  const accounts = quick ? 500 : 2000;
  const dir = await benchPortfolio(accounts);
  const work = join(tmpdir(), `vigil-bench-score-${process.pid}`);
  mkdirSync(work, { recursive: true });
  try {
    const store = await openStore({ url: join(work, 'v.db') });
    const ctx = contextForStore(store, { clock: fixedClock('2026-11-15T12:00:00Z') });
    await importFiles(ctx, { paths: [dir] });
    const asOf = '2026-11-15';
    const rss0 = process.memoryUsage().rss;
    const t0 = performance.now();
    const r = await recomputeScores(ctx, { all: true, asOf });
    const fullMs = performance.now() - t0;
    const rss1 = process.memoryUsage().rss;
    // compute only, data already in memory
    const model = await getActiveModel(store);
    const ids = (await store.db.selectFrom('accounts').select('id').execute()).map((x) => x.id);
    const tl = performance.now();
    const data = await loadAccountsData(store, ids, asOf, model.model.lookbackDays);
    const loadMs = performance.now() - tl;
    const tc = performance.now();
    for (const d of data.values()) computeScore(d, model.model, asOf);
    const computeMs = performance.now() - tc;
    // Portfolio-size scaling of the scoring step itself (issue targets: 10,000 in < 1 s, 100,000 in < 10 s).
    // The loaded accounts are replicated under new ids (arrays shared), so this measures computing
    // 38 signals + drivers per account with the data in memory, not loading or storing it.
    const base = [...data.values()];
    const scaling: { n: number; s: number; peakMb: number }[] = [];
    for (const n of quick ? [10_000] : [10_000, 100_000]) {
      const rssBefore = process.memoryUsage().rss;
      let peak = rssBefore;
      const ts = performance.now();
      for (let i = 0; i < n; i++) {
        const d = base[i % base.length]!;
        computeScore({ ...d, account: { ...d.account, id: `${d.account.id}-${i}` } }, model.model, asOf);
        if (i % 2000 === 0) peak = Math.max(peak, process.memoryUsage().rss);
      }
      scaling.push({
        n,
        s: (performance.now() - ts) / 1000,
        peakMb: Math.max(peak, process.memoryUsage().rss) / 1e6,
      });
    }
    const refMs = await referenceMs(store, asOf);
    const e2e = await endToEnd(
      store,
      ctx,
      asOf,
      model.model.lookbackDays,
      quick ? [10_000] : [10_000, 100_000],
    );
    await store.close();
    const w = `score ${r.scored.toLocaleString('en-US')} accounts (38 signals, drivers)`;
    return [
      {
        workload: w,
        metric: 'full rescore: load, score, store',
        vigil: r.scored / (fullMs / 1000),
        reference: r.scored / (refMs / 1000),
        referenceName: 'SQLite: 4 engagement aggregates in one query',
        unit: 'accounts/s',
        lowerIsBetter: false,
      },
      {
        workload: w,
        metric: 'load account data',
        vigil: loadMs / 1000,
        reference: null,
        referenceName: null,
        unit: 's',
        lowerIsBetter: true,
      },
      {
        workload: w,
        metric: 'compute scores (in memory)',
        vigil: r.scored / (computeMs / 1000),
        reference: null,
        referenceName: null,
        unit: 'accounts/s',
        lowerIsBetter: false,
      },
      ...scaling.flatMap(({ n, s: secs, peakMb }) => [
        {
          workload: `score ${n.toLocaleString('en-US')} accounts in memory (38 signals, drivers)`,
          metric: 'compute time',
          vigil: secs,
          reference: null,
          referenceName: null,
          unit: 's',
          lowerIsBetter: true,
          note: `target < ${n / 10_000} s; loading and storing not included`,
        },
        {
          workload: `score ${n.toLocaleString('en-US')} accounts in memory (38 signals, drivers)`,
          metric: 'peak RSS',
          vigil: peakMb,
          reference: null,
          referenceName: null,
          unit: 'MB',
          lowerIsBetter: true,
        },
      ]),
      ...e2e,
      {
        workload: w,
        metric: 'RSS growth during rescore',
        vigil: (rss1 - rss0) / 1e6,
        reference: null,
        referenceName: null,
        unit: 'MB',
        lowerIsBetter: true,
      },
    ];
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The reference: 4 engagement aggregates per account over the same rollups, one SQL query in SQLite. */
async function referenceMs(store: Store, asOf: string): Promise<number> {
  const tr = performance.now();
  await sql`select u.account_id, sum(u.logins) as logins, sum(u.events) as events,
      (select count(distinct contact_id) from user_monthly m where m.account_id = u.account_id and m.month >= '2026-10') as active,
      (select count(distinct feature) from feature_monthly f where f.account_id = u.account_id and f.month >= '2026-09') as features
    from usage_daily u where u.day > '2026-10-16' and u.day <= ${asOf} group by u.account_id`.execute(
    store.db,
  );
  return performance.now() - tr;
}

const cpuSeconds = (since: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1e6;
};

/**
 * Issue 21's end-to-end targets. The imported portfolio is replicated in the store under new ids
 * (`<id>~<k>`, only the rows inside the scoring window: events of the model's look-back, usage of
 * the last 126 days) up to each size, then rescored as the server does it: the first full rescore
 * loads every account and fills the process's columnar cache, the second finds it warm, then 50
 * accounts marked in the dirty ledger are rescored through the claim path (the worker's).
 * Wall time next to the SQL reference over the same store in the same run; CPU seconds of this
 * process in the note (the machine is shared).
 */
async function endToEnd(
  store: Store,
  base: EngineContext,
  asOf: string,
  lookbackDays: number,
  sizes: number[],
): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const originals = await store.accounts.listIds();
  const eventsFrom = minusDays(asOf, lookbackDays);
  const usageFrom = minusDays(asOf, USAGE_LOOKBACK_DAYS);
  let copies = 0;
  for (const n of sizes) {
    const want = Math.ceil(n / originals.length) - 1;
    const tRep = performance.now();
    if (want > copies) await replicateAccounts(store, copies + 1, want, eventsFrom, usageFrom);
    const repS = (performance.now() - tRep) / 1000;
    copies = Math.max(copies, want);
    const total = (await store.accounts.listIds()).length;
    await store.dirty.clearAll();
    // the cache's default bound (20,000 accounts): beyond it a full rescore loads every account
    const cache = new AccountCache();
    const bounded = total > cache.maxAccounts;
    const ctx: EngineContext = { ...base, scoringCache: cache };
    const refMs = await referenceMs(store, asOf);
    const label = `score ${total.toLocaleString('en-US')} accounts end to end (38 signals, drivers; replicated)`;
    const note = `${originals.length.toLocaleString('en-US')} imported accounts replicated ${copies}x in the store (${repS.toFixed(0)} s)`;
    let c = process.cpuUsage();
    let t = performance.now();
    const cold = await recomputeScores(ctx, { all: true, asOf, batchSize: 500 });
    const coldS = (performance.now() - t) / 1000;
    const coldCpu = cpuSeconds(c);
    const rss = process.memoryUsage().rss / 1e6;
    const coldRow: BenchRow = {
      workload: label,
      metric: 'first full rescore: load (fills the cache), score, store',
      vigil: coldS,
      reference: refMs / 1000,
      referenceName: 'SQLite: 4 engagement aggregates in one query, same store',
      unit: 's',
      lowerIsBetter: true,
      note: `${cold.scored} scored, CPU ${coldCpu.toFixed(1)} s, RSS ${rss.toFixed(0)} MB; target < ${n / 5_000} s; ${note}`,
    };
    rows.push(coldRow);
    if (bounded) {
      coldRow.metric = 'full rescore: load, score, store';
      coldRow.note += `; more accounts than the cache holds (${cache.maxAccounts.toLocaleString('en-US')}): every rescore loads`;
      continue;
    }
    c = process.cpuUsage();
    t = performance.now();
    const warm = await recomputeScores(ctx, { all: true, asOf, batchSize: 500 });
    const warmS = (performance.now() - t) / 1000;
    const warmCpu = cpuSeconds(c);
    rows.push({
      workload: label,
      metric: 'full rescore, warm cache: score, store',
      vigil: warmS,
      reference: refMs / 1000,
      referenceName: 'SQLite: 4 engagement aggregates in one query, same store',
      unit: 's',
      lowerIsBetter: true,
      note: `${warm.scored} scored, CPU ${warmCpu.toFixed(1)} s; target < ${n / 5_000} s end to end; cache ${cache.size} accounts`,
    });
    // incremental: 50 accounts marked dirty, rescored through the claim path with the warm cache
    const ids = (await store.accounts.listIds()).filter((_, i) => i % 97 === 0).slice(0, 50);
    const runs: number[] = [];
    c = process.cpuUsage();
    for (let i = 0; i < 3; i++) {
      await store.dirty.mark(ids, new Date(Date.parse(`${asOf}T12:00:00Z`) + i * 1000).toISOString());
      t = performance.now();
      const r = await recomputeScores(ctx, { asOf });
      runs.push(performance.now() - t);
      if (r.scored !== ids.length)
        throw new Error(`incremental rescore scored ${r.scored}, expected ${ids.length}`);
    }
    runs.sort((a, b) => a - b);
    rows.push({
      workload: label,
      metric: '50 dirty accounts, incremental (claim, reload the 50, score, store, release)',
      vigil: runs[1]!,
      reference: null,
      referenceName: null,
      unit: 'ms',
      lowerIsBetter: true,
      note: `median of 3 (${runs.map((x) => x.toFixed(0)).join(', ')} ms; CPU ${((cpuSeconds(c) * 1000) / 3).toFixed(0)} ms per round incl. marking); target < 50 ms`,
    });
  }
  return rows;
}

const minusDays = (iso: string, days: number) =>
  new Date(Date.parse(`${iso}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);

/** Copies k = from..to of every imported account under `<id>~<k>`, only rows inside the scoring window. */
async function replicateAccounts(
  store: Store,
  from: number,
  to: number,
  eventsFrom: string,
  usageFrom: string,
) {
  const orig = (col: string) => sql.raw(`instr(${col}, '~') = 0`);
  for (let k = from; k <= to; k++) {
    const s = `~${k}`;
    await store.db.transaction().execute(async (trx) => {
      await sql`insert into accounts (id, name, segment, industry, owner, parent_id, lifecycle_stage, created_at, traits, tags, updated_at)
        select id || ${s}, name || ${s}, segment, industry, owner, case when parent_id is null then null else parent_id || ${s} end,
        lifecycle_stage, created_at, traits, tags, updated_at from accounts where ${orig('id')}`.execute(trx);
      await sql`insert into contracts (id, account_id, start_date, end_date, arr, currency, seats, plan, products, status, churned_at, churn_reason, billing_period, auto_renew, trial)
        select id || ${s}, account_id || ${s}, start_date, end_date, arr, currency, seats, plan, products, status, churned_at, churn_reason, billing_period, auto_renew, trial
        from contracts where ${orig('account_id')}`.execute(trx);
      await sql`insert into contacts (id, account_id, email, name, title, role, joined_at, left_at)
        select id || ${s}, account_id || ${s}, email, name, title, role, joined_at, left_at from contacts where ${orig('account_id')}`.execute(
        trx,
      );
      await sql`insert into events (id, account_id, contact_id, type, time, properties, ingested_at)
        select id || ${s}, account_id || ${s}, case when contact_id is null then null else contact_id || ${s} end, type, time, properties, ingested_at
        from events where ${orig('account_id')} and time >= ${eventsFrom}`.execute(trx);
      await sql`insert into usage_daily (account_id, day, logins, events, integration_events)
        select account_id || ${s}, day, logins, events, integration_events from usage_daily where ${orig('account_id')} and day >= ${usageFrom}`.execute(
        trx,
      );
      await sql`insert into feature_monthly (account_id, feature, month, days, count)
        select account_id || ${s}, feature, month, days, count from feature_monthly where ${orig('account_id')} and month >= ${usageFrom.slice(0, 7)}`.execute(
        trx,
      );
      await sql`insert into user_monthly (account_id, contact_id, month, days, events)
        select account_id || ${s}, contact_id || ${s}, month, days, events from user_monthly where ${orig('account_id')} and month >= ${usageFrom.slice(0, 7)}`.execute(
        trx,
      );
    });
  }
}
