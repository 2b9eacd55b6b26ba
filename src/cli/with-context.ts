import type { Command } from 'commander';
import { createContext, type EngineContext } from '../engine/context.ts';

/** Opens the engine context for the global `--db` option, runs `fn`, and always closes the store. */
export async function withContext<T>(cmd: Command, fn: (ctx: EngineContext) => Promise<T>): Promise<T> {
  const root = cmd.optsWithGlobals() as { db?: string };
  const ctx = await createContext(root.db ? { databaseUrl: root.db } : {});
  try {
    return await fn(ctx);
  } finally {
    await ctx.store.close();
  }
}

/** Prints a value as JSON on stdout (every read command supports `--json`). */
export const printJson = (value: unknown) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
