export const SIGNAL_CATEGORIES = [
  'engagement',
  'outcomes',
  'relationship',
  'risk',
  'business',
  'commercial',
  'competitive',
  'custom',
] as const;
export type SignalCategory = (typeof SIGNAL_CATEGORIES)[number];
