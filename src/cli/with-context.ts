import type { Command } from 'commander';
import { createContext, type EngineContext } from '../engine/context.ts';

/** Opens the engine context for the global `--db` option, runs `fn`, and always closes the store. */
export async function withContext<T>(cmd: Command, fn: (ctx: EngineContext) => Promise<T>): Promise<T> {
  const root = cmd.optsWithGlobals() as { db?: string; create?: boolean };
  // an explicit --db must name a Vigil database: a typo must not create an empty one
  // (commands that load data may create it; any command may with --create)
  const ctx = await createContext(root.db ? { databaseUrl: root.db } : {}, undefined, {
    checkDatabasePath: root.db
      ? root.create || CREATING.has(topCommand(cmd))
        ? 'create'
        : 'existing'
      : undefined,
  });
  try {
    return await fn(ctx);
  } finally {
    await ctx.store.close();
  }
}

/** Commands that fill a database and so may create it. */
const CREATING = new Set(['import', 'start', 'restore', 'serve', 'worker']);
const topCommand = (cmd: Command): string => {
  let c = cmd;
  while (c.parent?.parent) c = c.parent;
  return c.name();
};

/** Prints a value as JSON on stdout (every read command supports `--json`). */
export const printJson = (value: unknown) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
