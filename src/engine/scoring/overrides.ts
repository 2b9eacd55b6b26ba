import { AppError } from '../../core/errors.ts';
import { bandOf } from '../../core/scoring/compute-score.ts';
import type { ScoreResult } from '../../core/scoring/score-result.ts';
import type { Store } from '../../store/database.ts';
import { DIRTY_PRIORITY, markDirty } from '../../store/queries/mark-dirty.ts';
import type { EngineContext } from '../context.ts';
import { getActiveModel } from './get-active-model.ts';

export type ScoreOverride = NonNullable<ScoreResult['override']> & { id: number; accountId: string };

export type CreateOverrideInput = {
  accountId: string;
  score: number;
  reason: string;
  /** ISO date or timestamp; must be in the future and at most a year ahead. */
  expiresAt: string;
  by: string;
};

/** An override is a temporary human judgement, never a permanent edit of the model. */
const MAX_OVERRIDE_DAYS = 366;

/**
 * Sets a manual score for an account until a date, with a reason. Replaces
 * the account's previous override, writes who/when/why to the audit log and
 * marks the account dirty so the next rescore carries it.
 */
export async function createOverride(ctx: EngineContext, input: CreateOverrideInput): Promise<ScoreOverride> {
  const now = ctx.clock.now();
  if (!Number.isFinite(input.score) || input.score < 0 || input.score > 100)
    throw new AppError('BAD_INPUT', `score: must be between 0 and 100, got ${input.score}`);
  if (!input.reason.trim()) throw new AppError('BAD_INPUT', 'reason: required (an override must say why)');
  const expires = Date.parse(input.expiresAt);
  if (!Number.isFinite(expires))
    throw new AppError('BAD_INPUT', `expiresAt: "${input.expiresAt}" is not a date`);
  if (expires <= now.getTime()) throw new AppError('BAD_INPUT', 'expiresAt: must be in the future');
  if (expires > now.getTime() + MAX_OVERRIDE_DAYS * 86_400_000)
    throw new AppError('BAD_INPUT', 'expiresAt: at most a year ahead (an override is a temporary judgement)');
  const account = await ctx.store.db
    .selectFrom('accounts')
    .select('id')
    .where('id', '=', input.accountId)
    .executeTakeFirst();
  if (!account) throw new AppError('NOT_FOUND', `account ${input.accountId} not found`);
  const expiresAt = new Date(expires).toISOString();
  const at = now.toISOString();
  const reason = input.reason.trim();
  const id = await ctx.store.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('overrides')
      .set({ revoked_at: at })
      .where('account_id', '=', input.accountId)
      .where('revoked_at', 'is', null)
      .execute();
    const row = await trx
      .insertInto('overrides')
      .values({
        account_id: input.accountId,
        score: input.score,
        reason,
        created_by: input.by,
        created_at: at,
        expires_at: expiresAt,
        revoked_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx
      .updateTable('current_scores')
      .set({ override_score: input.score })
      .where('account_id', '=', input.accountId)
      .execute();
    await trx
      .insertInto('audit_log')
      .values({
        at,
        actor: input.by,
        action: 'score.override',
        target: `account:${input.accountId}`,
        details: JSON.stringify({ score: input.score, reason, expiresAt }),
      })
      .execute();
    return Number(row.id);
  });
  await markDirty(ctx.store, [input.accountId], at, DIRTY_PRIORITY.person);
  const { model } = await getActiveModel(ctx.store);
  return {
    id,
    accountId: input.accountId,
    score: input.score,
    band: bandOf(input.score, model),
    reason,
    by: input.by,
    expiresAt,
  };
}

/** Ends an account's override early (audited). Returns false when none was in force. */
export async function revokeOverride(
  ctx: EngineContext,
  input: { accountId: string; by: string; reason?: string },
): Promise<boolean> {
  const at = ctx.clock.now().toISOString();
  const revoked = await ctx.store.db.transaction().execute(async (trx) => {
    const res = await trx
      .updateTable('overrides')
      .set({ revoked_at: at })
      .where('account_id', '=', input.accountId)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', at)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) === 0) return false;
    await trx
      .updateTable('current_scores')
      .set({ override_score: null })
      .where('account_id', '=', input.accountId)
      .execute();
    await trx
      .insertInto('audit_log')
      .values({
        at,
        actor: input.by,
        action: 'score.override.revoke',
        target: `account:${input.accountId}`,
        details: JSON.stringify({ reason: input.reason ?? null }),
      })
      .execute();
    return true;
  });
  if (revoked) await markDirty(ctx.store, [input.accountId], at, DIRTY_PRIORITY.person);
  return revoked;
}

/**
 * The overrides in force at `now` for some accounts (not revoked, not
 * expired), newest per account. Expired ones are simply not returned, so a
 * rescore after the expiry drops them without any clean-up job.
 */
export async function activeOverrides(
  store: Store,
  accountIds: string[],
  now: string,
  bands: Parameters<typeof bandOf>[1],
): Promise<Map<string, ScoreOverride>> {
  const out = new Map<string, ScoreOverride>();
  for (let i = 0; i < accountIds.length; i += 500) {
    const ids = accountIds.slice(i, i + 500);
    const rows = await store.db
      .selectFrom('overrides')
      .selectAll()
      .where('account_id', 'in', ids)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', now)
      .orderBy('created_at', 'asc')
      .orderBy('id', 'asc')
      .execute();
    // ascending, so the newest overwrites
    for (const r of rows) {
      const score = Number(r.score);
      out.set(r.account_id, {
        id: Number(r.id),
        accountId: r.account_id,
        score,
        band: bandOf(score, bands),
        reason: r.reason,
        by: r.created_by,
        expiresAt: r.expires_at,
      });
    }
  }
  return out;
}
