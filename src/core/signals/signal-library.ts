import { acquisition } from './acquisition.ts';
import { activeSeats } from './active-seats.ts';
import { billingDisputes } from './billing-disputes.ts';
import { budgetCut } from './budget-cut.ts';
import { championStatus } from './champion-status.ts';
import { competitorMentions } from './competitor-mentions.ts';
import { coreFeatureAdoption } from './core-feature-adoption.ts';
import { costPerActiveSeat } from './cost-per-active-seat.ts';
import { csmSentiment } from './csm-sentiment.ts';
import { csmTenure } from './csm-tenure.ts';
import { customerSentiment } from './customer-sentiment.ts';
import { daysSinceValue } from './days-since-value.ts';
import { daysToRenewal } from './days-to-renewal.ts';
import { emailResponseRate } from './email-response-rate.ts';
import { emailResponseTime } from './email-response-time.ts';
import { engagedContacts } from './engaged-contacts.ts';
import { evaluationUsageDrop } from './evaluation-usage-drop.ts';
import { execTouchRecency } from './exec-touch-recency.ts';
import { expansionActivity } from './expansion-activity.ts';
import { funding } from './funding.ts';
import { hiring } from './hiring.ts';
import { layoffs } from './layoffs.ts';
import { leadershipChange } from './leadership-change.ts';
import { loginFrequency } from './login-frequency.ts';
import { loginTrend } from './login-trend.ts';
import { nps } from './nps.ts';
import { openEscalations } from './open-escalations.ts';
import { openHighPriorityTickets } from './open-high-priority-tickets.ts';
import { paymentHistory } from './payment-history.ts';
import { qbrAttendance } from './qbr-attendance.ts';
import { rivalFeatureRequests } from './rival-feature-requests.ts';
import type { SignalDefinition } from './signal-definition.ts';
import { stickiness } from './stickiness.ts';
import { ticketSentiment } from './ticket-sentiment.ts';
import { ticketVolumeTrend } from './ticket-volume-trend.ts';
import { timeToValue } from './time-to-value.ts';
import { usageDip } from './usage-dip.ts';
import { usageTrend } from './usage-trend.ts';
import { valueMilestones } from './value-milestones.ts';
import { workflowIntegration } from './workflow-integration.ts';

/** Every built-in signal, by id. */
export const SIGNAL_LIBRARY: Record<string, SignalDefinition> = Object.fromEntries(
  [
    acquisition,
    activeSeats,
    billingDisputes,
    budgetCut,
    championStatus,
    competitorMentions,
    coreFeatureAdoption,
    costPerActiveSeat,
    csmSentiment,
    csmTenure,
    customerSentiment,
    daysSinceValue,
    daysToRenewal,
    emailResponseRate,
    emailResponseTime,
    engagedContacts,
    evaluationUsageDrop,
    execTouchRecency,
    expansionActivity,
    funding,
    hiring,
    layoffs,
    leadershipChange,
    loginFrequency,
    loginTrend,
    nps,
    openEscalations,
    openHighPriorityTickets,
    paymentHistory,
    qbrAttendance,
    rivalFeatureRequests,
    stickiness,
    ticketSentiment,
    ticketVolumeTrend,
    timeToValue,
    usageDip,
    usageTrend,
    valueMilestones,
    workflowIntegration,
  ].map((s) => [s.id, s]),
);
