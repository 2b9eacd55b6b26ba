import type { Contract } from '../../core/data-model/entities.ts';
import { AppError, isAppError } from '../../core/errors.ts';
import type { HubspotSettings, SalesforceSettings } from '../../core/integrations/connection-schema.ts';
import {
  advanceCursor,
  applyRenewalDates,
  type CrmCompany,
  type CrmContact,
  type CrmDeal,
  fieldDirection,
  isAfterCursor,
  mapDeal,
  mapOwnersToUsers,
  type ReadCursor,
  toVigilContact,
} from '../../core/integrations/crm-read-mapping.ts';
import { normalizeDomain, toSalesforceId18 } from '../../core/integrations/crm-record-match.ts';
import { loadPushState } from '../../store/queries/integrations/crm-push-state.ts';
import {
  applyCrmReadPage,
  type CrmReadPage,
  listAccountLinks,
  listContractsWithPrefix,
  listUserEmails,
  loadReadCursors,
} from '../../store/resources/crm-read.ts';
import type { EngineContext } from '../context.ts';
import { type CallGuard, SyncStopped } from './call-guard.ts';
import { type Connection, loadConnection } from './connections.ts';
import type { CrmReader, CrmReadObject } from './crm-reader.ts';
import { openCrmSession } from './crm-session.ts';
import { createHubspotReader } from './hubspot-reader.ts';
import { hubspotMessage } from './hubspot-writer.ts';
import { recordSync } from './record-sync.ts';
import { openSalesforce } from './salesforce-connection.ts';
import { createSalesforceReader } from './salesforce-reader.ts';
import { salesforceMessage } from './salesforce-writer.ts';

export type ReadCrmOptions = {
  /** Read and map, write nothing, move no cursor. */
  dryRun?: boolean;
  /** Ignore the stored cursors and read everything again (upserts: nothing is doubled). */
  full?: boolean;
  /** Tests replace the wait of a 429. */
  sleep?: (ms: number) => Promise<void>;
};

export type ReadObjectReport = { fetched: number; applied: number; skipped: number; pages: number };

export type ReadCrmReport = {
  connectionId: string;
  kind: 'hubspot' | 'salesforce';
  dryRun: boolean;
  status: 'ok' | 'failed' | 'budget-spent' | 'rate-limited' | 'dry-run';
  message: string;
  objects: Record<CrmReadObject, ReadObjectReport>;
  /** CRM owners with no Vigil user of the same e-mail (the accounts keep their owner). */
  unknownOwners: { ownerId: string; email: string | null; name: string | null; records: string[] }[];
  /** CRM records Vigil could not place (no matching account, no company, deleted company, …). */
  unmatched: { object: CrmReadObject; crmId: string; reason: string }[];
  ownersChanged: number;
  contacts: number;
  contracts: number;
  /** Dry run: the owner changes and contracts a real read would write. */
  planned: { owners: { accountId: string; owner: string }[]; contracts: Contract[]; contacts: number };
  cursors: Partial<Record<CrmReadObject, ReadCursor>>;
  calls: number;
  syncLogId: number | null;
};

const emptyObject = (): ReadObjectReport => ({ fetched: 0, applied: 0, skipped: 0, pages: 0 });

function readerFor(
  ctx: EngineContext,
  c: Connection,
  options: ReadCrmOptions,
): { reader: CrmReader; guard: CallGuard; settings: HubspotSettings | SalesforceSettings } {
  const session = openCrmSession(ctx, c, options);
  const { guard, settings } = session;
  if (session.kind === 'hubspot')
    return { reader: createHubspotReader(session.settings, session.token, guard), guard, settings };
  return { reader: createSalesforceReader(session.settings, openSalesforce(ctx, c), guard), guard, settings };
}

/**
 * Reads accounts' owners, contacts and deals / opportunities from a CRM
 * connection, incrementally: per object, records modified at or after the
 * stored cursor, oldest first; each page's writes and its cursor commit in one
 * transaction, so a stop (429 storm, budget, 500, crash) resumes from the last
 * committed page — nothing lost, nothing applied twice. CRM companies are
 * placed on Vigil accounts by the connection's match rules (record id trait,
 * a previous push, then a unique domain — never guessed); owners become Vigil
 * users by e-mail (unknown owners are reported); contacts with their buying
 * role become contacts; won deals become contracts and open renewals set the
 * renewal date, through the importer's data model so the one contract rule
 * sees them. Each field follows its direction (`read` / `none`).
 */
export async function readCrm(
  ctx: EngineContext,
  connectionId: string,
  options: ReadCrmOptions = {},
): Promise<ReadCrmReport> {
  const startedAt = ctx.clock.now().toISOString();
  const c = await loadConnection(ctx, connectionId);
  if (!c.enabled && !options.dryRun)
    throw new AppError('PRECONDITION_FAILED', `connection ${c.id} is disabled`);
  const { reader, guard, settings: s } = readerFor(ctx, c, options);
  const kind = c.kind as 'hubspot' | 'salesforce';
  const dryRun = options.dryRun ?? false;
  const report: ReadCrmReport = {
    connectionId: c.id,
    kind,
    dryRun,
    status: dryRun ? 'dry-run' : 'ok',
    message: '',
    objects: { companies: emptyObject(), contacts: emptyObject(), deals: emptyObject() },
    unknownOwners: [],
    unmatched: [],
    ownersChanged: 0,
    contacts: 0,
    contracts: 0,
    planned: { owners: [], contracts: [], contacts: 0 },
    cursors: {},
    calls: 0,
    syncLogId: null,
  };
  const readOwner = fieldDirection(s.directions, 'owner') === 'read';
  const readContacts = fieldDirection(s.directions, 'contacts') === 'read';
  const readDeals = fieldDirection(s.directions, 'deals') === 'read';
  const normId = (id: string) => (kind === 'salesforce' ? (toSalesforceId18(id) ?? id) : id);

  try {
    const cursors = options.full ? {} : await loadReadCursors(ctx.store, c.id);
    const accounts = await listAccountLinks(ctx.store);
    const ownerOfAccount = new Map(accounts.map((a) => [a.id, a.owner]));
    // CRM record → Vigil account: the id trait, then an earlier push, then (for companies) a unique domain
    const accountOfCrm = new Map<string, string>();
    for (const [accountId, st] of await loadPushState(ctx.store, c.id))
      accountOfCrm.set(normId(st.crmId), accountId);
    const byDomain = new Map<string, string[]>();
    for (const a of accounts) {
      const idv = a.traits[s.match.idTrait];
      if ((typeof idv === 'string' && idv) || typeof idv === 'number')
        accountOfCrm.set(normId(String(idv)), a.id);
      const d = normalizeDomain(a.traits[s.match.domainTrait]);
      if (d) byDomain.set(d, [...(byDomain.get(d) ?? []), a.id]);
    }

    let ownerMap = new Map<string, string>();
    const unknownOwners = new Map<string, ReadCrmReport['unknownOwners'][number]>();
    if (readOwner) {
      const owners = await reader.listOwners();
      const m = mapOwnersToUsers(owners, await listUserEmails(ctx.store));
      ownerMap = m.byOwnerId;
      for (const o of m.unknown)
        unknownOwners.set(o.id, { ownerId: o.id, email: o.email, name: o.name, records: [] });
    }

    const commit = async (
      object: CrmReadObject,
      page: Omit<CrmReadPage, 'connectionId' | 'object' | 'at'>,
    ) => {
      if (dryRun) {
        report.planned.owners.push(...page.owners.filter((o) => ownerOfAccount.get(o.accountId) !== o.owner));
        report.planned.contracts.push(...page.contracts);
        report.planned.contacts += page.contacts.length;
        return;
      }
      const r = await applyCrmReadPage(ctx.store, {
        ...page,
        connectionId: c.id,
        object,
        at: ctx.clock.now().toISOString(),
      });
      report.ownersChanged += r.owners;
      report.contacts += r.contacts;
      report.contracts += r.contracts;
    };

    // 1. companies: links (domain → record id kept as a trait) and owners
    {
      let cursor = (cursors.companies as ReadCursor | undefined) ?? null;
      for await (const page of reader.pages('companies', cursor?.at ?? null)) {
        const o = report.objects.companies;
        o.pages++;
        o.fetched += page.length;
        const fresh = page.filter((r) => isAfterCursor(r, cursor));
        o.skipped += page.length - fresh.length;
        const owners: CrmReadPage['owners'] = [];
        const traits: CrmReadPage['traits'] = [];
        for (const r of fresh as CrmCompany[]) {
          let accountId = accountOfCrm.get(r.id);
          if (!accountId) {
            const d = normalizeDomain(r.domain);
            const hits = d ? (byDomain.get(d) ?? []) : [];
            if (hits.length === 1) {
              accountId = hits[0] as string;
              accountOfCrm.set(r.id, accountId);
              traits.push({ accountId, traits: { [s.match.idTrait]: r.id } });
            } else {
              report.unmatched.push({
                object: 'companies',
                crmId: r.id,
                reason:
                  hits.length > 1
                    ? `${hits.length} Vigil accounts share domain ${d} (${hits.join(', ')})`
                    : `no Vigil account has ${s.match.idTrait} = ${r.id}${d ? ` or domain ${d}` : ''}`,
              });
              continue;
            }
          }
          o.applied++;
          if (readOwner && r.ownerId) {
            const user = ownerMap.get(r.ownerId);
            if (user) owners.push({ accountId, owner: user });
            else {
              const u = unknownOwners.get(r.ownerId) ?? {
                ownerId: r.ownerId,
                email: null,
                name: null,
                records: [],
              };
              u.records.push(r.id);
              unknownOwners.set(r.ownerId, u);
            }
          }
        }
        cursor = advanceCursor(cursor, fresh);
        await commit('companies', { cursor, owners, traits, contacts: [], contracts: [] });
        if (cursor) report.cursors.companies = cursor;
      }
    }

    // 2. contacts of matched accounts, with their buying role
    if (readContacts) {
      let cursor = (cursors.contacts as ReadCursor | undefined) ?? null;
      for await (const page of reader.pages('contacts', cursor?.at ?? null)) {
        const o = report.objects.contacts;
        o.pages++;
        o.fetched += page.length;
        const fresh = page.filter((r) => isAfterCursor(r, cursor));
        o.skipped += page.length - fresh.length;
        const contacts: CrmReadPage['contacts'] = [];
        for (const r of fresh as CrmContact[]) {
          const accountId = r.companyId ? accountOfCrm.get(r.companyId) : undefined;
          if (!accountId) {
            report.unmatched.push({
              object: 'contacts',
              crmId: r.id,
              reason: r.companyId
                ? `its company ${r.companyId} is no Vigil account (unmatched or deleted)`
                : 'it has no company',
            });
            continue;
          }
          o.applied++;
          contacts.push(toVigilContact(c.id, r, accountId));
        }
        cursor = advanceCursor(cursor, fresh);
        await commit('contacts', { cursor, owners: [], traits: [], contacts, contracts: [] });
        if (cursor) report.cursors.contacts = cursor;
      }
    }

    // 3. deals / opportunities: won → contracts; open renewals → renewal dates
    if (readDeals) {
      let cursor = (cursors.deals as ReadCursor | undefined) ?? null;
      const known = new Map((await listContractsWithPrefix(ctx.store, `${c.id}:`)).map((k) => [k.id, k]));
      for await (const page of reader.pages('deals', cursor?.at ?? null)) {
        const o = report.objects.deals;
        o.pages++;
        o.fetched += page.length;
        const fresh = page.filter((r) => isAfterCursor(r, cursor));
        o.skipped += page.length - fresh.length;
        const contracts = new Map<string, Contract>();
        const renewals: { accountId: string; renewalDate: string }[] = [];
        for (const r of fresh as CrmDeal[]) {
          const accountId = r.companyId ? accountOfCrm.get(r.companyId) : undefined;
          if (!accountId) {
            report.unmatched.push({
              object: 'deals',
              crmId: r.id,
              reason: r.companyId
                ? `its company ${r.companyId} is no Vigil account (unmatched or deleted)`
                : 'it has no company',
            });
            continue;
          }
          const m = mapDeal(c.id, r, accountId, s.read);
          if (m.kind === 'ignored') {
            o.skipped++;
            continue;
          }
          o.applied++;
          if (m.kind === 'contract') contracts.set(m.contract.id, m.contract);
          else renewals.push(m);
        }
        for (const k of contracts.values()) known.set(k.id, k);
        for (const k of applyRenewalDates([...known.values()], renewals)) {
          known.set(k.id, k);
          contracts.set(k.id, k);
        }
        cursor = advanceCursor(cursor, fresh);
        await commit('deals', {
          cursor,
          owners: [],
          traits: [],
          contacts: [],
          contracts: [...contracts.values()],
        });
        if (cursor) report.cursors.deals = cursor;
      }
    }
    report.unknownOwners = [...unknownOwners.values()].filter((u) => u.records.length > 0);
  } catch (e) {
    if (e instanceof SyncStopped) {
      report.status = e.reason;
      report.message = e.message;
    } else {
      report.status = 'failed';
      report.message = isAppError(e)
        ? e.message
        : kind === 'hubspot'
          ? hubspotMessage(e)
          : salesforceMessage(e);
    }
  }
  report.calls = guard.calls;
  const o = report.objects;
  const summary = `companies ${o.companies.applied}/${o.companies.fetched}, contacts ${o.contacts.applied}/${o.contacts.fetched}, deals ${o.deals.applied}/${o.deals.fetched} applied/read; ${report.unmatched.length} unmatched, ${report.unknownOwners.length} unknown owner(s)${report.unknownOwners.length ? ` (${report.unknownOwners.map((u) => u.email ?? u.ownerId).join(', ')})` : ''}`;
  report.message = report.message
    ? `${report.message} (before it stopped: ${summary}; the next read resumes from the cursor)`
    : dryRun
      ? `dry run: ${summary}; would change ${report.planned.owners.length} owner(s), ${report.planned.contacts} contact(s), ${report.planned.contracts.length} contract(s)`
      : `${summary}; changed ${report.ownersChanged} owner(s), ${report.contacts} contact(s), ${report.contracts} contract(s)`;
  report.syncLogId = await recordSync(ctx, {
    connectionId: c.id,
    operation: dryRun ? 'dry-run' : 'read',
    status: report.status,
    startedAt,
    records: o.companies.fetched + o.contacts.fetched + o.deals.fetched,
    succeeded: o.companies.applied + o.contacts.applied + o.deals.applied,
    failed: 0,
    unmatched: report.unmatched.length,
    calls: report.calls,
    message: report.message,
    details: {
      objects: report.objects,
      unknownOwners: report.unknownOwners.slice(0, 200),
      unmatched: report.unmatched.slice(0, 200),
      cursors: report.cursors,
    },
  });
  return report;
}
