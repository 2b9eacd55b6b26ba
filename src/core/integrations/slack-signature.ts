import { createHmac, timingSafeEqual } from 'node:crypto';

/** `v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{raw body}` with the app's signing secret (Slack's request signing). */
export function computeSlackSignature(signingSecret: string, timestamp: string, rawBody: string): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${rawBody}`).digest('hex')}`;
}

export type SlackVerdict = { ok: true } | { ok: false; reason: string };

/**
 * Checks a request claimed to come from Slack: the timestamp within
 * `toleranceSeconds` of now (a replay of an old request is refused even with a
 * valid signature), and the signature equal in constant time.
 */
export function verifySlackSignature(options: {
  signingSecret: string;
  timestamp: string | undefined;
  signature: string | undefined;
  rawBody: string;
  nowSeconds: number;
  toleranceSeconds: number;
}): SlackVerdict {
  const { timestamp, signature } = options;
  if (!timestamp || !signature)
    return { ok: false, reason: 'missing X-Slack-Request-Timestamp or X-Slack-Signature' };
  if (!/^\d{1,12}$/.test(timestamp))
    return { ok: false, reason: 'X-Slack-Request-Timestamp is not a unix time' };
  const age = Math.abs(options.nowSeconds - Number(timestamp));
  if (age > options.toleranceSeconds)
    return {
      ok: false,
      reason: `request timestamp is ${age}s away from now (more than ${options.toleranceSeconds}s): a replay or a wrong clock`,
    };
  const expected = Buffer.from(computeSlackSignature(options.signingSecret, timestamp, options.rawBody));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given))
    return { ok: false, reason: 'signature does not match (wrong signing secret or a changed body)' };
  return { ok: true };
}
