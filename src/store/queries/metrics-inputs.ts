import { lastLiveDay } from '../../core/contracts/contract-terms.ts';
import type { Contract } from '../../core/data-model/entities.ts';
import { type ChurnReasonRecord, reasonCodeOf } from '../../core/metrics/churn-reasons.ts';
import type { Band } from '../../core/scoring/score-result.ts';
import { toDay } from '../../core/signals/signal-helpers.ts';
import type { Store } from '../database.ts';
import { toContract } from './load-account-data.ts';
import { type Viewer, visibleAccountFilter } from './visible-accounts.ts';

export type MetricsScope = {
  segment?: string | undefined;
  owner?: string | undefined;
  /** Only accounts this viewer may see (a manager: their team's; a CSM: their own). */
  viewer?: Viewer | undefined;
};

/** Contracts of the accounts in scope (a segment, an owner, and what a viewer may see). */
export async function listScopedContracts(store: Store, scope: MetricsScope): Promise<Contract[]> {
  let q = store.db
    .selectFrom('contracts as c')
    .innerJoin('accounts as a', 'a.id', 'c.account_id')
    .selectAll('c');
  if (scope.segment) q = q.where('a.segment', '=', scope.segment);
  if (scope.owner) q = q.where('a.owner', '=', scope.owner);
  if (scope.viewer) q = q.where(visibleAccountFilter(scope.viewer, { owner: 'a.owner' }));
  return (await q.execute()).map(toContract);
}

/** Days each account reached a value milestone. */
export async function listValueMilestoneDays(store: Store): Promise<Map<string, number[]>> {
  const rows = await store.db
    .selectFrom('events')
    .select(['account_id', 'time'])
    .where('type', '=', 'value_milestone')
    .execute();
  const out = new Map<string, number[]>();
  for (const r of rows) out.set(r.account_id, [...(out.get(r.account_id) ?? []), toDay(r.time)]);
  return out;
}

/** Day of the earliest stored event (where the timeline history begins), or null when there are none. */
export async function earliestEventDay(store: Store): Promise<number | null> {
  const row = await store.db
    .selectFrom('events')
    .select((eb) => eb.fn.min('time').as('first'))
    .executeTakeFirst();
  return row?.first ? toDay(String(row.first)) : null;
}

/** Failed payments and when (if ever) that invoice was paid. */
export async function listFailedPayments(
  store: Store,
): Promise<Map<string, { failedDay: number; paidDay: number | null }[]>> {
  const rows = await store.db
    .selectFrom('events')
    .select(['account_id', 'type', 'time', 'properties'])
    .where('type', 'in', ['payment_failed', 'invoice_paid'])
    .orderBy('time')
    .execute();
  const out = new Map<string, { failedDay: number; paidDay: number | null; invoice: string | null }[]>();
  for (const r of rows) {
    const p = JSON.parse(r.properties) as { invoiceId?: string };
    const list = out.get(r.account_id) ?? [];
    if (r.type === 'payment_failed')
      list.push({ failedDay: toDay(r.time), paidDay: null, invoice: p.invoiceId ?? null });
    else
      for (const f of list)
        if (f.paidDay === null && (f.invoice === null || f.invoice === p.invoiceId))
          f.paidDay = toDay(r.time);
    out.set(r.account_id, list);
  }
  return new Map([...out].map(([k, v]) => [k, v.map(({ failedDay, paidDay }) => ({ failedDay, paidDay }))]));
}

/**
 * Each account's band on a date: its latest stored score in the 120 days up
 * to it (any model version), else — when history starts just after — its
 * first score within the following 31 days.
 */
export async function bandsAt(store: Store, date: string): Promise<Map<string, Band>> {
  const shift = (days: number) => new Date(Date.parse(date) + days * 86_400_000).toISOString().slice(0, 10);
  const rows = await store.db
    .selectFrom('scores as s')
    .select(['s.account_id', 's.band', 's.as_of'])
    .where('s.as_of', '<=', shift(31))
    .where('s.as_of', '>=', shift(-120))
    .orderBy('s.as_of')
    .execute();
  const out = new Map<string, Band>();
  for (const r of rows) if (r.as_of <= date) out.set(r.account_id, r.band as Band);
  for (const r of rows) if (r.as_of > date && !out.has(r.account_id)) out.set(r.account_id, r.band as Band);
  return out;
}

/**
 * Stated churn reasons: `churn_event` events (not reactivations) and churned contracts'
 * `churn_reason`, per account, for the accounts in scope.
 */
export async function listChurnReasons(
  store: Store,
  scope: MetricsScope,
): Promise<Map<string, ChurnReasonRecord[]>> {
  let ev = store.db
    .selectFrom('events as e')
    .innerJoin('accounts as a', 'a.id', 'e.account_id')
    .select(['e.account_id', 'e.time', 'e.properties'])
    .where('e.type', '=', 'churn_event');
  let ct = store.db
    .selectFrom('contracts as c')
    .innerJoin('accounts as a', 'a.id', 'c.account_id')
    .selectAll('c')
    .where('c.status', '=', 'churned')
    .where('c.churn_reason', 'is not', null);
  if (scope.segment) {
    ev = ev.where('a.segment', '=', scope.segment);
    ct = ct.where('a.segment', '=', scope.segment);
  }
  if (scope.owner) {
    ev = ev.where('a.owner', '=', scope.owner);
    ct = ct.where('a.owner', '=', scope.owner);
  }
  if (scope.viewer) {
    ev = ev.where(visibleAccountFilter(scope.viewer, { owner: 'a.owner' }));
    ct = ct.where(visibleAccountFilter(scope.viewer, { owner: 'a.owner' }));
  }
  const [events, contracts] = await Promise.all([ev.execute(), ct.execute()]);
  const out = new Map<string, ChurnReasonRecord[]>();
  const add = (r: ChurnReasonRecord) => {
    const l = out.get(r.accountId);
    if (l) l.push(r);
    else out.set(r.accountId, [r]);
  };
  for (const e of events) {
    const p = JSON.parse(e.properties) as {
      reasonCode?: string;
      reasonText?: string;
      reactivation?: boolean;
    };
    if (p.reactivation) continue;
    add({
      accountId: e.account_id,
      day: toDay(e.time),
      code: reasonCodeOf(p.reasonCode ?? p.reasonText),
      source: 'churn_event',
      text: p.reasonText ?? null,
    });
  }
  for (const row of contracts) {
    const c = toContract(row);
    const last = lastLiveDay(c);
    if (last === null) continue;
    add({
      accountId: c.accountId,
      day: toDay(last) + 1,
      code: reasonCodeOf(c.churnReason),
      source: 'contract',
      text: c.churnReason ?? null,
    });
  }
  return out;
}

/** Current score (and the calibrated churn probability stored with it, if any) of accounts in scope. */
export async function listCurrentChurnProbabilities(
  store: Store,
  scope: MetricsScope,
): Promise<Map<string, { score: number; probability: number | null; horizonDays: number | null }>> {
  let q = store.db
    .selectFrom('current_scores as s')
    .innerJoin('accounts as a', 'a.id', 's.account_id')
    .select(['s.account_id', 's.score', 's.override_score', 's.detail']);
  if (scope.segment) q = q.where('a.segment', '=', scope.segment);
  if (scope.owner) q = q.where('a.owner', '=', scope.owner);
  if (scope.viewer) q = q.where(visibleAccountFilter(scope.viewer, { owner: 'a.owner' }));
  const out = new Map<string, { score: number; probability: number | null; horizonDays: number | null }>();
  for (const r of await q.execute()) {
    let cp: { probability?: number; horizonDays?: number } | null = null;
    try {
      cp =
        (JSON.parse(r.detail) as { churnProbability?: { probability?: number; horizonDays?: number } | null })
          .churnProbability ?? null;
    } catch {
      cp = null;
    }
    out.set(r.account_id, {
      score: Number(r.override_score ?? r.score),
      probability: typeof cp?.probability === 'number' ? cp.probability : null,
      horizonDays: typeof cp?.horizonDays === 'number' ? cp.horizonDays : null,
    });
  }
  return out;
}

/** Stored score history of accounts in scope between two days, oldest first. */
export async function listScoreHistoryInScope(
  store: Store,
  scope: MetricsScope,
  from: string,
  to: string,
): Promise<Map<string, { asOf: string; score: number }[]>> {
  let q = store.db
    .selectFrom('scores as s')
    .innerJoin('accounts as a', 'a.id', 's.account_id')
    .select(['s.account_id', 's.as_of', 's.score'])
    .where('s.as_of', '>=', from)
    .where('s.as_of', '<=', to)
    .orderBy('s.as_of');
  if (scope.segment) q = q.where('a.segment', '=', scope.segment);
  if (scope.owner) q = q.where('a.owner', '=', scope.owner);
  if (scope.viewer) q = q.where(visibleAccountFilter(scope.viewer, { owner: 'a.owner' }));
  const out = new Map<string, { asOf: string; score: number }[]>();
  for (const r of await q.execute()) {
    const l = out.get(r.account_id);
    const row = { asOf: r.as_of.slice(0, 10), score: Number(r.score) };
    if (l) l.push(row);
    else out.set(r.account_id, [row]);
  }
  return out;
}
