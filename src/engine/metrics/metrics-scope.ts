import type { Viewer } from '../../core/access.ts';
import { AppError } from '../../core/errors.ts';
import type { MetricsScope } from '../../store/queries/metrics-inputs.ts';
import type { EngineContext } from '../context.ts';

/**
 * Retention figures are sums over accounts, so they follow the same visibility: a CSM's are their
 * own book; a manager's are their team's (themselves and their reports) or one owner of the team;
 * only an admin sees the whole company (or any owner). FORBIDDEN for an owner out of reach.
 */
export async function resolveMetricsScope(
  ctx: EngineContext,
  viewer: Viewer,
  owner: string | undefined,
): Promise<MetricsScope> {
  if (viewer.role === 'admin') return owner ? { owner } : {};
  if (viewer.role === 'csm') {
    if (owner && owner !== viewer.userId)
      throw new AppError('FORBIDDEN', 'a CSM sees the metrics of their own accounts only');
    return { owner: viewer.userId, viewer };
  }
  if (!owner || owner === viewer.userId) return owner ? { owner, viewer } : { viewer };
  const member = await ctx.store.users.get(owner);
  if (member?.manager_id !== viewer.userId) throw new AppError('FORBIDDEN', `${owner} is not on your team`);
  return { owner, viewer };
}
