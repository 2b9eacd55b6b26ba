import type { Playbook } from './playbook-schema.ts';

/**
 * Who is looking at a notification target: `admin` (an admin's session or admin-scoped key) sees a
 * target masked down to its last 4 characters (and a URL's origin) — enough to tell two apart, not
 * enough to use; everyone else (managers, CSMs, read-only keys) sees it hidden.
 */
export type TargetAudience = 'admin' | 'restricted';

/** Targets that name a person or a setting, not an address: shown as they are. */
const SYMBOLIC = new Set(['owner', 'manager', 'default']);
/** The mask mark: a masked target is never a valid address, and PUT recognises it (`unmaskTargets`). */
export const MASK = '•••';

/**
 * One notification target as `audience` may see it. A Slack webhook URL, a webhook URL with a
 * token or an e-mail address is a secret: it never leaves the server whole.
 */
export function maskTarget(target: string, audience: TargetAudience): string {
  if (SYMBOLIC.has(target)) return target;
  if (audience === 'restricted') return MASK;
  const last4 = target.length > 8 ? target.slice(-4) : '';
  let origin = '';
  try {
    const u = new URL(target);
    if (u.protocol === 'http:' || u.protocol === 'https:') origin = `${u.origin}/`;
  } catch {
    // not a URL (an e-mail address): no origin
  }
  return `${origin}${MASK}${last4}`;
}

/** A playbook with every `notify` target masked for `audience` (a new object; the input is unchanged). */
export function maskTargets<P extends Pick<Playbook, 'actions'>>(playbook: P, audience: TargetAudience): P {
  return {
    ...playbook,
    actions: playbook.actions.map((a) =>
      a.type === 'notify' ? { ...a, target: maskTarget(a.target, audience) } : a,
    ),
  };
}

/**
 * The way back for an admin editing a playbook they read masked: in a submitted document, each
 * masked form of a stored target of that playbook is replaced by the stored target, so a round
 * trip (GET, edit something else, PUT) keeps the secret. Pure text replacement (YAML or JSON);
 * a stored target with a quote or backslash is left masked (it cannot be put back safely).
 */
export function unmaskTargets(text: string, stored: readonly Pick<Playbook, 'actions'>[]): string {
  const back = new Map<string, string | null>();
  for (const p of stored)
    for (const a of p.actions) {
      if (a.type !== 'notify' || SYMBOLIC.has(a.target) || /["\\]/.test(a.target)) continue;
      const masked = maskTarget(a.target, 'admin');
      if (masked === a.target) continue;
      const seen = back.get(masked);
      // two targets with one masked form: which one was meant is unknown, so neither is put back
      back.set(masked, seen === undefined || seen === a.target ? a.target : null);
    }
  let out = text;
  for (const [masked, target] of back) if (target !== null) out = out.split(masked).join(target);
  return out;
}
