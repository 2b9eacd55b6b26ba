/** Word lists and texts for a believable synthetic portfolio. Plain English, so sentiment scoring has something real to read. */
export const NAME_A = [
  'North',
  'Blue',
  'Silver',
  'Bright',
  'Iron',
  'Cedar',
  'Summit',
  'Harbor',
  'Granite',
  'Maple',
  'Vertex',
  'Quantum',
  'Pioneer',
  'Atlas',
  'Nimbus',
  'Crescent',
  'Redwood',
  'Falcon',
  'Lumen',
  'Orbit',
  'Prairie',
  'Coastal',
  'Evergreen',
  'Keystone',
  'Meridian',
  'Nova',
  'Pinnacle',
  'Sterling',
  'Horizon',
  'Aurora',
  'Beacon',
  'Copper',
  'Delta',
  'Ember',
  'Fjord',
  'Glacier',
  'Juniper',
  'Kestrel',
  'Lakeside',
  'Mosaic',
  'Oakridge',
  'Polar',
  'Riverbend',
  'Sierra',
  'Tidewater',
  'Upland',
  'Willow',
  'Zenith',
  'Anchor',
  'Bluebird',
] as const;
export const NAME_B = [
  'Logistics',
  'Health',
  'Foods',
  'Analytics',
  'Systems',
  'Retail',
  'Energy',
  'Capital',
  'Labs',
  'Media',
  'Robotics',
  'Freight',
  'Dental',
  'Insurance',
  'Legal',
  'Learning',
  'Software',
  'Manufacturing',
  'Pharma',
  'Travel',
  'Properties',
  'Security',
  'Networks',
  'Outdoor',
  'Biotech',
  'Payments',
  'Hospitality',
  'Construction',
  'Farms',
  'Mobility',
] as const;
export const NAME_C = ['Inc', 'Group', 'Co', 'Ltd', 'Partners', 'Holdings', 'GmbH', 'LLC'] as const;

export const INDUSTRIES = [
  'software',
  'retail',
  'healthcare',
  'financial services',
  'manufacturing',
  'logistics',
  'education',
  'media',
  'professional services',
  'hospitality',
  'energy',
  'real estate',
] as const;

/** Region and the UTC minute its working day starts (so activity lands in local office hours). */
export const REGIONS = [
  { key: 'na', workStartUtc: 13 * 60 + 30, weight: 0.5 },
  { key: 'emea', workStartUtc: 7 * 60 + 30, weight: 0.35 },
  { key: 'apac', workStartUtc: 0, weight: 0.15 },
] as const;

export const FIRST = [
  'Ava',
  'Liam',
  'Mia',
  'Noah',
  'Emma',
  'Lucas',
  'Olivia',
  'Ethan',
  'Sofia',
  'Mateo',
  'Chloe',
  'Arjun',
  'Priya',
  'Kenji',
  'Yuki',
  'Fatima',
  'Omar',
  'Leila',
  'Hannah',
  'Jonas',
  'Elena',
  'Marco',
  'Grace',
  'Daniel',
  'Aisha',
  'Tomas',
  'Ingrid',
  'Wei',
  'Mei',
  'Carlos',
  'Lucia',
  'Samuel',
  'Nora',
  'Felix',
  'Zara',
  'Isaac',
  'Maya',
  'Ravi',
  'Anna',
  'David',
  'Sara',
  'Ben',
  'Julia',
  'Adam',
  'Eva',
  'Hugo',
  'Lena',
  'Oscar',
] as const;
export const LAST = [
  'Smith',
  'Garcia',
  'Chen',
  'Patel',
  'Müller',
  'Rossi',
  'Kim',
  'Nguyen',
  'Silva',
  'Khan',
  'Novak',
  'Larsen',
  'Okafor',
  'Dubois',
  'Tanaka',
  'Haddad',
  'Cohen',
  'Johnson',
  'Brown',
  'Lopez',
  'Schmidt',
  'Moreau',
  'Sato',
  'Ali',
  'Andersen',
  'Kowalski',
  'Ivanova',
  'Reyes',
  'Walsh',
  'Fischer',
  'Bauer',
  'Costa',
  'Jensen',
  'Wright',
  'Hughes',
  'Park',
] as const;

export const TITLES: Record<string, readonly string[]> = {
  champion: [
    'Head of Operations',
    'Director of Analytics',
    'Operations Manager',
    'RevOps Lead',
    'Program Manager',
  ],
  executive_sponsor: ['VP Operations', 'COO', 'CFO', 'Chief Digital Officer', 'SVP Customer Experience'],
  admin: ['IT Administrator', 'Systems Administrator', 'Business Systems Analyst'],
  user: ['Analyst', 'Coordinator', 'Specialist', 'Team Lead', 'Associate', 'Planner', 'Account Manager'],
};

export const COMPETITORS = ['Northbeam', 'Gainsight', 'ChurnZero', 'Totango', 'Planhat', 'Catalyst'] as const;
export const RIVAL_FEATURES = [
  'AI forecasting',
  'native Salesforce sync',
  'custom objects',
  'white-label portal',
  'offline mobile mode',
  'usage-based billing',
] as const;

export const GOALS = [
  { goal: 'cut weekly reporting time by 50%', metric: 'hours_saved' },
  { goal: 'one source of truth for operations', metric: 'teams_onboarded' },
  { goal: 'reduce late deliveries by 20%', metric: 'on_time_rate' },
  { goal: 'replace three spreadsheets with dashboards', metric: 'dashboards_live' },
  { goal: 'automate month-end close reports', metric: 'reports_automated' },
] as const;
export const MILESTONES = [
  { milestone: 'first-automated-report', description: 'First report automated end to end' },
  { milestone: 'team-rollout', description: 'Rolled out to a second team' },
  { milestone: 'exec-dashboard-live', description: 'Executive dashboard in weekly use' },
  { milestone: 'integration-live', description: 'CRM integration live in production' },
  { milestone: 'hours-saved-target', description: 'Reached the hours-saved target set at kickoff' },
  { milestone: 'renewal-business-case', description: 'Customer presented ROI internally' },
] as const;

export const TICKET_OK = [
  {
    subject: 'How do I share a dashboard?',
    text: 'Hi team, quick question: how can we share a dashboard with a colleague? Thanks, love the product!',
  },
  {
    subject: 'Feature question',
    text: 'Great release last week. Could you point us to the docs for scheduled exports? Thank you.',
  },
  {
    subject: 'Adding new users',
    text: 'We are growing and want to add a few new users to the workspace. Happy with it so far, thanks!',
  },
  {
    subject: 'Training request',
    text: 'Our new hires would love a short training session. Everything works well, just want to help them.',
  },
  {
    subject: 'Small typo in a report',
    text: 'Minor thing: a label in the weekly report has a typo. Not urgent at all, thanks for the great support.',
  },
  {
    subject: 'API rate limits',
    text: 'We are building a nice integration and wonder what the API rate limits are. Appreciate the help.',
  },
  {
    subject: 'SSO setup',
    text: 'Thanks for the quick onboarding! Could you help us enable SSO for the team?',
  },
] as const;
export const TICKET_BAD = [
  {
    subject: 'Dashboards broken again',
    text: 'The dashboards are broken again. This is the third time this month and it is unacceptable. We are very frustrated.',
  },
  {
    subject: 'Data sync failing',
    text: 'Data sync has been failing for two days. Our team cannot work and nobody has answered. Terrible experience.',
  },
  {
    subject: 'Export is wrong',
    text: 'The export numbers are wrong and our CFO is angry. We are losing trust in this product.',
  },
  {
    subject: 'Very slow',
    text: 'The app is painfully slow and keeps timing out. Honestly this is a disaster for our team.',
  },
  {
    subject: 'Still not fixed',
    text: 'Still not fixed after a week. This is ridiculous, we are paying for a product that does not work.',
  },
  {
    subject: 'Login problems',
    text: 'Users are locked out and cannot log in. Awful timing during our quarter close, very disappointed.',
  },
  {
    subject: 'Missing data',
    text: 'Half of last month is missing from the reports. This is a serious problem and we are considering alternatives.',
  },
] as const;
export const TICKET_UPDATE_BAD = [
  'Any update? This is hurting us badly and we are unhappy with the response time.',
  'Still broken. Please escalate, this is unacceptable.',
  'We are very disappointed, the workaround does not work.',
] as const;
export const TICKET_UPDATE_OK = [
  'Thanks, that helped. One more small question.',
  'Great, works now. Thank you!',
  'Appreciate the quick answer.',
] as const;

export const NPS_GOOD = [
  'Love it, the team uses it every day.',
  'Great product and an excellent CSM.',
  'Saves us hours every week, highly recommend.',
] as const;
export const NPS_MID = [
  'Solid tool, a few rough edges.',
  'Good, but reporting could be faster.',
  'It is fine for what we need.',
] as const;
export const NPS_BAD = [
  'Too expensive for what we actually use.',
  'Support has been slow and the product is buggy.',
  'We struggle to get value from it, disappointing.',
  'Hard to use, most of the team has stopped logging in.',
] as const;
export const CSAT_GOOD = ['Quick and helpful, thanks!', 'Great support.', 'Solved fast.'] as const;
export const CSAT_BAD = [
  'Took far too long.',
  'The issue is not really solved.',
  'Slow and unhelpful.',
] as const;

export const NOTE_GOOD = [
  'Great call with the champion, they are rolling out to another team next quarter.',
  'Customer is happy, asked about advanced analytics.',
  'Strong adoption, weekly active users keep growing.',
  'Exec sponsor praised the ROI in the business review.',
] as const;
export const NOTE_MID = [
  'Routine check-in, no major issues.',
  'Usage steady; some users need refresher training.',
  'Customer busy with a reorg, follow up next month.',
] as const;
export const NOTE_BAD = [
  'Champion unresponsive for weeks; hard to get a meeting.',
  'Customer frustrated with reliability, mentioned budget review.',
  'Adoption stalled, only a couple of users still active.',
  'Renewal at risk: they are questioning the value.',
] as const;

export const EMAIL_SUBJECTS = [
  'Checking in',
  'Next steps from our call',
  'QBR agenda',
  'New feature your team asked for',
  'Renewal planning',
  'Training session for new users',
  'Your usage report',
] as const;
export const REPLY_GOOD = [
  'Thanks, sounds great. Let us do it.',
  'Appreciate it, the team is excited.',
  'Perfect, see you Thursday.',
] as const;
export const REPLY_MEH = [
  'We are busy right now, will get back to you.',
  'Not a priority this quarter.',
  'Let us revisit after our budget review.',
] as const;
