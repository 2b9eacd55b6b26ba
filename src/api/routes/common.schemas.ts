import { z } from '@hono/zod-openapi';
import { ERROR_CODES } from '../../core/errors.ts';

export const isoDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD')
  .openapi({ example: '2026-06-30' });

export const errorEnvelopeSchema = z
  .object({
    error: z.object({
      code: z.enum(ERROR_CODES),
      message: z.string(),
      details: z
        .union([
          z
            .array(z.object({ path: z.string(), message: z.string() }))
            .openapi({ description: 'Request validation: each problem with its path' }),
          z
            .looseObject({
              errors: z
                .array(
                  z.looseObject({
                    line: z.number().optional(),
                    column: z.number().optional(),
                    field: z.string().optional(),
                    message: z.string(),
                  }),
                )
                .optional()
                .openapi({ description: 'Document errors (playbooks, mappings) with line and field' }),
              retryAfterSeconds: z
                .number()
                .optional()
                .openapi({ description: 'Rate limited or busy: when to retry' }),
            })
            .openapi({ description: 'What the error is about; the keys depend on the error' }),
        ])
        .nullable(),
    }),
  })
  .openapi('Error');

const DESCRIPTIONS: Record<number, string> = {
  400: 'Bad input (validation failed; `details` lists each problem)',
  401: 'Not signed in, or an invalid API key',
  403: 'Signed in but not allowed (role, key scope, or CSRF)',
  404: 'Not found (or not visible to the caller)',
  409: 'Conflict',
  413: 'Body or batch too large',
  429: 'Rate limited (see Retry-After)',
  503: 'Timed out or unavailable',
};

/** The error responses a route can give, all with the one envelope. */
export function errorResponses(...statuses: number[]) {
  const all = [...new Set([400, 401, 403, 429, 503, ...statuses])];
  return Object.fromEntries(
    all.map((s) => [
      s,
      {
        description: DESCRIPTIONS[s] ?? 'Error',
        content: { 'application/json': { schema: errorEnvelopeSchema } },
      },
    ]),
  );
}

/** A JSON 200 response. */
export const ok = <T extends z.ZodType>(schema: T, description = 'OK') => ({
  200: { description, content: { 'application/json': { schema } } },
});

export const accountIdParamSchema = z.object({
  id: z
    .string()
    .min(1)
    .max(200)
    .openapi({ param: { name: 'id', in: 'path' }, example: 'acc-0001' }),
});

/** A JSON request body; required, so a missing or non-JSON body is a 400, not silently empty. */
export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { 'application/json': { schema } },
});
