import { accountTermsOn, byAccount } from '../../core/contracts/contract-terms.ts';
import { DAY_MS as DAY } from '../../core/dates/day-number.ts';
import type { PlaybookAccount, PlaybookSubject } from '../../core/playbooks/evaluate-playbooks.ts';
import { computeExpansionOpportunity, type ExpansionOpportunity } from '../../core/playbooks/expansion.ts';
import { expansionInputFromData } from '../../core/playbooks/expansion-input.ts';
import type { Playbook } from '../../core/playbooks/playbook-schema.ts';
import type { ScoreChange } from '../../core/playbooks/score-change.ts';
import { effectiveScore } from '../../core/scoring/effective-score.ts';
import type { Store } from '../../store/database.ts';
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
  const enabled = playbooks.filter((p) => p.enabled);
  const historyDays = Math.max(
    0,
    ...enabled.map((p) => (p.trigger.type === 'score_dropped' ? p.trigger.withinDays : 0)),
  );
  const historyFrom =
    historyDays > 0 ? new Date(Date.parse(asOf) - historyDays * DAY).toISOString().slice(0, 10) : null;
  const facts = await store.playbooks.subjectFacts(ids, historyFrom);
  // ARR and renewal of the live terms: the one rule (src/core/contracts/contract-terms.ts)
  const byId = byAccount(facts.contracts);
  for (const r of facts.accounts) {
    const own = byId.get(r.id);
    const t = own ? accountTermsOn(own, day) : null;
    accounts.set(r.id, {
      id: r.id,
      name: r.name,
      segment: r.segment,
      owner: r.owner,
      manager: r.owner ? (facts.managers.get(r.owner) ?? null) : null,
      arr: t?.arr ?? 0,
      tags: r.tags,
      renewalDate: t?.renewalDate ?? null,
    });
  }
  const history = facts.history;

  const expansion = new Map<string, ExpansionOpportunity | null>();
  if (enabled.some((p) => p.trigger.type === 'expansion_ready')) {
    const cutoff = await findTopQuartileScore(store);
    const candidates = changes.filter((c) => cutoff !== null && effectiveScore(c.current) >= cutoff);
    const data = await store.accounts.loadManyData(
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
