import type { Contract } from '../../../core/data-model/entities.ts';
import type { Store } from '../../database.ts';

export type ContractOutcome = Pick<Contract, 'accountId' | 'start' | 'end' | 'status' | 'churnedAt'>;

/** Every contract's term and outcome, grouped by account: what training labels are made from. */
export async function listContractOutcomes(store: Store): Promise<Map<string, ContractOutcome[]>> {
  const rows = await store.db
    .selectFrom('contracts')
    .select(['account_id', 'start_date', 'end_date', 'status', 'churned_at'])
    .orderBy('account_id')
    .orderBy('start_date')
    .execute();
  const out = new Map<string, ContractOutcome[]>();
  for (const r of rows) {
    let list = out.get(r.account_id);
    if (!list) {
      list = [];
      out.set(r.account_id, list);
    }
    list.push({
      accountId: r.account_id,
      start: r.start_date,
      end: r.end_date,
      status: r.status as Contract['status'],
      churnedAt: r.churned_at,
    });
  }
  return out;
}
