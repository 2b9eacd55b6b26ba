import type { Viewer } from '../core/access.ts';
import type { KeyScope } from '../engine/auth/api-keys.ts';

/** Who made the request: a browser session (with its CSRF token) or an API key (with its scope). */
export type Principal =
  | {
      kind: 'session';
      viewer: Viewer;
      name: string | null;
      managerId: string | null;
      csrf: string;
      token: string;
    }
  | { kind: 'key'; viewer: Viewer; keyId: string; scope: KeyScope };

/** Hono variables every route can read. */
export type AppEnv = { Variables: { principal: Principal | null; clientIp: string } };
