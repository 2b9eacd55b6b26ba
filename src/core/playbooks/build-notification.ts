import type { PlaybookAccount, PlaybookDecision } from './evaluate-playbooks.ts';
import type { Channel } from './playbook-schema.ts';

export type NotificationPayload = {
  /** Slack-compatible: a Slack incoming webhook shows `text` and `blocks`; other receivers read `vigil`. */
  text: string;
  blocks: unknown[];
  vigil: {
    event: 'playbook.fired';
    playbook: { id: string; name: string };
    account: { id: string; name: string; owner: string | null; arr: number };
    score: number;
    band: string;
    because: string;
    task: { id: string; title: string; due: string | null; owner: string | null; priority: string } | null;
    url: string | null;
    createdAt: string;
  };
};

export type EmailPayload = { to: string; subject: string; text: string };

/** The message of a fired play, for webhooks and Slack (the same body serves both). */
export function buildNotificationPayload(
  decision: PlaybookDecision,
  account: PlaybookAccount,
  taskId: string | null,
  options: { publicUrl: string | null; createdAt: string },
): NotificationPayload {
  const url = options.publicUrl
    ? `${options.publicUrl.replace(/\/$/, '')}/accounts/${encodeURIComponent(account.id)}`
    : null;
  const head = `${decision.playbookName}: ${account.name} is ${decision.band} (${decision.score})`;
  const task = decision.task
    ? `Task for ${decision.task.owner ?? 'unassigned'}: ${decision.task.title} (due ${decision.task.dueDate})`
    : null;
  const text = [head, decision.because, task].filter(Boolean).join('\n');
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `*${head}*\n${decision.because}` } },
      ...(task ? [{ type: 'section', text: { type: 'mrkdwn', text: task } }] : []),
      ...(url ? [{ type: 'context', elements: [{ type: 'mrkdwn', text: `<${url}|Open in Vigil>` }] }] : []),
    ],
    vigil: {
      event: 'playbook.fired',
      playbook: { id: decision.playbookId, name: decision.playbookName },
      account: { id: account.id, name: account.name, owner: account.owner, arr: account.arr },
      score: decision.score,
      band: decision.band,
      because: decision.because,
      task:
        decision.task && taskId
          ? {
              id: taskId,
              title: decision.task.title,
              due: decision.task.dueDate,
              owner: decision.task.owner,
              priority: decision.task.priority,
            }
          : null,
      url,
      createdAt: options.createdAt,
    },
  };
}

export function buildEmailPayload(to: string, payload: NotificationPayload): EmailPayload {
  const v = payload.vigil;
  return {
    to,
    subject: `[Vigil] ${v.playbook.name}: ${v.account.name} (${v.band}, ${v.score})`,
    text: `${payload.text}${v.url ? `\n\n${v.url}` : ''}\n`,
  };
}

export const isEmailChannel = (c: Channel) => c === 'email';
