import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { AppError } from '../../core/errors.ts';
import type { EngineContext } from '../../engine/context.ts';
import {
  handleSlackCommand,
  handleSlackInteraction,
} from '../../engine/integrations/handle-slack-request.ts';
import type { AppEnv } from '../app-env.ts';

const tooLarge = () => {
  throw new AppError('PAYLOAD_TOO_LARGE', 'request body too large');
};

/**
 * /hooks/slack: Slack's interactivity (alert buttons) and the `/vigil`
 * slash command. Authenticated by Slack's request signature, not a Vigil
 * session: the raw body is read once and verified before it is parsed.
 */
export function slackHookRoutes(ctx: EngineContext) {
  const app = new Hono<AppEnv>();
  app.use('*', bodyLimit({ maxSize: 1024 * 1024, onError: tooLarge }));
  const read = async (c: { req: { text(): Promise<string>; header(n: string): string | undefined } }) => ({
    rawBody: await c.req.text(),
    timestamp: c.req.header('x-slack-request-timestamp'),
    signature: c.req.header('x-slack-signature'),
  });
  app.post('/interactivity', async (c) => {
    const r = await handleSlackInteraction(ctx, await read(c));
    return c.json(r.body, r.status);
  });
  app.post('/commands', async (c) => {
    const r = await handleSlackCommand(ctx, await read(c));
    return c.json(r.body, r.status);
  });
  return app;
}
