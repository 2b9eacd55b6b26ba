/** Block Kit messages of Vigil in Slack: a task alert with buttons, the result of a button, an account card. */

export const SLACK_ACTIONS = {
  claim: 'vigil_task_claim',
  snooze: 'vigil_task_snooze',
  done: 'vigil_task_done',
} as const;
export type SlackTaskAction = keyof typeof SLACK_ACTIONS;

export const slackActionOf = (actionId: string): SlackTaskAction | null =>
  (Object.entries(SLACK_ACTIONS).find(([, id]) => id === actionId)?.[0] as SlackTaskAction | undefined) ??
  null;

export type SlackAlertInput = {
  playbookName: string;
  account: { id: string; name: string; arr: number };
  score: number;
  band: string;
  because: string;
  warnings: string[];
  task: { id: string; title: string; due: string | null; priority: string } | null;
  url: string | null;
};

const BAND_EMOJI: Record<string, string> = {
  healthy: ':large_green_circle:',
  'at-risk': ':large_yellow_circle:',
  critical: ':red_circle:',
};
/** Slack mrkdwn: &, < and > are control characters and must be escaped in text we did not write. */
export const escapeMrkdwn = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function buildSlackAlert(a: SlackAlertInput): { text: string; blocks: unknown[] } {
  const head =
    `${BAND_EMOJI[a.band] ?? ''} *${escapeMrkdwn(a.account.name)}* is ${a.band} (${Math.round(a.score)})`.trim();
  const text = `${a.playbookName}: ${a.account.name} is ${a.band} (${Math.round(a.score)})`;
  const blocks: unknown[] = [
    { type: 'section', text: { type: 'mrkdwn', text: `${head}\n${escapeMrkdwn(a.because)}` } },
  ];
  if (a.warnings.length > 0)
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `*Warning signs*\n${a.warnings
          .slice(0, 5)
          .map((w) => `• ${escapeMrkdwn(w)}`)
          .join('\n')}`,
      },
    });
  if (a.task) {
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `*Task:* ${escapeMrkdwn(a.task.title)} (${a.task.priority}${a.task.due ? `, due ${a.task.due}` : ''})`,
      },
    });
    blocks.push({
      type: 'actions',
      block_id: `vigil_task:${a.task.id}`,
      elements: [
        {
          type: 'button',
          action_id: SLACK_ACTIONS.claim,
          text: { type: 'plain_text', text: 'Claim' },
          value: a.task.id,
          style: 'primary',
        },
        {
          type: 'button',
          action_id: SLACK_ACTIONS.snooze,
          text: { type: 'plain_text', text: 'Snooze 7 days' },
          value: a.task.id,
        },
        {
          type: 'button',
          action_id: SLACK_ACTIONS.done,
          text: { type: 'plain_text', text: 'Done' },
          value: a.task.id,
        },
      ],
    });
  }
  blocks.push({
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text: `${escapeMrkdwn(a.playbookName)}${a.url ? ` · <${a.url}|Open in Vigil>` : ''}`,
      },
    ],
  });
  return { text, blocks };
}

/** The alert after a button: the buttons replaced by who did what. */
export function buildSlackActionResult(original: unknown[], note: string): unknown[] {
  return [
    ...original.filter((b) => (b as { type?: string }).type !== 'actions'),
    { type: 'context', elements: [{ type: 'mrkdwn', text: escapeMrkdwn(note) }] },
  ];
}

export type SlackCardInput = {
  account: { id: string; name: string; owner: string | null; arr: number | null; renewal: string | null };
  score: { score: number; band: string; trend30: number | null; coverage: number } | null;
  warnings: string[];
  openTasks: { title: string; due: string | null }[];
  url: string | null;
};

/** The `/vigil ACCOUNT` answer. */
export function buildSlackAccountCard(c: SlackCardInput): { text: string; blocks: unknown[] } {
  const s = c.score;
  const line = s
    ? `${BAND_EMOJI[s.band] ?? ''} *${Math.round(s.score)}* ${s.band}${s.trend30 === null ? '' : ` · ${s.trend30 >= 0 ? '+' : ''}${Math.round(s.trend30)} in 30 d`} · coverage ${Math.round(s.coverage * 100)}%`
    : 'not scored yet';
  const fields = [
    `*Owner:* ${escapeMrkdwn(c.account.owner ?? '—')}`,
    `*ARR:* ${c.account.arr === null ? '—' : Math.round(c.account.arr).toLocaleString('en-US')}`,
    `*Renewal:* ${c.account.renewal ?? '—'}`,
  ];
  const blocks: unknown[] = [
    { type: 'header', text: { type: 'plain_text', text: c.account.name.slice(0, 150) } },
    {
      type: 'section',
      text: { type: 'mrkdwn', text: line.trim() },
      fields: fields.map((t) => ({ type: 'mrkdwn', text: t })),
    },
  ];
  if (c.warnings.length > 0)
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `*Warning signs*\n${c.warnings
          .slice(0, 5)
          .map((w) => `• ${escapeMrkdwn(w)}`)
          .join('\n')}`,
      },
    });
  if (c.openTasks.length > 0)
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `*Open tasks*\n${c.openTasks
          .slice(0, 5)
          .map((t) => `• ${escapeMrkdwn(t.title)}${t.due ? ` (due ${t.due})` : ''}`)
          .join('\n')}`,
      },
    });
  if (c.url)
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `<${c.url}|Open in Vigil>` }] });
  return { text: `${c.account.name}: ${s ? `${Math.round(s.score)} ${s.band}` : 'not scored yet'}`, blocks };
}
