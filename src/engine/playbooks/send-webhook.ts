import { signWebhook } from './sign-webhook.ts';
import { webhookTargetProblem } from './webhook-target.ts';

export type SendResult = { ok: boolean; statusCode: number | null; error: string | null };

/**
 * POSTs a JSON body, signed: `X-Vigil-Signature: sha256=<hex HMAC of body>`,
 * `X-Vigil-Timestamp` (unix seconds, also inside the signed body as `sentAt`
 * so a replay is detectable) and `X-Vigil-Delivery` (the outbox id: the same
 * on every retry, so a receiver can drop a duplicate after a crash).
 */
export async function sendWebhook(
  url: string,
  payload: unknown,
  options: {
    secret: string;
    deliveryId: string;
    now: Date;
    timeoutMs?: number;
    allow?: readonly string[];
    /** Aborts the request (a stopping worker). */
    signal?: AbortSignal;
  },
): Promise<SendResult> {
  // no requests to private, loopback or link-local addresses unless allow-listed (SSRF)
  const problem = await webhookTargetProblem(url, options.allow ?? []);
  if (problem) return { ok: false, statusCode: null, error: `refused: ${problem}` };
  const body = JSON.stringify({ ...(payload as object), sentAt: options.now.toISOString() });
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'vigil-webhooks/1',
        'x-vigil-signature': signWebhook(options.secret, body),
        'x-vigil-timestamp': String(Math.floor(options.now.getTime() / 1000)),
        'x-vigil-delivery': options.deliveryId,
      },
      body,
      // a redirect is never followed: it could point anywhere, including inside the network
      redirect: 'manual',
      signal: options.signal
        ? AbortSignal.any([options.signal, AbortSignal.timeout(options.timeoutMs ?? 10_000)])
        : AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
    await res.arrayBuffer().catch(() => undefined);
    if (res.status >= 300 && res.status < 400)
      return { ok: false, statusCode: res.status, error: `HTTP ${res.status}: redirects are not followed` };
    return res.ok
      ? { ok: true, statusCode: res.status, error: null }
      : { ok: false, statusCode: res.status, error: `HTTP ${res.status}` };
  } catch (e) {
    const err = e as Error & { cause?: { code?: string; message?: string } };
    return { ok: false, statusCode: null, error: err.cause?.code ?? err.cause?.message ?? err.message };
  }
}
