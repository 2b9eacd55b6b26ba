import type { ImportRecord } from '../../store/contract-types.ts';
import type { RejectRecord } from '../../store/queries/list-rejects.ts';
import type { EngineContext } from '../context.ts';

export type { ImportRecord, RejectRecord };

/** Import runs, newest first (`GET /v1/imports`). */
export const listImports = (
  ctx: EngineContext,
  page: { limit: number; offset: number },
): Promise<ImportRecord[]> => ctx.store.imports.list(page);

/** Unresolved rejects, optionally of one import (`GET /v1/imports/rejects`, `vigil rejects`). */
export const listRejects = (
  ctx: EngineContext,
  options: { importId?: number | undefined; limit?: number; offset?: number },
): Promise<RejectRecord[]> => ctx.store.imports.rejects(options);
