import { AppError } from '../../core/errors.ts';
import type { EngineContext } from '../context.ts';

export type ApproveModelReport = {
  version: number;
  previous: number | null;
  approvedBy: string;
  approvedAt: string;
  /** Accounts queued for a rescore under the newly active model. */
  accountsQueued: number;
};

/**
 * A person approves a proposed model: it becomes active, the previous active one is retired, and
 * every account is queued for a rescore. Stored scores keep the model version they were made
 * under, so history stays marked as such.
 */
export async function approveModel(
  ctx: EngineContext,
  version: number,
  by: string,
): Promise<ApproveModelReport> {
  if (!Number.isInteger(version) || version < 1)
    throw new AppError('BAD_INPUT', 'model version must be a positive integer');
  if (!by.trim()) throw new AppError('BAD_INPUT', 'approver is required');
  const at = ctx.clock.now().toISOString();
  const { previous, accountsQueued } = await ctx.store.models.approve(version, by, at);
  ctx.logger.info(
    `model ${version} approved by ${by} (was ${previous ?? 'none'}); ${accountsQueued} accounts queued`,
  );
  return { version, previous, approvedBy: by, approvedAt: at, accountsQueued };
}
