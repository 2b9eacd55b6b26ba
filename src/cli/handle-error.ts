import { ZodError } from 'zod';
import { isAppError } from '../core/errors.ts';

/** Exit codes: 2 = bad input (the user can fix it), 1 = anything else. */
export const EXIT_BAD_INPUT = 2;
export const EXIT_FAILURE = 1;

/** The one place a CLI command's failure becomes a message and an exit code. */
export function handleError(e: unknown): never {
  if (isAppError(e)) {
    process.stderr.write(`error: ${e.message}\n`);
    if (e.details && process.env.VIGIL_DEBUG) process.stderr.write(`${JSON.stringify(e.details, null, 2)}\n`);
    process.exit(e.code === 'BAD_INPUT' || e.code === 'NOT_FOUND' ? EXIT_BAD_INPUT : EXIT_FAILURE);
  }
  if (e instanceof ZodError) {
    for (const i of e.issues) process.stderr.write(`error: ${i.path.join('.') || '(input)'}: ${i.message}\n`);
    process.exit(EXIT_BAD_INPUT);
  }
  const err = e as Error;
  process.stderr.write(`error: ${err?.message ?? String(e)}\n`);
  if (process.env.VIGIL_DEBUG && err?.stack) process.stderr.write(`${err.stack}\n`);
  process.exit(EXIT_FAILURE);
}
