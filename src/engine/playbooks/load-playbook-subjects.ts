import { accountTermsOn, byAccount } from '../../core/contracts/contract-terms.ts';
import { DAY_MS as DAY } from '../../core/dates/day-number.ts';
import type { PlaybookAccount, PlaybookSubject } from '../../core/playbooks/evaluate-playbooks.ts';
import { computeExpansionOpportunity, type ExpansionOpportunity } from '../../core/playbooks/expansion.ts';
import { expansionInputFromData } from '../../core/playbooks/expansion-input.ts';
import type { Playbook } from '../../core/playbooks/playbook-schema.ts';
import type { ScoreChange } from '../../core/playbooks/score-change.ts';
import { effectiveScore } from '../../core/scoring/effective-score.ts';
import type { Store } from '../../store/database.ts';
import { loadAccountsData } from '../../store/queries/load-account-data.ts';
import { findTopQuartileScore } from './top-quartile-score.ts';

/**
 * Loads what the triggers and conditions of `playbooks` need for the changed
 * accounts: account facts (segment, owner, the owner's manager, ARR and
 * renewal of the terms in force, tags), recent score history (only if a
 * score_dropped trigger needs it) and expansion evidence (only if an
 * expansion_ready trigger needs it, and only for top-quartile accounts).
 */
export async function loadPlaybookSubjects(
  store: Store,
  changes: readonly ScoreChange[],
  playbooks: readonly Playbook[],
  asOf: string,
): Promise<PlaybookSubject[]> {
  if (changes.length === 0) return [];
  const ids = [...new Set(changes.map((c) => c.accountId))];
  const day = asOf.slice(0, 10);
  const accounts = new Map<string, PlaybookAccount>();
  const history = new Map<string, { asOf: string; score: number }[]>();
  const enabled = playbooks.filter((p) => p.enabled);
  const historyDays = Math.max(
    0,
    ...enabled.map((p) => (p.trigger.type === 'score_dropped' ? p.trigger.withinDays : 0)),
  );
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    const [rows, contracts] = await Promise.all([
      store.db
        .selectFrom('accounts')
        .select(['id', 'name', 'segment', 'owner', 'tags'])
        .where('id', 'in', chunk)
        .execute(),
      store.db
        .selectFrom('contracts')
        .select(['account_id', 'arr', 'end_date', 'start_date', 'status', 'churned_at', 'billing_period'])
        .where('account_id', 'in', chunk)
        .execute(),
    ]);
    const owners = [...new Set(rows.map((r) => r.owner).filter((o): o is string => o !== null))];
    const managers = new Map<string, string | null>();
    if (owners.length > 0)
      for (const u of await store.db
        .selectFrom('users')
        .select(['id', 'manager_id'])
        .where('id', 'in', owners)
        .execute())
        managers.set(u.id, u.manager_id);
    // ARR and renewal of the live terms: the one rule (src/core/contracts/contract-terms.ts)
    const byId = byAccount(
      contracts.map((c) => ({
        accountId: c.account_id,
        start: c.start_date,
        end: c.end_date,
        billingPeriod: c.billing_period as 'month' | 'year' | null,
        arr: Number(c.arr),
        status: c.status,
        churnedAt: c.churned_at,
      })),
    );
    for (const r of rows) {
      const own = byId.get(r.id);
      const t = own ? accountTermsOn(own, day) : null;
      accounts.set(r.id, {
        id: r.id,
        name: r.name,
        segment: r.segment,
        owner: r.owner,
        manager: r.owner ? (managers.get(r.owner) ?? null) : null,
        arr: t?.arr ?? 0,
        tags: JSON.parse(r.tags || '[]') as string[],
        renewalDate: t?.renewalDate ?? null,
      });
    }
    if (historyDays > 0) {
      const from = new Date(Date.parse(asOf) - historyDays * DAY).toISOString().slice(0, 10);
      const hist = await store.db
        .selectFrom('scores')
        .select(['account_id', 'as_of', 'score'])
        .where('account_id', 'in', chunk)
        .where('as_of', '>=', from)
        .execute();
      for (const h of hist) {
        const list = history.get(h.account_id) ?? [];
        list.push({ asOf: h.as_of, score: Number(h.score) });
        history.set(h.account_id, list);
      }
    }
  }

  const expansion = new Map<string, ExpansionOpportunity | null>();
  if (enabled.some((p) => p.trigger.type === 'expansion_ready')) {
    const cutoff = await findTopQuartileScore(store);
    const candidates = changes.filter((c) => cutoff !== null && effectiveScore(c.current) >= cutoff);
    const data = await loadAccountsData(
      store,
      candidates.map((c) => c.accountId),
      day,
      200,
    );
    for (const c of candidates) {
      const d = data.get(c.accountId);
      if (!d || cutoff === null) continue;
      expansion.set(
        c.accountId,
        computeExpansionOpportunity(expansionInputFromData(d, day, effectiveScore(c.current), cutoff)),
      );
    }
  }

  const out: PlaybookSubject[] = [];
  for (const change of changes) {
    const account = accounts.get(change.accountId);
    if (!account) continue; // deleted since it was scored
    // the history must not contain the score being judged, or a drop would be compared with itself
    const own = (history.get(change.accountId) ?? []).filter((h) => h.asOf < change.current.asOf);
    out.push({ change, account, history: own, expansion: expansion.get(change.accountId) ?? null });
  }
  return out;
}
