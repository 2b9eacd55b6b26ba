import SqliteDatabase from 'better-sqlite3';
import { DEFAULT_PLAYBOOKS } from '../src/core/playbooks/default-playbooks.ts';
import { evaluatePlaybooks, type PlaybookSubject } from '../src/core/playbooks/evaluate-playbooks.ts';
import type { Playbook } from '../src/core/playbooks/playbook-schema.ts';
import { makeScoreResult, makeSubject } from '../src/core/playbooks/playbook-test-fixtures.ts';
import type { Band } from '../src/core/scoring/score-result.ts';
import { contextForStore, fixedClock } from '../src/engine/context.ts';
import { runPlaybooks } from '../src/engine/playbooks/run-playbooks.ts';
import { seedPlaybookFixtures } from '../src/engine/playbooks/seed-playbook-fixtures.ts';
import { openStore } from '../src/store/database.ts';
import type { BenchOptions, BenchRow } from './bench-row.ts';

/**
 * Playbook evaluation for N score changes, against the same rules written as
 * plain SQL in SQLite (one INSERT … SELECT per playbook over a table of the
 * changes, with the open-task dedupe as NOT EXISTS). The SQL is generated from
 * the same playbook objects, and both sides must produce the same decisions.
 */
const NOW = '2025-06-01T10:00:00.000Z';
const SIGNALS = ['champion-status', 'exec-touch-recency', 'payment-history', 'competitor-mentions'] as const;

function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}
const bandOf = (s: number): Band => (s >= 80 ? 'healthy' : s >= 50 ? 'at-risk' : 'critical');

function makeSubjects(n: number): PlaybookSubject[] {
  const r = prng(42);
  return Array.from({ length: n }, (_, i) => {
    const id = `acc-${i}`;
    const score = Math.round(r() * 1000) / 10;
    const prevScore = Math.min(100, Math.max(0, Math.round((score + (r() - 0.5) * 40) * 10) / 10));
    const values = [r() < 0.1 ? 0.05 : 1, Math.floor(r() * 120), r() < 0.1 ? 35 : 0, r() < 0.15 ? 1 : 0];
    const renewal = new Date(Date.parse(NOW) + Math.floor(r() * 365) * 86_400_000).toISOString().slice(0, 10);
    return makeSubject(
      id,
      makeScoreResult(
        id,
        score,
        bandOf(score),
        SIGNALS.map((signalId, k) => ({ signalId, value: values[k] ?? null })),
      ),
      r() < 0.1 ? null : { score: prevScore, band: bandOf(prevScore) },
      {
        owner: `csm-${i % 50}`,
        arr: 10_000 + Math.floor(r() * 20) * 5000,
        tags: r() < 0.05 ? ['advocate'] : [],
        renewalDate: renewal,
      },
    );
  });
}

const OPS: Record<string, string> = { lt: '<', lte: '<=', gt: '>', gte: '>=', eq: '=', neq: '!=' };
const col = (signalId: string) => `"s_${signalId}"`;

/** The playbook's trigger and conditions as a WHERE clause over the `changes` table. */
function toSql(p: Playbook): string | null {
  const t = p.trigger;
  const w: string[] = [];
  switch (t.type) {
    case 'band_entered':
      w.push(`band = '${t.band}' and (prev_band is null or prev_band != '${t.band}')`);
      break;
    case 'band_left':
      w.push(`prev_band = '${t.band}' and band != '${t.band}'`);
      break;
    case 'score_dropped':
      w.push(`round(prev_score - score, 1) >= ${t.points}`); // scores carry one decimal, as in Vigil
      break;
    case 'signal':
      w.push(`${col(t.signalId)} is not null and ${col(t.signalId)} ${OPS[t.op]} ${Number(t.value)}`);
      break;
    case 'renewal_within':
      w.push(`band in (${t.bands.map((b) => `'${b}'`).join(',')}) and renewal_days between 0 and ${t.days}`);
      break;
    default:
      return null;
  }
  const c = p.conditions;
  if (c.arrMin !== undefined) w.push(`arr >= ${c.arrMin}`);
  if (c.arrMax !== undefined) w.push(`arr <= ${c.arrMax}`);
  for (const tag of c.tagsNone ?? []) w.push(`tags not like '%"${tag}"%'`);
  for (const tag of c.tagsAll ?? []) w.push(`tags like '%"${tag}"%'`);
  return w.join(' and ');
}

export default async function run({ quick }: BenchOptions): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  // the SQL reference cannot express expansion readiness (it needs usage data): both sides leave it out
  const playbooks = DEFAULT_PLAYBOOKS.filter((p) => p.trigger.type !== 'expansion_ready');
  const enrolledBy = new Map<string, string>();
  for (const p of playbooks)
    for (const a of p.actions) if (a.type === 'enroll') enrolledBy.set(a.playbookId, p.id);

  for (const n of quick ? [10_000] : [10_000, 100_000]) {
    const subjects = makeSubjects(n);
    // a tenth of the accounts already have an open task for their band play
    const open = new Set(
      subjects.filter((_, i) => i % 10 === 0).map((s) => `at-risk-recovery:${s.account.id}`),
    );
    const state = { openDedupeKeys: open, cooldownUntil: new Map(), budgetUsed: new Map() };
    const opts = {
      asOf: NOW,
      mode: 'change' as const,
      dailyBudgetPerOwner: null,
      holdoutPercent: 0,
      holdoutSalt: 'b',
    };
    evaluatePlaybooks(playbooks, subjects.slice(0, 1000), state, opts); // warm-up
    let best = Number.POSITIVE_INFINITY;
    let fired = 0;
    for (let k = 0; k < 3; k++) {
      const t = performance.now();
      fired = evaluatePlaybooks(playbooks, subjects, state, opts).fired;
      best = Math.min(best, performance.now() - t);
    }

    const db = new SqliteDatabase(':memory:');
    db.exec(
      `create table changes (account_id text primary key, band text, prev_band text, score real, prev_score real, arr real, tags text, renewal_days integer, ${SIGNALS.map((s) => `${col(s)} real`).join(', ')});
       create table open_tasks (dedupe_key text primary key);
       create table decisions (playbook_id text, account_id text);`,
    );
    const ins = db.prepare(
      `insert into changes values (${Array(8 + SIGNALS.length)
        .fill('?')
        .join(',')})`,
    );
    db.transaction(() => {
      for (const s of subjects) {
        const c = s.change;
        const days = Math.round(
          (Date.parse(`${s.account.renewalDate}T00:00:00Z`) - Date.parse(`${NOW.slice(0, 10)}T00:00:00Z`)) /
            86_400_000,
        );
        ins.run(
          s.account.id,
          c.current.band,
          c.previous?.band ?? null,
          c.current.score,
          c.previous?.score ?? null,
          s.account.arr,
          JSON.stringify(s.account.tags),
          days,
          ...SIGNALS.map((id) => c.current.signals.find((x) => x.signalId === id)?.value ?? null),
        );
      }
      const openIns = db.prepare('insert into open_tasks values (?)');
      for (const k of open) openIns.run(k);
    })();
    const statements = playbooks.flatMap((p) => {
      // an enrolled play fires where its enroller fires
      const parent = enrolledBy.get(p.id);
      const where = toSql(parent ? playbooks.find((x) => x.id === parent)! : p);
      if (!where) return [];
      return [
        db.prepare(
          `insert into decisions select '${p.id}', account_id from changes where ${where} and not exists (select 1 from open_tasks o where o.dedupe_key = '${p.id}:' || changes.account_id)${
            parent
              ? ` and not exists (select 1 from open_tasks o where o.dedupe_key = '${parent}:' || changes.account_id)`
              : ''
          }`,
        ),
      ];
    });
    let sqlBest = Number.POSITIVE_INFINITY;
    let sqlFired = 0;
    for (let k = 0; k < 3; k++) {
      db.exec('delete from decisions');
      const t = performance.now();
      db.transaction(() => {
        for (const s of statements) s.run();
      })();
      sqlBest = Math.min(sqlBest, performance.now() - t);
      sqlFired = (db.prepare('select count(*) as n from decisions').get() as { n: number }).n;
    }
    db.close();
    const same = fired === sqlFired;
    rows.push({
      workload: `evaluate ${playbooks.length} playbooks × ${n.toLocaleString('en-US')} score changes`,
      metric: 'time',
      vigil: Math.round(best * 10) / 10,
      reference: Math.round(sqlBest * 10) / 10,
      referenceName: 'SQLite (same rules as SQL)',
      unit: 'ms',
      lowerIsBetter: true,
      note: `${fired.toLocaleString('en-US')} plays fired (SQL: ${sqlFired.toLocaleString('en-US')}${same ? ', identical' : ', MISMATCH'}); Vigil also explains each decision and applies holdout/budget`,
    });
  }

  // end to end: load accounts, evaluate, write tasks + audit + decisions in SQLite
  const n = quick ? 2000 : 10_000;
  const store = await openStore({ url: ':memory:' });
  try {
    const ids = await seedPlaybookFixtures(store, { accounts: n, owners: 50 });
    const ctx = contextForStore(store, { clock: fixedClock(NOW) });
    const r = prng(7);
    const changes = ids.map((id) => {
      const score = Math.round(r() * 1000) / 10;
      return {
        accountId: id,
        owner: null,
        previous: null,
        current: makeScoreResult(id, score, bandOf(score)),
      };
    });
    const t = performance.now();
    const rep = await runPlaybooks(ctx, changes, {
      playbooks,
      settings: { dailyBudgetPerOwner: null, holdoutPercent: 0 },
    });
    const ms = performance.now() - t;
    // reference: the same band plays as one set-based INSERT … SELECT of tasks in the same database
    const raw = store.sqlite!;
    raw.exec('create table ref_tasks as select * from tasks where 0');
    const bandPlays = playbooks.filter((p) => p.trigger.type === 'band_entered' || enrolledBy.has(p.id));
    raw.exec(
      `create temp table cur as select value ->> '$.accountId' as account_id, value ->> '$.current.band' as band, value ->> '$.current.score' as score from json_each(${sqlLit(JSON.stringify(changes.map((c) => ({ accountId: c.accountId, current: { band: c.current.band, score: c.current.score } }))))})`,
    );
    const t2 = performance.now();
    raw.transaction(() => {
      for (const p of bandPlays) {
        const trig = (enrolledBy.has(p.id) ? playbooks.find((x) => x.id === enrolledBy.get(p.id))! : p)
          .trigger;
        if (trig.type !== 'band_entered') continue;
        const task = p.actions.find((a) => a.type === 'create_task');
        if (task?.type !== 'create_task') continue;
        const c = p.conditions;
        const cond = [
          ...(c.arrMin !== undefined
            ? [
                `(select coalesce(sum(arr), 0) from contracts k where k.account_id = cur.account_id) >= ${c.arrMin}`,
              ]
            : []),
          ...(c.tagsNone ?? []).map((t) => `a.tags not like '%"${t}"%'`),
        ]
          .map((x) => ` and ${x}`)
          .join('');
        raw.exec(
          `insert into ref_tasks (id, account_id, playbook_id, dedupe_key, title, checklist, priority, owner, manager, status, due, snapshot, created_at, updated_at)
           select 'r-' || '${p.id}' || cur.account_id, cur.account_id, '${p.id}', '${p.id}:' || cur.account_id, ${sqlLit(task.title)} || a.name, '[]', '${task.priority}', a.owner, u.manager_id, 'open', date('${NOW.slice(0, 10)}', '+${task.dueInDays} days'), json_object('score', cur.score, 'band', cur.band), '${NOW}', '${NOW}'
           from cur join accounts a on a.id = cur.account_id left join users u on u.id = a.owner where cur.band = '${trig.band}'${cond}`,
        );
      }
    })();
    const refMs = performance.now() - t2;
    const refCount = (raw.prepare('select count(*) as n from ref_tasks').get() as { n: number }).n;
    const bandTasks = (
      raw
        .prepare(
          `select count(*) as n from tasks where playbook_id in (${bandPlays.map((p) => `'${p.id}'`).join(',')})`,
        )
        .get() as { n: number }
    ).n;
    rows.push({
      workload: `runPlaybooks end to end, ${n.toLocaleString('en-US')} accounts (SQLite)`,
      metric: 'time',
      vigil: Math.round(ms),
      reference: Math.round(refMs),
      referenceName: 'SQLite INSERT … SELECT (band plays only)',
      unit: 'ms',
      lowerIsBetter: true,
      note: `${rep.tasksCreated.toLocaleString('en-US')} tasks (${bandTasks.toLocaleString('en-US')} from band plays; SQL made ${refCount.toLocaleString('en-US')}); Vigil also writes audit rows, decisions, cooldowns and renders titles/checklists`,
    });
    rows.push({
      workload: `runPlaybooks end to end, ${n.toLocaleString('en-US')} accounts (SQLite)`,
      metric: 'throughput',
      vigil: Math.round(n / (ms / 1000)),
      reference: null,
      referenceName: null,
      unit: 'changes/s',
      lowerIsBetter: false,
    });
  } finally {
    await store.close();
  }
  return rows;
}

const sqlLit = (s: string) => `'${s.replaceAll("'", "''")}'`;
