import nodemailer, { type Transporter } from 'nodemailer';
import type { EmailPayload } from '../../core/playbooks/build-notification.ts';
import type { SendResult } from './send-webhook.ts';

const transports = new Map<string, Transporter>();

/** Sends one e-mail through SMTP (nodemailer); the transport per URL is reused across deliveries. */
export async function sendEmail(
  smtpUrl: string,
  from: string,
  mail: EmailPayload,
  options: { deliveryId: string; timeoutMs?: number },
): Promise<SendResult> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const key = `${timeoutMs} ${smtpUrl}`;
  let t = transports.get(key);
  if (!t) {
    // a server that accepts the connection and then stays silent costs one timeout, not a stuck worker
    t = nodemailer.createTransport({
      url: smtpUrl,
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
    });
    transports.set(key, t);
  }
  try {
    const info = await t.sendMail({
      from,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      // a stable Message-ID lets mail systems fold a redelivery after a crash
      messageId: `<vigil-outbox-${options.deliveryId}@vigil>`,
      headers: { 'X-Vigil-Delivery': options.deliveryId },
    });
    const rejected = info.rejected ?? [];
    return rejected.length > 0
      ? { ok: false, statusCode: null, error: `rejected: ${rejected.map(String).join(', ')}` }
      : { ok: true, statusCode: 250, error: null };
  } catch (e) {
    const err = e as Error & { responseCode?: number };
    return { ok: false, statusCode: err.responseCode ?? null, error: err.message };
  }
}

/** Closes pooled SMTP connections (tests, shutdown). */
export function closeEmailTransports(): void {
  for (const t of transports.values()) t.close();
  transports.clear();
}
