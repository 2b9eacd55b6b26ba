import type { SignalDefinition } from './signal-definition.ts';
import { eventsIn } from './signal-helpers.ts';

/** Payment behaviour over the last 365 days: worst days late plus 15 per failed payment. Unit: days late (equivalent); lower is better. */
export const paymentHistory: SignalDefinition = {
  id: 'payment-history',
  label: 'Payment history',
  category: 'commercial',
  unit: 'days late',
  windowDays: 365,
  direction: 'lower-is-better',
  thresholds: [
    [0, 100],
    [10, 80],
    [30, 45],
    [60, 10],
    [90, 0],
  ],
  compute(data, ctx) {
    const paid = eventsIn(data, ctx.asOfDay, 365, 'invoice_paid');
    const failed = eventsIn(data, ctx.asOfDay, 365, 'payment_failed').length;
    const issued = eventsIn(data, ctx.asOfDay, 365, 'invoice_issued');
    if (paid.length === 0 && failed === 0 && issued.length === 0) return null;
    let worst = 0;
    for (const p of paid) worst = Math.max(worst, p.properties.daysLate);
    // an invoice past due and still unpaid counts as late by its age
    const paidIds = new Set(paid.map((p) => p.properties.invoiceId));
    for (const i of issued) {
      if (paidIds.has(i.properties.invoiceId)) continue;
      const due = Math.floor(Date.parse(`${i.properties.dueDate}T00:00:00Z`) / 86_400_000);
      if (ctx.asOfDay > due) worst = Math.max(worst, ctx.asOfDay - due);
    }
    const v = worst + 15 * failed;
    return {
      value: v,
      detail: `${worst ? `paid up to ${worst} days late` : 'pays on time'}${failed ? `, ${failed} failed payment(s)` : ''}`,
    };
  },
};
