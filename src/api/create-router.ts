import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from './app-env.ts';

/** A sub-app whose validation failures go to the one error handler (as a 400 envelope). */
export const createRouter = () =>
  new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw result.error;
    },
  });
