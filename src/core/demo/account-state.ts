/** The simulated state of one account, shared by the latent process, the event and the usage emitters. */
export type Person = {
  id: string;
  role: 'champion' | 'executive_sponsor' | 'admin' | 'user';
  name: string;
  email: string;
  title: string;
  joined: number;
  left: number | null;
  /** Propensity to use the product on a working day (0..1). */
  activity: number;
  mobile: boolean;
};

/** One simulated month while the account is a customer. */
export type MonthState = {
  start: number;
  /** First day of the next month. */
  next: number;
  /** Effective hidden health this month (latent health plus active shocks). */
  health: number;
  /** Engagement that usage follows: health with a month of lag. */
  engagement: number;
  /** Core features in use (a prefix of the account's adoption order). */
  features: readonly string[];
  /** Cumulative popularity weights of `features`, for weighted picks. */
  featureWeights: readonly number[];
  integrations: readonly string[];
  /** A competitor evaluation is under way: usage sags. */
  evaluating: boolean;
};

export type ShockKind =
  | 'champion_left'
  | 'sponsor_left'
  | 'layoffs'
  | 'budget_cut'
  | 'leadership_change'
  | 'acquisition'
  | 'competitor_evaluation'
  | 'support_crisis'
  | 'csm_change'
  | 'value_erosion'
  | 'funding'
  | 'hiring'
  | 'new_champion';

/**
 * A hidden event moving health by `size` (signed): it builds up over
 * `rampMonths` (people drift away gradually, which is what makes usage
 * trends lead churn) and then fades with a half-life in months.
 */
export type Shock = {
  kind: ShockKind;
  day: number;
  size: number;
  rampMonths: number;
  halfLifeMonths: number;
};

export const shockEffect = (s: Shock, day: number): number => {
  const age = (day - s.day) / 30.4;
  if (age < 0) return 0;
  if (age < s.rampMonths) return (s.size * age) / s.rampMonths;
  return s.size * 0.5 ** ((age - s.rampMonths) / s.halfLifeMonths);
};

/** Observable families the generator pushed, recorded for the ground truth. */
export type SignalFamily =
  | 'usage_decline'
  | 'champion_left'
  | 'unanswered_email'
  | 'skipped_qbr'
  | 'negative_tickets'
  | 'late_payment'
  | 'layoffs'
  | 'budget_cut'
  | 'competitor'
  | 'low_nps'
  | 'escalation'
  // the healthy counterparts, so the truth can speak of shares
  | 'email_replied'
  | 'qbr_held'
  | 'ticket_ok'
  | 'nps_ok';

export type EventWriter = (
  day: number,
  minute: number,
  type: string,
  properties: Record<string, unknown>,
  contactId?: string | null,
) => void;
