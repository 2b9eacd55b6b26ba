import type { TargetAudience } from '../../core/playbooks/mask-targets.ts';
import type { Principal } from '../app-env.ts';

/** Admins' sessions and admin-scoped keys see notification targets masked to their last 4 characters; everyone else, hidden. */
export const targetAudienceOf = (p: Principal): TargetAudience =>
  p.viewer.role === 'admin' && (p.kind === 'session' || p.scope === 'admin') ? 'admin' : 'restricted';
