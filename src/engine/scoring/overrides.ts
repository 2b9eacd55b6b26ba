import { DAY_MS } from '../../core/dates/day-number.ts';
import { AppError } from '../../core/errors.ts';
import { bandOf } from '../../core/scoring/compute-score.ts';
import type { ScoreResult } from '../../core/scoring/score-result.ts';
import type { Store } from '../../store/database.ts';
import { DIRTY_PRIORITY } from '../../store/resources/claims.ts';
import type { EngineContext } from '../context.ts';

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
 * The one override use-case (`POST /v1/accounts/:id/overrides` and `vigil override`): sets a manual
 * score (0–100) for an account until a date, with a (trimmed) reason. Replaces the account's
 * previous override, writes who/when/why to the audit log in the same transaction, marks the
 * account dirty at person priority and wakes the worker (live event) so the next rescore carries it.
 */
export async function createOverride(ctx: EngineContext, input: CreateOverrideInput): Promise<ScoreOverride> {
  const now = ctx.clock.now();
  if (!Number.isFinite(input.score) || input.score < 0 || input.score > 100)
    throw new AppError('BAD_INPUT', `score: must be between 0 and 100, got ${input.score}`);
  const reason = input.reason.trim();
  if (!reason) throw new AppError('BAD_INPUT', 'reason: required (an override must say why)');
  const expires = Date.parse(input.expiresAt);
  if (!Number.isFinite(expires))
    throw new AppError('BAD_INPUT', `expiresAt: "${input.expiresAt}" is not a date`);
  if (expires <= now.getTime()) throw new AppError('BAD_INPUT', 'expiresAt: must be in the future');
  if (expires > now.getTime() + MAX_OVERRIDE_DAYS * DAY_MS)
    throw new AppError('BAD_INPUT', 'expiresAt: at most a year ahead (an override is a temporary judgement)');
  if (!(await ctx.store.accounts.exists(input.accountId)))
    throw new AppError('NOT_FOUND', `account ${input.accountId} not found`);
  const expiresAt = new Date(expires).toISOString();
  const at = now.toISOString();
  const id = await ctx.store.overrides.replace(
    { accountId: input.accountId, score: input.score, reason, by: input.by, at, expiresAt },
    {
      at,
      actor: input.by,
      action: 'score.override',
      target: `account:${input.accountId}`,
      details: { score: input.score, reason, expiresAt },
    },
  );
  await ctx.store.dirty.mark([input.accountId], at, DIRTY_PRIORITY.person);
  ctx.bus.emit('accounts-dirty', { accountIds: [input.accountId] });
  // an override is a displayed score: its band follows the display lines, whatever the model
  return {
    id,
    accountId: input.accountId,
    score: input.score,
    band: bandOf(input.score),
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
  const revoked = await ctx.store.overrides.revoke(input.accountId, at, {
    at,
    actor: input.by,
    action: 'score.override.revoke',
    target: `account:${input.accountId}`,
    details: { reason: input.reason ?? null },
  });
  if (revoked) {
    await ctx.store.dirty.mark([input.accountId], at, DIRTY_PRIORITY.person);
    ctx.bus.emit('accounts-dirty', { accountIds: [input.accountId] });
  }
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
  /** An override is on the displayed scale, banded by the display lines (80 / 50): no model needed. */
  now: string,
): Promise<Map<string, ScoreOverride>> {
  const out = new Map<string, ScoreOverride>();
  // oldest first, so the newest overwrites
  for (const r of await store.overrides.active(accountIds, now)) {
    const score = Number(r.score);
    out.set(r.account_id, {
      id: Number(r.id),
      accountId: r.account_id,
      score,
      band: bandOf(score),
      reason: r.reason,
      by: r.created_by,
      expiresAt: r.expires_at,
    });
  }
  return out;
}

/** The override in force now on one account, in ScoreResult's shape, or null. */
export async function activeOverride(
  ctx: EngineContext,
  accountId: string,
): Promise<ScoreResult['override']> {
  const o = (await activeOverrides(ctx.store, [accountId], ctx.clock.now().toISOString())).get(accountId);
  return o ? { score: o.score, band: o.band, reason: o.reason, by: o.by, expiresAt: o.expiresAt } : null;
}

/** The override in force now on one account, with its id, or null (`vigil override <account>`). */
export async function getOverride(ctx: EngineContext, accountId: string): Promise<ScoreOverride | null> {
  return (
    (await activeOverrides(ctx.store, [accountId], ctx.clock.now().toISOString())).get(accountId) ?? null
  );
}
