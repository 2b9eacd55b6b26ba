import type { AccountData } from '../data-model/account-data.ts';
import type { SignalContext, SignalValue } from './signal-definition.ts';
import { daysAgo, decay } from './signal-helpers.ts';

/**
 * The strongest still-fading effect of a business event of one kind (0..1):
 * magnitude-weighted where the event states one, halving every `halfLifeDays`.
 * Not available once it has faded below 5%.
 */
export function businessEffect(
  data: AccountData,
  ctx: SignalContext,
  kind: string,
  halfLifeDays: number,
  words: string,
): SignalValue | null {
  let best = 0;
  let bestAge = 0;
  for (const e of data.events) {
    if (e.type !== 'business_event' || e.properties.kind !== kind) continue;
    const age = daysAgo(e.time, ctx.asOfDay);
    if (age < 0 || age > 365) continue;
    const m = e.properties.magnitude;
    const size =
      kind === 'layoffs' && typeof m === 'number' && m > 0 && m <= 1 ? Math.min(1, 0.5 + m * 2) : 1;
    const effect = size * decay(age, halfLifeDays);
    if (effect > best) {
      best = effect;
      bestAge = age;
    }
  }
  if (best < 0.05) return null;
  return {
    value: Math.round(best * 100) / 100,
    detail: `${words} ${bestAge} days ago (effect ${Math.round(best * 100)}%)`,
  };
}
