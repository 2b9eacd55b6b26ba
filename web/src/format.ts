/** Compact money: $950, $48k, $6.3M; negatives (churn, contraction) keep the sign in front. */
export const money = (n: number): string => {
  if (n < 0) return `-${money(-n)}`;
  return n >= 1_000_000
    ? `$${(n / 1_000_000).toFixed(1)}M`
    : n >= 1000
      ? `$${Math.round(n / 1000)}k`
      : `$${Math.round(n)}`;
};
export const BAND_LABEL: Record<string, string> = {
  healthy: 'Healthy',
  'at-risk': 'At risk',
  critical: 'Critical',
};
export const BAND_COLOR: Record<string, string> = {
  healthy: '#1f9d55',
  'at-risk': '#d69e2e',
  critical: '#e53e3e',
};
