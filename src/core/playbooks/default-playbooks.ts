import { parsePlaybooks } from './parse-playbooks.ts';
import type { Playbook } from './playbook-schema.ts';

/**
 * The seeds' treatment protocol as playbooks: the score is the diagnosis, these
 * are the plays. Kept as YAML text (not objects) so `vigil playbooks list` can
 * show and users can copy exactly what ships, and so the shipped document goes
 * through the same parser and errors as a user's file.
 */
export const DEFAULT_PLAYBOOKS_YAML = `# Vigil default playbooks. Templates: {{account.name}}, {{score}}, {{band}}, {{driver}}, {{evidence}}
playbooks:
  # ---- Healthy (80-100): drive expansion, request referrals, develop advocates
  - id: healthy-expansion-conversation
    name: Expansion conversation grounded in usage
    trigger: { type: expansion_ready }
    actions:
      - type: create_task
        title: "Expansion conversation with {{account.name}}"
        dueInDays: 14
        priority: medium
        checklist:
          - "Review the evidence: {{evidence}}"
          - Prepare a success call on the unused features, not a sales pitch
          - Agree next steps and hand over to the account executive if there is interest
    cooldownDays: 90

  - id: healthy-advocacy-ask
    name: Ask for a case study, testimonial or referral
    trigger: { type: band_entered, band: healthy }
    conditions: { tagsNone: [advocate] }
    actions:
      - type: create_task
        title: "Ask {{account.name}} for a case study, testimonial or referral"
        dueInDays: 30
        priority: low
        checklist:
          - Confirm the customer can name a business result from the product
          - Ask for a case study or testimonial
          - Ask for a referral or a reference call
          - Invite them to the beta / co-innovation programme
      - { type: add_tag, tag: advocate-candidate }
    cooldownDays: 180

  - id: healthy-executive-business-review
    name: Executive business review focused on strategic outcomes
    trigger: { type: band_entered, band: healthy }
    conditions: { arrMin: 50000 }
    actions:
      - type: create_task
        title: "Executive business review with {{account.name}}"
        dueInDays: 45
        priority: medium
        checklist:
          - Summarise outcomes achieved against the goals of the purchase
          - Present the roadmap items that matter to them
          - Agree the strategic goals for the next two quarters
    cooldownDays: 120

  # ---- At risk (50-79): health assessment, executive touch within 2 weeks, success plan, more touches
  - id: at-risk-recovery
    name: At-risk recovery (health assessment and success plan)
    trigger: { type: band_entered, band: at-risk }
    actions:
      - type: create_task
        title: "Health assessment for {{account.name}} (score {{score}})"
        dueInDays: 7
        priority: medium
        checklist:
          - "Identify the root causes, starting with: {{driver}}"
          - Create a success plan with clear milestones and owners
          - Increase touch frequency (weekly) and offer dedicated support
      - { type: add_tag, tag: high-touch }
      - { type: enroll, playbookId: at-risk-executive-touch }
      - { type: notify, channel: webhook, target: default }
    cooldownDays: 30

  - id: at-risk-executive-touch
    name: Executive touchpoint within 2 weeks
    trigger: { type: enrolled }
    actions:
      - type: create_task
        title: "Schedule an executive touchpoint with {{account.name}} within 2 weeks"
        dueInDays: 14
        priority: medium
        checklist:
          - Find the customer's executive sponsor (or the next-best executive)
          - Pair with a Vigil-side executive and book the meeting
    cooldownDays: 30

  # ---- Critical (0-49): escalate, cross-functional save plan, concessions, graceful exit
  - id: critical-escalation
    name: Escalate to VP or C-level
    trigger: { type: band_entered, band: critical }
    actions:
      - type: create_task
        title: "Critical: escalate {{account.name}} (score {{score}})"
        dueInDays: 1
        priority: urgent
        checklist:
          - "Brief the VP / C-level executive: {{driver}}"
          - Decide within 48 hours who leads the save attempt
      - { type: route_to_manager }
      - { type: enroll, playbookId: critical-save-plan }
      - { type: notify, channel: webhook, target: default }
      - { type: notify, channel: email, target: manager }
    cooldownDays: 30

  - id: critical-save-plan
    name: Emergency save plan with a cross-functional team
    trigger: { type: enrolled }
    actions:
      - type: create_task
        title: "Save plan for {{account.name}}"
        dueInDays: 3
        priority: high
        checklist:
          - Assemble the team (CS, product, support, executive sponsor)
          - Review concessions, discounts or contract modifications
          - Agree the recovery milestones with the customer
          - If unrecoverable, plan a graceful exit that preserves the relationship
      - { type: add_tag, tag: save-plan }
    cooldownDays: 30

  - id: critical-renewal-decision
    name: Critical near renewal - save or graceful exit
    trigger: { type: renewal_within, days: 45, bands: [critical] }
    actions:
      - type: create_task
        title: "{{account.name}} renews soon while critical: save or graceful exit?"
        dueInDays: 5
        priority: urgent
        checklist:
          - Review the save plan's progress
          - Decide on concessions or a contract modification
          - If leaving, agree a graceful exit (data export, references, door open)
      - { type: route_to_manager }
    cooldownDays: 45

  - id: critical-recovered
    name: Left critical - confirm the recovery
    trigger: { type: band_left, band: critical }
    actions:
      - type: create_task
        title: "{{account.name}} left critical (now {{band}}): confirm and close the save plan"
        dueInDays: 7
        priority: low
        checklist:
          - Confirm with the customer what changed
          - Keep the touch frequency until the next renewal
    cooldownDays: 60

  # ---- Driver plays: specific signals that need their own action
  - id: champion-left
    name: Champion left
    trigger: { type: signal, signalId: champion-status, op: lt, value: 0.4 }
    actions:
      - type: create_task
        title: "Champion left {{account.name}}: find and onboard a new champion"
        dueInDays: 7
        priority: high
        checklist:
          - Map the remaining stakeholders
          - Identify a successor champion and offer onboarding
    cooldownDays: 60

  - id: exec-silent-60-days
    name: No executive touch in 60 days
    trigger: { type: signal, signalId: exec-touch-recency, op: gt, value: 60 }
    conditions: { arrMin: 25000 }
    actions:
      - type: create_task
        title: "No executive touch with {{account.name}} in 60+ days"
        dueInDays: 14
        priority: medium
        checklist:
          - Book an executive check-in or invite them to the next QBR
    cooldownDays: 60

  - id: payment-30-days-late
    name: Payment 30+ days late
    trigger: { type: signal, signalId: payment-history, op: gte, value: 30 }
    actions:
      - type: create_task
        title: "{{account.name}} pays 30+ days late: talk to finance and the customer"
        dueInDays: 3
        priority: medium
        checklist:
          - Check with finance what is outstanding
          - Ask the customer whether budget or a dispute is behind it
      - { type: notify, channel: webhook, target: default }
    cooldownDays: 30

  - id: competitor-mentioned
    name: Competitor mentioned
    trigger: { type: signal, signalId: competitor-mentions, op: gt, value: 0 }
    actions:
      - type: create_task
        title: "A competitor came up at {{account.name}}"
        dueInDays: 7
        priority: medium
        checklist:
          - Find out which need the competitor answers
          - Show how the product covers it, or log the gap with product
    cooldownDays: 60

  - id: renewal-90-days-at-risk
    name: Renewal within 90 days while at risk or critical
    trigger: { type: renewal_within, days: 90, bands: [at-risk, critical] }
    actions:
      - type: create_task
        title: "{{account.name}} renews within 90 days and is {{band}}"
        dueInDays: 7
        priority: high
        checklist:
          - Build the renewal plan with the account executive
          - Address the top driver first ({{driver}})
    cooldownDays: 90

  - id: score-dropped-15
    name: Score dropped 15 points in 30 days
    trigger: { type: score_dropped, points: 15, withinDays: 30 }
    actions:
      - type: create_task
        title: "{{account.name}}'s health fell to {{score}}: find out why"
        dueInDays: 5
        priority: medium
        checklist:
          - "Check what moved: {{driver}}"
          - Reach out to the main contact this week
    cooldownDays: 30
`;

function load(): Playbook[] {
  const parsed = parsePlaybooks(DEFAULT_PLAYBOOKS_YAML);
  // the shipped document is tested; failing loudly here beats shipping no plays
  if (!parsed.ok) throw new Error(`default playbooks are invalid: ${JSON.stringify(parsed.errors)}`);
  return parsed.playbooks;
}

export const DEFAULT_PLAYBOOKS: readonly Playbook[] = load();
