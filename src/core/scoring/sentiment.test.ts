import { describe, expect, it } from 'vitest';
import { textSentiment, vaderCompound } from './sentiment.ts';

// A hand-labelled sample of the texts Vigil reads: support tickets, NPS
// comments, CSM notes and customer emails. Labels are what a CSM would say.
const NEGATIVE = [
  'The export has failed three times this week and my team is blocked.',
  'This is unacceptable, the dashboard has been down all morning.',
  'We are really disappointed with how long support takes to answer.',
  'Your last release broke our integration and nobody told us.',
  'Data is wrong again, leadership no longer trusts the reports.',
  'Terrible experience, we lost a full day of work because of the outage.',
  'We are seriously considering moving to another vendor.',
  'Too expensive for what we get.',
  'The product is slow and unreliable lately.',
  'Still broken after a week, this is frustrating.',
  'Nobody on our team uses it anymore, it is too complicated.',
  'We feel ignored, our emails go unanswered.',
  'The sync failed overnight and we had to redo everything manually.',
  'Support closed my ticket without fixing the problem.',
  'Frustrated that basic features keep breaking.',
  'Poor quality, lots of bugs, hard to recommend.',
  'Billing charged us twice and it took weeks to get a refund.',
  'The new pricing is a deal breaker for us.',
  'We are unhappy with the onboarding, it was a mess.',
  'Performance is awful during month end close.',
  'I am angry that the outage was not communicated.',
  'The mobile app crashes constantly.',
  'We regret buying the extra seats, nobody uses them.',
  'Customer success has been unresponsive and unhelpful.',
  'Reports are useless without the fields we asked for.',
  'Our champion left and the rest of the team hates the tool.',
  'It is a nightmare to configure permissions.',
  'We cannot justify the cost to our CFO anymore.',
  'The integration is broken and blocking our sales team.',
  'Horrible support experience, no follow up at all.',
  'Disappointing release, several things we rely on stopped working.',
];
const NOT_NEGATIVE = [
  'Great support team, the dashboards save us hours every week.',
  'Love the product, it is central to how we run operations.',
  'Thanks for the quick help yesterday!',
  'Very happy with the new workflows.',
  'The team is excited to roll this out to another department.',
  'Excellent onboarding, everyone was productive in a week.',
  'Thank you, that solved it.',
  'We would love to learn more about the forecasting add-on.',
  'Reliable and easy to use.',
  'Our executives really like the weekly report.',
  'Fantastic improvement in the latest release.',
  'Could you share the invoice for last month please? Thanks.',
  'Great call today, looking forward to the QBR.',
  'The integration with Salesforce works perfectly.',
  'We are very satisfied with the service.',
  'Helpful and friendly support as always.',
  'This tool is a big win for our team.',
  'Quick question: how do I share a dashboard with a colleague?',
  'Sounds good, see you on Thursday.',
  'Impressive results, we hit our goal of cutting reporting time in half.',
  'Please add us to the beta, we are keen to try it.',
  'Awesome, the alerts are exactly what we needed.',
  'Happy to be a reference customer.',
  'Good product, some minor features missing but overall solid.',
  'We appreciate the fast response from your engineers.',
  'Everything works well, thank you.',
  'The new dashboard looks great and loads fast.',
  'Pleased with the renewal terms, let us proceed.',
  'Our team enjoys using it every day.',
  'Nice work on the mobile app update.',
  'Can we schedule a training session for new hires?',
];

// Written after the B2B terms were chosen, so they were not tuned on it.
const HELD_OUT: [string, boolean][] = [
  ['The report builder keeps timing out and our analysts are stuck.', true],
  ['Honestly the product has gone downhill since the redesign.', true],
  ['We were promised SSO months ago and still nothing.', true],
  ['Your invoice is wrong again, please fix it.', true],
  ['We will not renew unless the performance problems are solved.', true],
  ['The app is so slow our users gave up.', true],
  ['Worst support interaction we have had with any vendor.', true],
  ['The renewal quote is far too high for our budget.', true],
  ['Thanks a lot, the new export works great.', false],
  ['We are growing and will need more seats next quarter.', false],
  ['Really useful session, the team learned a lot.', false],
  ['Looking forward to the roadmap preview.', false],
  ['The dashboards are now part of our weekly leadership meeting.', false],
  ['Could you send the SOC 2 report for our security review?', false],
  ['Great job on the quick fix, much appreciated.', false],
  ['We recommended you to a partner company.', false],
];

describe('text sentiment (VADER) on a labelled B2B sample', () => {
  it('holds up on a held-out sample it was not tuned on (at least 75%)', () => {
    const correct = HELD_OUT.filter(([t, neg]) => textSentiment(t) < -0.05 === neg).length;
    const vaderOnly = HELD_OUT.filter(([t, neg]) => vaderCompound(t) < -0.05 === neg).length;
    console.log(
      `held-out accuracy ${((correct / HELD_OUT.length) * 100).toFixed(1)}% (VADER alone ${((vaderOnly / HELD_OUT.length) * 100).toFixed(1)}%) on ${HELD_OUT.length} texts`,
    );
    expect(correct / HELD_OUT.length).toBeGreaterThanOrEqual(0.75);
  });

  it('tells negative texts from the rest with at least 90% accuracy', () => {
    const results = [
      ...NEGATIVE.map((t) => ({ t, negative: true, s: textSentiment(t) })),
      ...NOT_NEGATIVE.map((t) => ({ t, negative: false, s: textSentiment(t) })),
    ];
    const correct = results.filter((r) => r.s < -0.05 === r.negative).length;
    const vaderOnly = [
      ...NEGATIVE.map((t) => [t, true] as const),
      ...NOT_NEGATIVE.map((t) => [t, false] as const),
    ].filter(([t, neg]) => vaderCompound(t) < -0.05 === neg).length;
    console.log(`VADER alone: ${((vaderOnly / results.length) * 100).toFixed(1)}%`);
    const accuracy = correct / results.length;
    const missed = results.filter((r) => r.s < -0.05 !== r.negative).map((r) => `${r.s.toFixed(2)} ${r.t}`);
    console.log(
      `sentiment accuracy ${(accuracy * 100).toFixed(1)}% on ${results.length} labelled texts; misread:\n  ${missed.join('\n  ')}`,
    );
    expect(results.length).toBeGreaterThanOrEqual(60);
    expect(accuracy).toBeGreaterThanOrEqual(0.9);
  });

  it('is neutral on empty text and bounded', () => {
    expect(textSentiment('   ')).toBe(0);
    for (const t of [...NEGATIVE, ...NOT_NEGATIVE]) {
      const s = textSentiment(t);
      expect(s).toBeGreaterThanOrEqual(-1);
      expect(s).toBeLessThanOrEqual(1);
    }
  });
});
