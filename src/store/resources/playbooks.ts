import { type Kysely, sql } from 'kysely';
import type { ContractTerm } from '../../core/contracts/contract-terms.ts';
import type { Database } from '../schema.ts';
import type {
  OutboxTable,
  PlaybookCooldownsTable,
  PlaybookDecisionsTable,
  PlaybookRunsTable,
  PlaybooksTable,
  TasksTable,
} from '../schema-playbooks.ts';
import { type AuditEntry, insertAudit } from './audit.ts';

export type PlaybookRow = PlaybooksTable;
export type NewPlaybookRun = Omit<PlaybookRunsTable, 'id'>;
export type PlaybookRunTotals = Omit<PlaybookRunsTable, 'id' | 'started_at' | 'kind'>;

/** A playbook document to store as a new version (import or edit), with its audit line. */
export type PlaybookVersion = {
  row: PlaybookRow;
  audit: AuditEntry;
};

/** What a run needs to judge dedupe, cooldowns and the per-owner daily alert budget. */
export type PlaybookRunState = {
  /** Dedupe keys of open or snoozed tasks. */
  openDedupeKeys: Set<string>;
  /** `${playbookId}:${accountId}` → cooldown end, for cooldowns still running. */
  cooldownUntil: Map<string, string>;
  /** Alerts spent today per owner (`(unassigned)` for none). */
  budgetUsed: Map<string, number>;
};

/** The facts of the changed accounts a playbook subject is built from. */
export type PlaybookSubjectFacts = {
  accounts: { id: string; name: string; segment: string; owner: string | null; tags: string[] }[];
  /** Every term of these accounts, as the one contract rule reads them. */
  contracts: (ContractTerm & { accountId: string })[];
  /** Owner → their manager (null when they have none). */
  managers: Map<string, string | null>;
  /** Stored scores from `historyFrom` on, per account (empty when not asked). */
  history: Map<string, { asOf: string; score: number }[]>;
};

/**
 * One decision of a run and every row it writes. A decision with a task whose insert the open-task
 * index refuses (a concurrent run made the same task first) writes only its decision row, as
 * suppressed for `open-task`: no task, audit, notification, cooldown or tag.
 */
export type PlannedDecision = {
  decision: Omit<PlaybookDecisionsTable, 'id'>;
  task: { row: TasksTable; audit: AuditEntry } | null;
  outbox: Omit<OutboxTable, 'id'>[];
  cooldown: (PlaybookCooldownsTable & { dedupeKey: string }) | null;
  tags: string[];
};

export type AppliedDecisions = {
  /** Ids of the tasks created, in decision order. */
  created: string[];
  /** Ids of the planned tasks the open-task index refused. */
  refused: Set<string>;
  notificationsQueued: number;
};

export type TaskCounts = { playbook_id: string; outcome: string; reason: string | null; n: number };

export type PlaybooksResource = {
  /** Stored playbooks by id. */
  list(): Promise<PlaybookRow[]>;
  /** Stores the rows whose id is not stored yet (first use of the defaults). */
  insertMissing(rows: PlaybookRow[]): Promise<void>;
  /** Inserts or replaces each playbook with its audit line, all in one transaction. */
  saveVersions(versions: PlaybookVersion[]): Promise<void>;
  startRun(run: NewPlaybookRun): Promise<number>;
  finishRun(id: number, totals: PlaybookRunTotals): Promise<void>;
  runState(accountIds: string[], now: string): Promise<PlaybookRunState>;
  subjectFacts(accountIds: string[], historyFrom: string | null): Promise<PlaybookSubjectFacts>;
  /** E-mail addresses of these users (those who have one). */
  emailsOf(userIds: string[]): Promise<Map<string, string>>;
  /**
   * Writes a run's decisions in one transaction: tasks (the open-task index may refuse some),
   * their audit lines, notifications in the outbox, cooldowns, the decision records and new tags
   * on accounts (audited).
   */
  applyDecisions(planned: PlannedDecision[], now: string): Promise<AppliedDecisions>;
  /** Every current score with its account's owner, for a sweep over the whole portfolio. */
  currentScores(): Promise<
    {
      account_id: string;
      detail: string;
      previous_score: number | null;
      previous_band: string | null;
      owner: string | null;
    }[]
  >;
  /** Current score and override of every scored account (the expansion cutoff). */
  currentScoreValues(): Promise<{ account_id: string; score: number; override_score: number | null }[]>;
  /** Decisions since `since`, counted by playbook, outcome and reason. */
  decisionCounts(since: string): Promise<TaskCounts[]>;
  /** Open and snoozed tasks per playbook. */
  openTaskCounts(): Promise<{ playbook_id: string | null; n: number }[]>;
  /** Fired and held-out decisions, oldest first (play outcomes). */
  actedDecisions(): Promise<
    { playbook_id: string; account_id: string; outcome: string; band: string; at: string }[]
  >;
  /** Scores after `after` and every term of these accounts (what happened after a play). */
  afterPlay(
    accountIds: string[],
    after: string,
  ): Promise<{
    scores: { account_id: string; as_of: string; band: string }[];
    contracts: {
      account_id: string;
      start_date: string;
      end_date: string | null;
      churned_at: string | null;
      status: string;
    }[];
  }>;
};

const chunks = <T>(xs: readonly T[], n: number): T[][] =>
  Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, i * n + n));

export function playbooksResource(db: Kysely<Database>): PlaybooksResource {
  return {
    list: () => db.selectFrom('playbooks').selectAll().orderBy('id').execute(),
    async insertMissing(rows) {
      if (rows.length === 0) return;
      await db
        .insertInto('playbooks')
        .values(rows)
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
    },
    async saveVersions(versions) {
      await db.transaction().execute(async (trx) => {
        for (const { row, audit } of versions) {
          const { id: _id, ...update } = row;
          await trx
            .insertInto('playbooks')
            .values(row)
            .onConflict((oc) => oc.column('id').doUpdateSet(update))
            .execute();
          await insertAudit(trx, audit);
        }
      });
    },
    async startRun(run) {
      const r = await db.insertInto('playbook_runs').values(run).returning('id').executeTakeFirstOrThrow();
      return Number(r.id);
    },
    async finishRun(id, totals) {
      await db.updateTable('playbook_runs').set(totals).where('id', '=', id).execute();
    },
    async runState(accountIds, now) {
      const openDedupeKeys = new Set<string>();
      const cooldownUntil = new Map<string, string>();
      for (const chunk of chunks(accountIds, 500)) {
        const [open, cool] = await Promise.all([
          db
            .selectFrom('tasks')
            .select('dedupe_key')
            .where('account_id', 'in', chunk)
            .where('status', 'in', ['open', 'snoozed'])
            .where('dedupe_key', 'is not', null)
            .execute(),
          db
            .selectFrom('playbook_cooldowns')
            .select(['playbook_id', 'account_id', 'until'])
            .where('account_id', 'in', chunk)
            .where('until', '>', now)
            .execute(),
        ]);
        for (const t of open) if (t.dedupe_key) openDedupeKeys.add(t.dedupe_key);
        for (const c of cool) cooldownUntil.set(`${c.playbook_id}:${c.account_id}`, c.until);
      }
      const dayStart = `${now.slice(0, 10)}T00:00:00.000Z`;
      const spent = await db
        .selectFrom('playbook_decisions')
        .select(['owner', (eb) => eb.fn.countAll<number>().as('n')])
        .where('outcome', '=', 'fired')
        .where('alert', '=', 1)
        .where('at', '>=', dayStart)
        .groupBy('owner')
        .execute();
      const budgetUsed = new Map(spent.map((r) => [r.owner ?? '(unassigned)', Number(r.n)]));
      return { openDedupeKeys, cooldownUntil, budgetUsed };
    },
    async subjectFacts(accountIds, historyFrom) {
      const facts: PlaybookSubjectFacts = {
        accounts: [],
        contracts: [],
        managers: new Map(),
        history: new Map(),
      };
      for (const chunk of chunks(accountIds, 500)) {
        const [rows, contracts] = await Promise.all([
          db
            .selectFrom('accounts')
            .select(['id', 'name', 'segment', 'owner', 'tags'])
            .where('id', 'in', chunk)
            .execute(),
          db
            .selectFrom('contracts')
            .select(['account_id', 'arr', 'end_date', 'start_date', 'status', 'churned_at', 'billing_period'])
            .where('account_id', 'in', chunk)
            .execute(),
        ]);
        for (const r of rows) facts.accounts.push({ ...r, tags: JSON.parse(r.tags || '[]') as string[] });
        for (const c of contracts)
          facts.contracts.push({
            accountId: c.account_id,
            start: c.start_date,
            end: c.end_date,
            billingPeriod: c.billing_period as 'month' | 'year' | null,
            arr: Number(c.arr),
            status: c.status,
            churnedAt: c.churned_at,
          });
        const owners = [...new Set(rows.map((r) => r.owner).filter((o): o is string => o !== null))];
        if (owners.length > 0)
          for (const u of await db
            .selectFrom('users')
            .select(['id', 'manager_id'])
            .where('id', 'in', owners)
            .execute())
            facts.managers.set(u.id, u.manager_id);
        if (historyFrom !== null) {
          const hist = await db
            .selectFrom('scores')
            .select(['account_id', 'as_of', 'score'])
            .where('account_id', 'in', chunk)
            .where('as_of', '>=', historyFrom)
            .execute();
          for (const h of hist) {
            const list = facts.history.get(h.account_id) ?? [];
            list.push({ asOf: h.as_of, score: Number(h.score) });
            facts.history.set(h.account_id, list);
          }
        }
      }
      return facts;
    },
    async emailsOf(userIds) {
      const emails = new Map<string, string>();
      if (userIds.length === 0) return emails;
      for (const u of await db
        .selectFrom('users')
        .select(['id', 'email'])
        .where('id', 'in', userIds)
        .execute())
        if (u.email) emails.set(u.id, u.email);
      return emails;
    },
    applyDecisions: (planned, now) => applyDecisions(db, planned, now),
    async currentScores() {
      const rows = await db
        .selectFrom('current_scores')
        .innerJoin('accounts', 'accounts.id', 'current_scores.account_id')
        .select([
          'current_scores.account_id',
          'current_scores.detail',
          'current_scores.previous_score',
          'current_scores.previous_band',
          'accounts.owner',
        ])
        .orderBy('current_scores.account_id')
        .execute();
      return rows.map((r) => ({
        ...r,
        previous_score: r.previous_score === null ? null : Number(r.previous_score),
      }));
    },
    currentScoreValues: () =>
      db.selectFrom('current_scores').select(['account_id', 'score', 'override_score']).execute(),
    async decisionCounts(since) {
      const rows = await db
        .selectFrom('playbook_decisions')
        .select(['playbook_id', 'outcome', 'reason', (eb) => eb.fn.countAll<number>().as('n')])
        .where('at', '>=', since)
        .groupBy(['playbook_id', 'outcome', 'reason'])
        .execute();
      return rows.map((r) => ({ ...r, n: Number(r.n) }));
    },
    async openTaskCounts() {
      const rows = await db
        .selectFrom('tasks')
        .select(['playbook_id', (eb) => eb.fn.countAll<number>().as('n')])
        .where('status', 'in', ['open', 'snoozed'])
        .groupBy('playbook_id')
        .execute();
      return rows.map((r) => ({ ...r, n: Number(r.n) }));
    },
    actedDecisions: () =>
      db
        .selectFrom('playbook_decisions')
        .select(['playbook_id', 'account_id', 'outcome', 'band', 'at'])
        .where('outcome', 'in', ['fired', 'held-out'])
        .orderBy('at')
        .execute(),
    async afterPlay(accountIds, after) {
      const out: Awaited<ReturnType<PlaybooksResource['afterPlay']>> = { scores: [], contracts: [] };
      for (const chunk of chunks(accountIds, 500)) {
        const [s, c] = await Promise.all([
          db
            .selectFrom('scores')
            .select(['account_id', 'as_of', 'band'])
            .where('account_id', 'in', chunk)
            .where('as_of', '>', after)
            .execute(),
          db
            .selectFrom('contracts')
            .select(['account_id', 'start_date', 'end_date', 'churned_at', 'status'])
            .where('account_id', 'in', chunk)
            .execute(),
        ]);
        out.scores.push(...s);
        out.contracts.push(...c);
      }
      return out;
    },
  };
}

async function applyDecisions(
  db: Kysely<Database>,
  planned: PlannedDecision[],
  now: string,
): Promise<AppliedDecisions> {
  return db.transaction().execute(async (trx) => {
    // 1. tasks, in multi-row batches; a row the partial unique index refuses (a concurrent run
    //    made it first) is simply not returned
    const taskRows = planned.flatMap((p) => (p.task ? [p.task.row] : []));
    const inserted = new Set<string>();
    for (const batch of chunks(taskRows, 200)) {
      const rows = await trx
        .insertInto('tasks')
        .values(batch)
        .onConflict((oc) =>
          oc
            .column('dedupe_key')
            .where(sql<boolean>`status in ('open', 'snoozed') and dedupe_key is not null`)
            .doNothing(),
        )
        .returning('id')
        .execute();
      for (const r of rows) inserted.add(r.id);
    }
    const created: string[] = [];
    const refused = new Set<string>();
    const audit: AuditEntry[] = [];
    for (const p of planned) {
      if (!p.task) continue;
      if (inserted.has(p.task.row.id)) {
        created.push(p.task.row.id);
        audit.push(p.task.audit);
      } else refused.add(p.task.row.id);
    }

    // 2. notifications, cooldowns, the record of every decision and tags
    const outbox: Omit<OutboxTable, 'id'>[] = [];
    const cooldowns = new Map<string, PlaybookCooldownsTable>();
    const decisionRows: Omit<PlaybookDecisionsTable, 'id'>[] = [];
    const tagsToAdd = new Map<string, Set<string>>();
    for (const p of planned) {
      if (p.task && refused.has(p.task.row.id)) {
        decisionRows.push({
          ...p.decision,
          outcome: 'suppressed',
          reason: 'open-task',
          task_id: null,
          alert: 0,
        });
        continue;
      }
      for (const t of p.tags) {
        const set = tagsToAdd.get(p.decision.account_id) ?? new Set<string>();
        set.add(t);
        tagsToAdd.set(p.decision.account_id, set);
      }
      outbox.push(...p.outbox);
      if (p.cooldown) {
        const { dedupeKey, ...row } = p.cooldown;
        cooldowns.set(dedupeKey, row);
      }
      decisionRows.push(p.decision);
    }
    for (const batch of chunks(outbox, 200)) await trx.insertInto('outbox').values(batch).execute();
    for (const batch of chunks([...cooldowns.values()], 500))
      await trx
        .insertInto('playbook_cooldowns')
        .values(batch)
        .onConflict((oc) =>
          oc.columns(['playbook_id', 'account_id']).doUpdateSet((eb) => ({
            last_fired_at: eb.ref('excluded.last_fired_at'),
            until: eb.ref('excluded.until'),
          })),
        )
        .execute();
    for (const batch of chunks(decisionRows, 500))
      await trx.insertInto('playbook_decisions').values(batch).execute();
    for (const batch of chunks([...tagsToAdd.keys()], 500)) {
      const rows = await trx.selectFrom('accounts').select(['id', 'tags']).where('id', 'in', batch).execute();
      for (const row of rows) {
        const before = JSON.parse(row.tags || '[]') as string[];
        const added = [...(tagsToAdd.get(row.id) ?? [])].filter((t) => !before.includes(t));
        if (added.length === 0) continue;
        await trx
          .updateTable('accounts')
          .set({ tags: JSON.stringify([...before, ...added]) })
          .where('id', '=', row.id)
          .execute();
        audit.push({
          at: now,
          actor: 'playbooks',
          action: 'account.tag',
          target: `account:${row.id}`,
          details: { added },
        });
      }
    }
    for (const batch of chunks(audit, 500))
      await trx
        .insertInto('audit_log')
        .values(
          batch.map((a) => ({
            at: a.at,
            actor: a.actor,
            action: a.action,
            target: a.target,
            details: JSON.stringify(a.details ?? {}),
          })),
        )
        .execute();
    return { created, refused, notificationsQueued: outbox.length };
  });
}
