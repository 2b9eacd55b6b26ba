import type { EngineContext } from '../context.ts';

/** Snoozed tasks whose time has come are open again (audited). Returns how many. */
export async function reopenSnoozedTasks(ctx: EngineContext): Promise<number> {
  return ctx.store.tasks.reopenSnoozed(ctx.clock.now().toISOString());
}
