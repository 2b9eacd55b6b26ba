import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { AppError } from '../../core/errors.ts';
import type { EngineContext } from '../../engine/context.ts';
import { applyStripeWebhook } from '../../engine/integrations/apply-stripe-event.ts';
import type { AppEnv } from '../app-env.ts';

/** /hooks/stripe/:connectionId: Stripe webhook endpoint, authenticated by the `Stripe-Signature` header. */
export function stripeHookRoutes(ctx: EngineContext) {
  const app = new Hono<AppEnv>();
  app.use(
    '*',
    bodyLimit({
      maxSize: 1024 * 1024,
      onError: () => {
        throw new AppError('PAYLOAD_TOO_LARGE', 'Stripe webhook body over 1 MB');
      },
    }),
  );
  app.post('/:connectionId', async (c) => {
    const r = await applyStripeWebhook(
      ctx,
      c.req.param('connectionId'),
      await c.req.text(),
      c.req.header('stripe-signature'),
    );
    return c.json(r.body, r.status);
  });
  return app;
}
