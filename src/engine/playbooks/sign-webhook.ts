import { createHmac, timingSafeEqual } from 'node:crypto';

/** `sha256=<hex HMAC-SHA256 of the raw body>`: the value of the X-Vigil-Signature header. */
export const signWebhook = (secret: string, body: string) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

/** For receivers (and tests): constant-time check of a signature header against the raw body. */
export function verifyWebhookSignature(
  secret: string,
  body: string,
  header: string | undefined | null,
): boolean {
  if (!header) return false;
  const expected = Buffer.from(signWebhook(secret, body));
  const actual = Buffer.from(header);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
