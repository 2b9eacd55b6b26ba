import type { SendResult } from './send-webhook.ts';

/**
 * Bounds a send that has no cancellation of its own (SMTP through nodemailer, Slack's Web API
 * client): the delivery loop stops waiting after `timeoutMs`, or at once when `signal` aborts (a
 * stopping worker), and records a failure instead of hanging. The underlying call may still finish
 * in the background; its result is then ignored, so the row is retried (at-least-once, with the
 * same delivery id) rather than lost or recorded twice.
 */
export async function boundedSend(
  send: () => Promise<SendResult>,
  options: { timeoutMs: number; signal?: AbortSignal | undefined; what: string },
): Promise<SendResult> {
  if (options.signal?.aborted) return { ok: false, statusCode: null, error: `${options.what}: aborted` };
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const cut = new Promise<SendResult>((resolve) => {
    timer = setTimeout(
      () =>
        resolve({
          ok: false,
          statusCode: null,
          error: `${options.what}: no answer in ${options.timeoutMs} ms`,
        }),
      options.timeoutMs,
    );
    onAbort = () => resolve({ ok: false, statusCode: null, error: `${options.what}: aborted` });
    options.signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([
      send().catch((e: Error): SendResult => ({ ok: false, statusCode: null, error: e.message })),
      cut,
    ]);
  } finally {
    clearTimeout(timer);
    if (onAbort) options.signal?.removeEventListener('abort', onAbort);
  }
}
