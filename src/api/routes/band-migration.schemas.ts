import { z } from '@hono/zod-openapi';

const band = z.enum(['healthy', 'at-risk', 'critical']);
const row = z.object({ healthy: z.number(), 'at-risk': z.number(), critical: z.number() });
const scored = z.object({ score: z.number(), band });
const modelRef = z.object({ version: z.number(), name: z.string(), status: z.string() });

/** `GET /v1/models/{version}/band-migration`: what approving a proposal would do to today's bands. */
export const bandMigrationSchema = z
  .object({
    asOf: z.string(),
    proposed: modelRef,
    current: modelRef,
    accounts: z.number().openapi({ description: 'Live accounts scored (those the caller may see)' }),
    matrix: z
      .object({ healthy: row, 'at-risk': row, critical: row })
      .openapi({ description: 'matrix[band today][band under the proposal] = accounts' }),
    transitions: z.array(z.object({ from: band, to: band, accounts: z.number(), arr: z.number() })),
    movedDown: z.number(),
    movedUp: z.number(),
    unchanged: z.number(),
    summary: z.string(),
    items: z.array(
      z.object({
        accountId: z.string(),
        name: z.string(),
        arr: z.number(),
        ownerName: z.string().nullable(),
        from: scored,
        to: scored,
      }),
    ),
    total: z.number().openapi({ description: 'Accounts that change band (all pages)' }),
    offset: z.number(),
    limit: z.number(),
  })
  .openapi('BandMigration');
