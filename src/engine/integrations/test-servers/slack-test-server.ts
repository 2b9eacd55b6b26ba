import { HttpTestServer, type RecordedRequest, type Reply } from './http-test-server.ts';

/**
 * The Slack Web API methods Vigil calls, answering as Slack's method reference
 * documents: HTTP 200 with `{ ok: true, ... }` or `{ ok: false, error }`
 * (`users_not_found`, `invalid_auth`, `token_revoked`, `channel_not_found`),
 * and 429 with Retry-After when rate limited.
 */
export class SlackTestServer extends HttpTestServer {
  /** Slack users: id → e-mail. */
  readonly users = new Map<string, string>();
  readonly messages: { channel: string; text: string; blocks: unknown[]; ts: string }[] = [];
  readonly updates: { channel: string; ts: string; blocks: unknown[] }[] = [];
  token = 'xoxb-test-token';
  revoked = false;
  private seq = 0;

  constructor() {
    super((r) => this.answer(r));
  }

  private args(r: RecordedRequest): Record<string, unknown> {
    if ((r.headers['content-type'] ?? '').includes('application/json')) return JSON.parse(r.body || '{}');
    const out: Record<string, unknown> = {};
    for (const [k, v] of new URLSearchParams(r.body)) {
      try {
        out[k] = k === 'blocks' ? JSON.parse(v) : v;
      } catch {
        out[k] = v;
      }
    }
    return out;
  }

  private answer(r: RecordedRequest): Reply {
    const auth = r.headers.authorization;
    if (auth !== `Bearer ${this.token}`) return { status: 200, body: { ok: false, error: 'invalid_auth' } };
    if (this.revoked) return { status: 200, body: { ok: false, error: 'token_revoked' } };
    const a = this.args(r);
    switch (r.path) {
      case '/api/users.lookupByEmail': {
        const hit = [...this.users.entries()].find(
          ([, e]) => e.toLowerCase() === String(a.email).toLowerCase(),
        );
        return hit
          ? {
              status: 200,
              body: {
                ok: true,
                user: { id: hit[0], name: hit[1].split('@')[0], profile: { email: hit[1] } },
              },
            }
          : { status: 200, body: { ok: false, error: 'users_not_found' } };
      }
      case '/api/users.info': {
        const email = this.users.get(String(a.user));
        return email
          ? { status: 200, body: { ok: true, user: { id: a.user, profile: { email } } } }
          : { status: 200, body: { ok: false, error: 'user_not_found' } };
      }
      case '/api/chat.postMessage': {
        const ts = `1751284800.${String(++this.seq).padStart(6, '0')}`;
        const channel = String(a.channel);
        this.messages.push({
          channel,
          text: String(a.text ?? ''),
          blocks: (a.blocks as unknown[]) ?? [],
          ts,
        });
        return {
          status: 200,
          body: {
            ok: true,
            channel: channel.startsWith('U') ? `D${channel.slice(1)}` : channel,
            ts,
            message: { ts, text: a.text },
          },
        };
      }
      case '/api/chat.update':
        this.updates.push({
          channel: String(a.channel),
          ts: String(a.ts),
          blocks: (a.blocks as unknown[]) ?? [],
        });
        return { status: 200, body: { ok: true, channel: a.channel, ts: a.ts } };
      default:
        return { status: 200, body: { ok: false, error: 'unknown_method' } };
    }
  }
}
