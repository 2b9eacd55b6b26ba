/** Word lists for a believable synthetic portfolio (names, industries, ticket and note texts). */
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
];
export const NAME_B = [
  'Logistics',
  'Health',
  'Foods',
  'Analytics',
  'Systems',
  'Retail',
  'Energy',
  'Labs',
  'Capital',
  'Media',
  'Robotics',
  'Freight',
  'Pharma',
  'Insurance',
  'Apparel',
  'Motors',
  'Networks',
  'Dynamics',
  'Biotech',
  'Outdoors',
  'Hospitality',
  'Learning',
  'Security',
  'Holdings',
  'Partners',
  'Works',
  'Studios',
  'Foundry',
  'Supply',
  'Telecom',
];
export const NAME_C = ['Inc.', 'LLC', 'Group', 'Co.', 'Corp.', 'GmbH', 'Ltd.', 'AG', ''];
export const INDUSTRIES = [
  'logistics',
  'healthcare',
  'retail',
  'manufacturing',
  'financial services',
  'software',
  'education',
  'media',
  'hospitality',
  'energy',
];
export const REGIONS = ['NA', 'EMEA', 'APAC', 'LATAM'];
export const FIRST = [
  'Ana',
  'Ben',
  'Chloe',
  'David',
  'Elena',
  'Farid',
  'Grace',
  'Hiro',
  'Ines',
  'Jonas',
  'Kara',
  'Liam',
  'Maya',
  'Noah',
  'Olga',
  'Priya',
  'Quinn',
  'Rosa',
  'Sam',
  'Tara',
  'Umar',
  'Vera',
  'Wei',
  'Yara',
  'Zoe',
];
export const LAST = [
  'Silva',
  'Chen',
  'Okafor',
  'Schmidt',
  'Rossi',
  'Kim',
  'Nguyen',
  'Garcia',
  'Haddad',
  'Kowalski',
  'Larsen',
  'Patel',
  'Moreau',
  'Tanaka',
  'Ibrahim',
  'Novak',
  'Walsh',
  'Costa',
  'Berg',
  'Ali',
];
export const TITLES: Record<string, string[]> = {
  champion: ['Head of Operations', 'Director of Analytics', 'Ops Manager', 'Product Operations Lead'],
  executive_sponsor: ['VP Operations', 'COO', 'CFO', 'VP Customer Experience', 'CTO'],
  admin: ['Systems Administrator', 'IT Manager', 'BI Engineer'],
  user: ['Analyst', 'Coordinator', 'Specialist', 'Planner', 'Associate'],
};

export const CORE_FEATURES = [
  'dashboards',
  'reports',
  'alerts',
  'workflows',
  'data-import',
  'collaboration',
] as const;
export const OTHER_FEATURES = ['mobile-app'] as const;
export const ADD_ONS = [
  { key: 'forecasting', name: 'Forecasting', listPrice: 12_000 },
  { key: 'sso', name: 'Single sign-on', listPrice: 6_000 },
] as const;
export const INTEGRATIONS = ['salesforce', 'slack', 'api', 'hubspot'] as const;
export const COMPETITORS = ['RivalCo', 'InsightHQ', 'ChurnLess', 'MetricMint'];
export const RIVAL_FEATURES = [
  'route optimisation',
  'AI forecasting',
  'custom SQL',
  'white-label portal',
  'offline mode',
];

export const TICKET_SUBJECTS_BAD = [
  'Exports keep failing',
  'Dashboard extremely slow',
  'Data sync broken again',
  'Wrong numbers in report',
  'Cannot log in',
  'Alerts not firing',
];
export const TICKET_SUBJECTS_OK = [
  'How do I share a dashboard?',
  'Question about permissions',
  'Request: new chart type',
  'Help configuring alerts',
  'Invoice copy needed',
];
export const TICKET_TEXT_BAD = [
  'This is the third time this month the export has failed and my team is blocked. Very frustrating.',
  'The dashboard takes minutes to load and people have stopped using it. This is unacceptable.',
  'Our data is wrong again and leadership is asking why we pay for this tool.',
  'Still broken after a week. We are really disappointed with the support response.',
  'Nothing works since your last release. We are seriously considering alternatives.',
  'Terrible experience, the sync failed overnight and we lost a day of work.',
];
export const TICKET_TEXT_OK = [
  'Quick question on how to share a dashboard with a colleague, thanks!',
  'Could you help us set up alerts for our new team? Thanks in advance.',
  'Great product, we would love a new chart type for weekly trends.',
  'Thanks for the fast help last time. One more question about permissions.',
  'Everything works well, we just need a copy of our last invoice please.',
];
export const NPS_COMMENT_GOOD = [
  'Great support team and the dashboards save us hours every week.',
  'Love the product, it is central to how we run operations.',
  'Very happy, easy to use and reliable.',
];
export const NPS_COMMENT_MID = [
  'It is fine, but reporting could be faster.',
  'Good tool, some features are missing.',
];
export const NPS_COMMENT_BAD = [
  'Too expensive for what we get and support is slow.',
  'Unreliable lately, we are frustrated and evaluating other options.',
  'Poor experience, the product keeps breaking.',
];
export const NOTE_GOOD = [
  'Great call with the champion; they want to roll out to another team.',
  'Customer is very happy with the new workflows, asked about the forecasting add-on.',
  'Strong adoption across the team, exec sponsor engaged.',
];
export const NOTE_MID = [
  'Routine check-in, no major issues raised.',
  'Usage steady; need to schedule the next QBR.',
];
export const NOTE_BAD = [
  'Champion seemed disengaged and did not answer follow-ups.',
  'Customer frustrated about reliability; renewal at risk.',
  'Budget pressure mentioned, they are reviewing all vendors.',
  'Heard they are trialling a competitor; need an exec touch soon.',
];
