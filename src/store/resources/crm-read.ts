import type { Contact, Contract } from '../../core/data-model/entities.ts';
import type { ReadCursor } from '../../core/integrations/crm-read-mapping.ts';
import type { Store } from '../database.ts';
import { upsertContacts, upsertContracts } from '../queries/import-writes.ts';
import { toContract } from '../queries/load-account-data.ts';
import { DIRTY_PRIORITY, markDirty } from '../queries/mark-dirty.ts';

/** The read cursors of a connection, per CRM object (kept as JSON in `connections.cursor`). */
export async function loadReadCursors(
  store: Store,
  connectionId: string,
): Promise<Record<string, ReadCursor>> {
  const row = await store.db
    .selectFrom('connections')
    .select('cursor')
    .where('id', '=', connectionId)
    .executeTakeFirst();
  try {
    const parsed = JSON.parse(row?.cursor || '{}') as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, ReadCursor>) : {};
  } catch {
    return {};
  }
}

/** Accounts as a CRM read needs them: owner and traits (record id, domain). */
export async function listAccountLinks(
  store: Store,
): Promise<{ id: string; owner: string | null; traits: Record<string, unknown> }[]> {
  const rows = await store.db.selectFrom('accounts').select(['id', 'owner', 'traits']).execute();
  return rows.map((r) => ({
    id: r.id,
    owner: r.owner,
    traits: JSON.parse(r.traits || '{}') as Record<string, unknown>,
  }));
}

export async function listUserEmails(store: Store): Promise<{ id: string; email: string | null }[]> {
  return store.db.selectFrom('users').select(['id', 'email']).execute();
}

/** Contracts whose id starts with `prefix` (a connection's own, `<connection>:`). */
export async function listContractsWithPrefix(store: Store, prefix: string): Promise<Contract[]> {
  const rows = await store.db
    .selectFrom('contracts')
    .selectAll()
    .where('id', 'like', `${prefix.replace(/[%_]/g, '')}%`)
    .execute();
  return rows.map(toContract);
}

export type CrmReadPage = {
  connectionId: string;
  object: string;
  /** The cursor after this page; saved in the same transaction as the page's writes. */
  cursor: ReadCursor | null;
  owners: { accountId: string; owner: string }[];
  traits: { accountId: string; traits: Record<string, string> }[];
  /** Role null: keep the stored role (`user` for a new contact). */
  contacts: (Omit<Contact, 'role'> & { role: Contact['role'] | null })[];
  contracts: Contract[];
  at: string;
};

export type CrmReadPageResult = {
  changedAccounts: string[];
  contacts: number;
  contracts: number;
  owners: number;
};

/**
 * Applies one page of a CRM read and moves its cursor, in one transaction: the
 * cursor never passes a record whose writes did not commit, and a page applied
 * again (a retry) changes nothing (every write is an upsert by id).
 */
export async function applyCrmReadPage(store: Store, p: CrmReadPage): Promise<CrmReadPageResult> {
  const result = await store.db.transaction().execute(async (trx) => {
    const changed = new Set<string>();
    let owners = 0;
    for (const o of p.owners) {
      const r = await trx
        .updateTable('accounts')
        .set({ owner: o.owner, updated_at: p.at })
        .where('id', '=', o.accountId)
        .where((eb) => eb.or([eb('owner', 'is', null), eb('owner', '!=', o.owner)]))
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) > 0) {
        owners++;
        changed.add(o.accountId);
      }
    }
    for (const t of p.traits) {
      const row = await trx
        .selectFrom('accounts')
        .select('traits')
        .where('id', '=', t.accountId)
        .executeTakeFirst();
      if (!row) continue;
      const before = JSON.parse(row.traits || '{}') as Record<string, unknown>;
      const after = { ...before, ...t.traits };
      if (JSON.stringify(after) !== JSON.stringify(before)) {
        await trx
          .updateTable('accounts')
          .set({ traits: JSON.stringify(after), updated_at: p.at })
          .where('id', '=', t.accountId)
          .execute();
        // custom trait signals read traits: the account is rescored (and its scoring cache dropped)
        changed.add(t.accountId);
      }
    }
    let contacts = 0;
    if (p.contacts.length > 0) {
      const existing = new Map(
        (
          await trx
            .selectFrom('contacts')
            .select(['id', 'role'])
            .where(
              'id',
              'in',
              p.contacts.map((c) => c.id),
            )
            .execute()
        ).map((r) => [r.id, r.role]),
      );
      const rows: Contact[] = p.contacts.map((c) => ({
        ...c,
        role: c.role ?? ((existing.get(c.id) as Contact['role'] | undefined) || 'user'),
      }));
      const r = await upsertContacts(trx, rows);
      contacts = r.inserted + r.updated;
      for (const a of r.accountIds) changed.add(a);
    }
    let contracts = 0;
    if (p.contracts.length > 0) {
      const r = await upsertContracts(trx, p.contracts, p.at);
      contracts = r.inserted + r.updated;
      for (const a of r.accountIds) changed.add(a);
    }
    const row = await trx
      .selectFrom('connections')
      .select('cursor')
      .where('id', '=', p.connectionId)
      .executeTakeFirst();
    let cursors: Record<string, unknown> = {};
    try {
      cursors = JSON.parse(row?.cursor || '{}') as Record<string, unknown>;
    } catch {
      cursors = {};
    }
    if (p.cursor) cursors[p.object] = p.cursor;
    await trx
      .updateTable('connections')
      .set({ cursor: JSON.stringify(cursors) })
      .where('id', '=', p.connectionId)
      .execute();
    return { changedAccounts: [...changed], contacts, contracts, owners };
  });
  if (result.changedAccounts.length > 0)
    await markDirty(store, result.changedAccounts, p.at, DIRTY_PRIORITY.person);
  return result;
}
