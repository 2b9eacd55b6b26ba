import type { Viewer } from '../../core/access.ts';
import { getPortfolioSummary, type PortfolioSummary } from '../../store/queries/api/portfolio-summary.ts';
import { type EngineContext, today } from '../context.ts';

export type { PortfolioSummary };

/** Portfolio totals by band as a viewer sees them today (`GET /v1/portfolio`). */
export const portfolioSummary = (ctx: EngineContext, viewer: Viewer): Promise<PortfolioSummary> =>
  getPortfolioSummary(ctx.store, viewer, today(ctx));

export type { Viewer };
