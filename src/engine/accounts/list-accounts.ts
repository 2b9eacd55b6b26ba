import type { Viewer } from '../../core/access.ts';
import type {
  AccountSort,
  AccountSummary,
  ListAccountSummariesOptions,
} from '../../store/queries/api/list-account-summaries.ts';
import { type EngineContext, today } from '../context.ts';

export {
  ACCOUNT_SORTS,
  type AccountSort,
  type AccountSummary,
} from '../../store/queries/api/list-account-summaries.ts';

export type ListAccountsInput = Omit<ListAccountSummariesOptions, 'asOf'> & { asOf?: string };

/**
 * The portfolio list (`GET /v1/accounts`, `vigil accounts`): the accounts a viewer may see with
 * their current score and, as of a date (default today), ARR, seats and renewal date.
 */
export async function listAccounts(
  ctx: EngineContext,
  viewer: Viewer,
  input: ListAccountsInput,
): Promise<{ asOf: string; total: number; items: AccountSummary[] }> {
  const asOf = input.asOf ?? today(ctx);
  const r = await ctx.store.accounts.listSummaries(viewer, { ...input, asOf });
  return { asOf, total: r.total, items: r.items };
}

export type { AccountSort as ListAccountsSort };
