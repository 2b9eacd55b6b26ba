import { addMonths } from '../contracts/contract-terms.ts';
import type { Contact, Contract } from '../data-model/entities.ts';
import type { CrmReadSettings, PushField, ReadField } from './connection-schema.ts';

/** A CRM user who can own records (HubSpot owner, Salesforce User). */
export type CrmOwner = { id: string; email: string | null; name: string | null };

/** Every record read carries its id and last-modified instant (the cursor is built from these). */
export type CrmStamped = { id: string; modifiedAt: string };
export type CrmCompany = CrmStamped & { name: string | null; domain: string | null; ownerId: string | null };
export type CrmContact = CrmStamped & {
  companyId: string | null;
  email: string | null;
  name: string | null;
  title: string | null;
  role: string | null;
};
export type CrmDeal = CrmStamped & {
  companyId: string | null;
  name: string | null;
  amount: number | null;
  closeDate: string | null;
  stage: 'won' | 'lost' | 'open';
  type: string | null;
};

/** The direction of a field (left out: pushed fields write, read fields read). */
export function fieldDirection(
  directions: Readonly<Record<string, string>>,
  field: PushField | ReadField,
): 'read' | 'write' | 'none' {
  const d = directions[field];
  if (d === 'read' || d === 'write' || d === 'none') return d;
  return (['owner', 'contacts', 'deals'] as string[]).includes(field) ? 'read' : 'write';
}

/**
 * CRM owners to Vigil users by e-mail (case-insensitive). An owner with no
 * e-mail, or whose e-mail is no Vigil user's, is unknown: reported, never
 * guessed, and the account keeps its owner.
 */
export function mapOwnersToUsers(
  owners: readonly CrmOwner[],
  users: readonly { id: string; email: string | null }[],
): { byOwnerId: Map<string, string>; unknown: CrmOwner[] } {
  const byEmail = new Map<string, string>();
  for (const u of users) if (u.email) byEmail.set(u.email.trim().toLowerCase(), u.id);
  const byOwnerId = new Map<string, string>();
  const unknown: CrmOwner[] = [];
  for (const o of owners) {
    const user = o.email ? byEmail.get(o.email.trim().toLowerCase()) : undefined;
    if (user) byOwnerId.set(o.id, user);
    else unknown.push(o);
  }
  return { byOwnerId, unknown };
}

/**
 * A Vigil contact role from a CRM buying role (HubSpot `hs_buying_role`
 * values such as CHAMPION, EXECUTIVE_SPONSOR, DECISION_MAKER, BUDGET_HOLDER,
 * END_USER; Salesforce contact-role picklist labels such as "Executive
 * Sponsor", "Economic Buyer", "Business User"). Several values (`;`) take the
 * strongest. Unknown or empty: null (an existing role is kept).
 */
export function contactRoleOf(raw: string | null | undefined): Contact['role'] | null {
  if (!raw) return null;
  const parts = raw
    .split(';')
    .map((p) =>
      p
        .trim()
        .toLowerCase()
        .replace(/[\s-]+/g, '_'),
    )
    .filter(Boolean);
  const rank = (p: string): Contact['role'] | null => {
    if (p === 'champion') return 'champion';
    if (['executive_sponsor', 'decision_maker', 'budget_holder', 'economic_buyer'].includes(p))
      return 'executive_sponsor';
    if (['admin', 'administrator', 'technical_buyer', 'it_admin'].includes(p)) return 'admin';
    if (['end_user', 'user', 'business_user', 'influencer', 'evaluator', 'other'].includes(p)) return 'user';
    return null;
  };
  const order: Contact['role'][] = ['executive_sponsor', 'champion', 'admin', 'user'];
  const found = parts.map(rank).filter((r): r is Contact['role'] => r !== null);
  return order.find((r) => found.includes(r)) ?? null;
}

/** A Vigil contact from a CRM contact of a matched account. */
export function toVigilContact(
  connectionId: string,
  c: CrmContact,
  accountId: string,
): Omit<Contact, 'role'> & {
  role: Contact['role'] | null;
} {
  return {
    id: `${connectionId}:${c.id}`,
    accountId,
    email: c.email,
    name: c.name,
    title: c.title,
    role: contactRoleOf(c.role),
    joinedAt: null,
    leftAt: null,
  };
}

const dayBefore = (iso: string) =>
  new Date(Date.parse(`${iso}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);

export type DealMapped =
  | { kind: 'contract'; contract: Contract }
  | { kind: 'renewal'; accountId: string; renewalDate: string; amount: number | null }
  | { kind: 'ignored'; reason: string };

const isRenewal = (d: CrmDeal, s: CrmReadSettings) =>
  !!d.type && s.renewalTypes.some((t) => t.toLowerCase() === (d.type as string).toLowerCase());

/**
 * A deal / opportunity in Vigil's data model, so the one contract rule
 * (core/contracts/contract-terms.ts) sees it:
 * - closed won: a contract `<connection>:<deal id>` from its close date for
 *   `termMonths` (last day = close date + term − 1 day), ARR = amount × 12 ÷
 *   term, in the connection's currency;
 * - open and a renewal type: the next renewal date (its close date) — the
 *   term of this connection's contract running before it then ends the day
 *   before (see `applyRenewalDates`);
 * - lost, open new business, or without close date / amount: ignored (with why).
 */
export function mapDeal(connectionId: string, d: CrmDeal, accountId: string, s: CrmReadSettings): DealMapped {
  if (!d.closeDate || !/^\d{4}-\d{2}-\d{2}$/.test(d.closeDate))
    return { kind: 'ignored', reason: `deal ${d.id} has no close date` };
  if (d.stage === 'won') {
    if (d.amount === null || !Number.isFinite(d.amount) || d.amount < 0)
      return { kind: 'ignored', reason: `won deal ${d.id} has no amount` };
    return {
      kind: 'contract',
      contract: {
        id: `${connectionId}:${d.id}`,
        accountId,
        start: d.closeDate,
        end: dayBefore(addMonths(d.closeDate, s.termMonths)),
        arr: Math.round(((d.amount * 12) / s.termMonths) * 100) / 100,
        currency: s.currency,
        plan: d.name,
        products: [],
        status: 'active',
      },
    };
  }
  if (d.stage === 'open' && isRenewal(d, s))
    return { kind: 'renewal', accountId, renewalDate: d.closeDate, amount: d.amount };
  return {
    kind: 'ignored',
    reason: d.stage === 'lost' ? `deal ${d.id} is lost` : `open deal ${d.id} is not a renewal`,
  };
}

/**
 * Open renewals as renewal dates: the contract of this connection that is
 * running before the renewal date (latest start before it) ends the day
 * before it. Returns only the contracts that change.
 */
export function applyRenewalDates(
  contracts: readonly Contract[],
  renewals: readonly { accountId: string; renewalDate: string }[],
): Contract[] {
  const out = new Map<string, Contract>();
  for (const r of renewals) {
    const before = contracts
      .filter((c) => c.accountId === r.accountId && c.start < r.renewalDate)
      .sort((a, b) => (a.start < b.start ? 1 : -1))[0];
    if (!before) continue;
    const current = out.get(before.id) ?? before;
    const end = dayBefore(r.renewalDate);
    if (current.end !== end) out.set(before.id, { ...current, end });
  }
  return [...out.values()];
}

/**
 * Where an incremental read resumes: the last-modified instant reached and
 * the ids already applied at exactly that instant. The read asks for records
 * modified at or after `at` (`>=`: a record changed in the same millisecond
 * as the last one applied is never lost) and skips those in `ids` (never
 * applied twice — and applying one again would be an idempotent upsert).
 */
export type ReadCursor = { at: string; ids: string[] };

export function isAfterCursor(r: CrmStamped, c: ReadCursor | null): boolean {
  if (!c) return true;
  if (r.modifiedAt > c.at) return true;
  return r.modifiedAt === c.at && !c.ids.includes(r.id);
}

/** The cursor after applying `records` (sorted by modifiedAt ascending) on top of `c`. */
export function advanceCursor(c: ReadCursor | null, records: readonly CrmStamped[]): ReadCursor | null {
  let cur = c;
  for (const r of records) {
    if (!cur || r.modifiedAt > cur.at) cur = { at: r.modifiedAt, ids: [r.id] };
    else if (r.modifiedAt === cur.at && !cur.ids.includes(r.id))
      cur = { at: cur.at, ids: [...cur.ids, r.id] };
  }
  return cur;
}
