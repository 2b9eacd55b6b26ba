/**
 * Each signal's improvement phrased as something a CSM can do ("schedule an executive touch"),
 * for the levers that would lift an account a band. Custom signals fall back to "improve <label>".
 */
const ACTIONS: Record<string, string> = {
  'login-frequency': 'get more seats logging in weekly',
  'login-trend': 'reverse the login decline with a re-engagement session',
  stickiness: 'build a daily habit: onboard users to a daily workflow',
  'active-seats': 'activate unused seats with a user enablement session',
  'core-feature-adoption': 'drive adoption of the core features not yet used',
  'usage-trend': 'restore usage with a product review',
  'workflow-integration': 'set up an integration into their workflow',
  'usage-dip': 'find out why usage dipped and address it',
  'value-milestones': 'deliver and record a value milestone',
  'time-to-value': 'shorten time to first value with a guided onboarding',
  'days-since-value': 'deliver and record a value milestone',
  'exec-touch-recency': 'schedule an executive touch',
  'qbr-attendance': 'hold a QBR with their decision makers',
  'email-response-rate': 'get replies: reach a different contact',
  'email-response-time': 'agree a faster channel with the main contact',
  'champion-status': 'identify and develop a champion',
  'csm-sentiment': 'address what worries the CSM and record an updated sentiment',
  'csm-tenure': 'keep the CSM relationship stable',
  'engaged-contacts': 'multi-thread: engage more contacts',
  'open-high-priority-tickets': 'resolve the open high-priority tickets',
  'open-escalations': 'close the open escalations',
  'ticket-volume-trend': 'review the support pattern with the customer',
  'ticket-sentiment': 'follow up on the unhappy support conversations',
  nps: 'close the loop with detractors',
  'billing-disputes': 'resolve the billing dispute',
  'payment-history': 'settle the overdue invoices with finance',
  layoffs: 'reconfirm value with the remaining team after layoffs',
  acquisition: 'meet the new owners to secure the account',
  funding: 'plan growth with the customer',
  'budget-cut': 'build a cost-justification case before budget decisions',
  'leadership-change': 'meet the new leadership',
  hiring: 'plan seat growth with the customer',
  'days-to-renewal': 'start the renewal conversation',
  'cost-per-active-seat': 'raise active use of paid seats (or right-size the plan)',
  'expansion-activity': 'follow up on expansion interest',
  'competitor-mentions': 'counter the competitor with a value review',
  'rival-feature-requests': 'share the roadmap for the features they ask for',
  'evaluation-usage-drop': 'address the competitive evaluation with an executive',
};

export function leverAction(signalId: string, label: string): string {
  return ACTIONS[signalId] ?? `improve ${label.toLowerCase()}`;
}
