import type { SignalDefinition } from './signal-definition.ts';
import { eventsIn } from './signal-helpers.ts';

/** Billing disputes opened and not resolved in the last 180 days. Unit: disputes; lower is better. */
export const billingDisputes: SignalDefinition = {
  id: 'billing-disputes',
  label: 'Billing disputes',
  category: 'risk',
  unit: 'disputes',
  windowDays: 180,
  direction: 'lower-is-better',
  thresholds: [
    [0, 100],
    [1, 40],
    [2, 10],
  ],
  compute(data, ctx) {
    const open = new Set<string>();
    for (const e of eventsIn(data, ctx.asOfDay, 180, 'billing_dispute')) {
      const key = e.properties.invoiceId ?? e.id;
      if (e.properties.status === 'resolved') open.delete(key);
      else open.add(key);
    }
    const invoices = eventsIn(data, ctx.asOfDay, 365, 'invoice_issued').length;
    if (open.size === 0 && invoices === 0) return null;
    return {
      value: open.size,
      detail: open.size ? `${open.size} open billing dispute(s)` : 'no billing disputes',
    };
  },
};
