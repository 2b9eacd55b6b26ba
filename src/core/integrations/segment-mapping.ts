import type { SegmentSettings } from './connection-schema.ts';

/** A Segment call as the tracking API documents it (the fields Vigil reads). */
export type SegmentCall = {
  type?: unknown;
  messageId?: unknown;
  userId?: unknown;
  anonymousId?: unknown;
  groupId?: unknown;
  event?: unknown;
  properties?: unknown;
  traits?: unknown;
  context?: unknown;
  timestamp?: unknown;
  sentAt?: unknown;
};

export type SegmentMapped =
  | { kind: 'event'; event: Record<string, unknown> }
  | {
      kind: 'contact';
      contact: {
        id: string;
        accountId: string;
        email: string | null;
        name: string | null;
        title: string | null;
      };
    }
  | { kind: 'account-traits'; accountId: string; traits: Record<string, string | number | boolean | null> }
  | { kind: 'ignored'; reason: string }
  | { kind: 'rejected'; field: string; reason: string };

/** A non-blank string, trimmed (no new string when it has no outer whitespace: this runs per call of a firehose). */
const str = (v: unknown): string | null => {
  if (typeof v !== 'string' || v === '') return null;
  if (v.charCodeAt(0) > 32 && v.charCodeAt(v.length - 1) > 32) return v;
  const t = v.trim();
  return t === '' ? null : t;
};
const EMPTY: Record<string, unknown> = Object.freeze({}) as Record<string, unknown>;
const obj = (v: unknown) =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : EMPTY;

const LOGIN = /^(logged in|log in|login|signed in|sign in|user (logged|signed) in)$/i;
const LOGIN_RULE = { type: 'login' } as const;

/** Where the Vigil account id is in a call (by the connection's rule; B2B tracking puts it in `context.groupId`). */
export function accountOfCall(call: SegmentCall, accountFrom: SegmentSettings['accountFrom']): string | null {
  if (accountFrom === 'groupId') return str(call.groupId) ?? str(obj(call.context).groupId);
  if (accountFrom === 'traits.accountId')
    return str(obj(call.traits).accountId) ?? str(obj(obj(call.context).traits).accountId);
  return str(obj(call.properties).accountId);
}

/**
 * Maps one Segment call onto Vigil's event taxonomy: `track` → login /
 * feature_used / integration_used by the connection's event map (unmapped
 * names count as `usage_custom` with the event name as metric), `identify` →
 * a contact of the account, `group` → the account's traits, page / screen /
 * alias → ignored. The Vigil event id is `segment:<messageId>`, so a call
 * Segment retries is stored once.
 */
export function mapSegmentCall(
  call: SegmentCall,
  settings: SegmentSettings,
  receivedAt: string,
): SegmentMapped {
  const type = str(call.type);
  if (!type) return { kind: 'rejected', field: 'type', reason: 'missing call type' };
  if (type === 'page' || type === 'screen' || type === 'alias')
    return { kind: 'ignored', reason: `${type} calls are not used` };
  const accountId = accountOfCall(call, settings.accountFrom);
  if (!accountId)
    return {
      kind: 'rejected',
      field: settings.accountFrom,
      reason: `no account: the call has no ${settings.accountFrom === 'groupId' ? 'groupId (or context.groupId)' : settings.accountFrom}`,
    };
  const userId = str(call.userId);
  if (type === 'identify') {
    if (!userId) return { kind: 'rejected', field: 'userId', reason: 'identify needs a userId' };
    const t = obj(call.traits);
    return {
      kind: 'contact',
      contact: { id: userId, accountId, email: str(t.email), name: str(t.name), title: str(t.title) },
    };
  }
  if (type === 'group') {
    const traits: Record<string, string | number | boolean | null> = {};
    for (const [k, v] of Object.entries(obj(call.traits)))
      if (v === null || ['string', 'number', 'boolean'].includes(typeof v))
        traits[k] = v as string | number | boolean | null;
    return { kind: 'account-traits', accountId, traits };
  }
  if (type !== 'track') return { kind: 'rejected', field: 'type', reason: `unknown call type "${type}"` };
  const messageId = str(call.messageId);
  if (!messageId)
    return { kind: 'rejected', field: 'messageId', reason: 'a track call needs a messageId (idempotency)' };
  const name = str(call.event);
  if (!name) return { kind: 'rejected', field: 'event', reason: 'a track call needs an event name' };
  const time = str(call.timestamp) ?? receivedAt;
  const rule = Object.hasOwn(settings.events, name)
    ? settings.events[name]
    : LOGIN.test(name)
      ? LOGIN_RULE
      : null;
  const id = `segment:${messageId}`;
  // one object literal per kind (no spread): the same shape for every event of a batch
  if (rule?.type === 'ignore') return { kind: 'ignored', reason: `event "${name}" is mapped to ignore` };
  if (rule?.type === 'login')
    return {
      kind: 'event',
      event: { id, accountId, contactId: userId, time, type: 'login', properties: { count: 1 } },
    };
  if (rule?.type === 'feature_used')
    return {
      kind: 'event',
      event: {
        id,
        accountId,
        contactId: userId,
        time,
        type: 'feature_used',
        properties: { feature: rule.feature, count: 1 },
      },
    };
  if (rule?.type === 'integration_used')
    return {
      kind: 'event',
      event: {
        id,
        accountId,
        contactId: userId,
        time,
        type: 'integration_used',
        properties: { integration: rule.integration, count: 1 },
      },
    };
  return {
    kind: 'event',
    event: {
      id,
      accountId,
      contactId: userId,
      time,
      type: 'usage_custom',
      properties: { metric: name.length > 200 ? name.slice(0, 200) : name, count: 1 },
    },
  };
}
