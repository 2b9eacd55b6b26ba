/**
 * Matching Vigil accounts to CRM records: by the record id kept on the account
 * (Salesforce 15-character ids converted to 18), then by web domain. A domain
 * that finds no record or several is reported, never guessed.
 */

const SUFFIX_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

/**
 * The 18-character, case-insensitive form of a Salesforce id. Each 5-character
 * chunk of the 15-character id gives one suffix character: bit i is set when
 * character i is an upper-case letter, and the 5-bit value indexes A–Z0–5.
 * Returns null for anything that is not a 15- or 18-character id.
 */
export function toSalesforceId18(id: string): string | null {
  const s = id.trim();
  if (!/^[a-zA-Z0-9]{15}([a-zA-Z0-5]{3})?$/.test(s)) return null;
  if (s.length === 18) return s.slice(0, 15) + s.slice(15).toUpperCase();
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const ch = s.charAt(chunk * 5 + i);
      if (ch >= 'A' && ch <= 'Z') bits |= 1 << i;
    }
    suffix += SUFFIX_CHARS.charAt(bits);
  }
  return s + suffix;
}

/** `https://www.Example.com/about` → `example.com`; null when there is no host. */
export function normalizeDomain(raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  let s = raw.trim().toLowerCase();
  if (s === '') return null;
  s = s.replace(/^[a-z][a-z0-9+.-]*:\/\//, '');
  s = s.split(/[/?#]/)[0] ?? '';
  s = s
    .replace(/:\d+$/, '')
    .replace(/^www\./, '')
    .replace(/\.$/, '');
  return /^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(s) ? s : null;
}

export type MatchAccount = { id: string; traits: Record<string, unknown> };
export type MatchRules = { idTrait: string; domainTrait: string; order: readonly ('id' | 'domain')[] };
export type CrmKind = 'hubspot' | 'salesforce';

export type MatchResult = {
  matched: { accountId: string; crmId: string; by: 'id' | 'domain' }[];
  unmatched: { accountId: string; reason: string }[];
};

/** The id kept on an account for this CRM, normalised (Salesforce → 18 chars, HubSpot → digits), or an error. */
export function crmIdOf(
  kind: CrmKind,
  account: MatchAccount,
  idTrait: string,
): { id: string } | { error: string } | null {
  const raw = account.traits[idTrait];
  if (raw === undefined || raw === null || raw === '') return null;
  const s = String(raw).trim();
  if (kind === 'salesforce') {
    const id18 = toSalesforceId18(s);
    return id18
      ? { id: id18 }
      : { error: `trait ${idTrait} "${s}" is not a 15- or 18-character Salesforce id` };
  }
  return /^\d{1,20}$/.test(s) ? { id: s } : { error: `trait ${idTrait} "${s}" is not a HubSpot company id` };
}

/**
 * Matches accounts by the rules in order. `byDomain` holds, per normalised
 * domain, the ids of the CRM records carrying it (as read from the CRM).
 */
export function matchAccounts(
  kind: CrmKind,
  accounts: readonly MatchAccount[],
  rules: MatchRules,
  byDomain: ReadonlyMap<string, readonly string[]>,
): MatchResult {
  const result: MatchResult = { matched: [], unmatched: [] };
  for (const a of accounts) {
    const reasons: string[] = [];
    let hit: { crmId: string; by: 'id' | 'domain' } | null = null;
    for (const rule of rules.order) {
      if (rule === 'id') {
        const got = crmIdOf(kind, a, rules.idTrait);
        if (got === null) reasons.push(`no ${rules.idTrait}`);
        else if ('error' in got) reasons.push(got.error);
        else hit = { crmId: got.id, by: 'id' };
      } else {
        const domain = normalizeDomain(a.traits[rules.domainTrait]);
        if (!domain) {
          reasons.push(`no ${rules.domainTrait}`);
          continue;
        }
        const ids = byDomain.get(domain) ?? [];
        if (ids.length === 1) hit = { crmId: ids[0] as string, by: 'domain' };
        else if (ids.length === 0) reasons.push(`no CRM record with domain ${domain}`);
        else reasons.push(`${ids.length} CRM records share domain ${domain} (${ids.slice(0, 3).join(', ')})`);
      }
      if (hit) break;
    }
    if (hit) result.matched.push({ accountId: a.id, ...hit });
    else result.unmatched.push({ accountId: a.id, reason: reasons.join('; ') || 'no matching rule' });
  }
  return result;
}

/** The accounts whose domain must be looked up in the CRM (no usable id when `id` comes first). */
export function domainsToLookUp(
  kind: CrmKind,
  accounts: readonly MatchAccount[],
  rules: MatchRules,
): string[] {
  if (!rules.order.includes('domain')) return [];
  const out = new Set<string>();
  for (const a of accounts) {
    const idFirst = rules.order[0] === 'id';
    const got = crmIdOf(kind, a, rules.idTrait);
    if (idFirst && got !== null && 'id' in got) continue;
    const d = normalizeDomain(a.traits[rules.domainTrait]);
    if (d) out.add(d);
  }
  return [...out];
}
