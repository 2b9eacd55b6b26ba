import { escapeMrkdwn } from './slack-blocks.ts';

/** An account of the CSM with its score on the digest's date and the day before. */
export type DigestAccount = {
  id: string;
  name: string;
  score: number | null;
  band: string | null;
  previousScore: number | null;
  previousBand: string | null;
};

/** An open task of the CSM. */
export type DigestTask = {
  id: string;
  title: string;
  due: string | null;
  priority: string;
  accountId: string;
  accountName: string;
};

export type SlackDigestInput = {
  csm: { id: string; name: string | null };
  /** The digest's date (the CSM's workspace-local day), YYYY-MM-DD. */
  date: string;
  accounts: readonly DigestAccount[];
  tasks: readonly DigestTask[];
  /** Score points that count as a move (a band change always does). */
  minChange: number;
  publicUrl: string | null;
};

export type SlackDigest = {
  text: string;
  blocks: unknown[];
  moved: DigestAccount[];
  due: DigestTask[];
};

/** At most this many lines per list in one message (Slack allows 50 blocks). */
const MAX_LINES = 10;
const PRIORITY: Record<string, number> = { urgent: 0, high: 1, medium: 2, low: 3 };

/** Accounts whose score moved by at least `minChange` points or changed band since the day before; largest drops first. */
export function movedAccounts(accounts: readonly DigestAccount[], minChange: number): DigestAccount[] {
  return accounts
    .filter(
      (a) =>
        a.score !== null &&
        a.previousScore !== null &&
        (Math.abs(a.score - a.previousScore) >= minChange ||
          (a.band !== null && a.previousBand !== null && a.band !== a.previousBand)),
    )
    .sort(
      (a, b) =>
        (a.score as number) -
          (a.previousScore as number) -
          ((b.score as number) - (b.previousScore as number)) || a.id.localeCompare(b.id),
    );
}

/** Open tasks due on or before the date (overdue included), earliest and most urgent first. */
export function tasksDue(tasks: readonly DigestTask[], date: string): DigestTask[] {
  return tasks
    .filter((t) => t.due !== null && t.due <= date)
    .sort(
      (a, b) =>
        (a.due as string).localeCompare(b.due as string) ||
        (PRIORITY[a.priority] ?? 9) - (PRIORITY[b.priority] ?? 9) ||
        a.id.localeCompare(b.id),
    );
}

const signed = (n: number) => (n > 0 ? `+${n}` : `${n}`);

/**
 * The daily digest of one CSM as a Block Kit message: "your accounts that
 * moved" (score change since the day before, band changes) and "your tasks
 * due" (open, due on or before the date). Pure and dated: the same input
 * gives the same message. Null when there is nothing to say (no message is sent).
 */
export function buildSlackDigest(input: SlackDigestInput): SlackDigest | null {
  const moved = movedAccounts(input.accounts, input.minChange);
  const due = tasksDue(input.tasks, input.date);
  if (moved.length === 0 && due.length === 0) return null;
  const base = input.publicUrl?.replace(/\/$/, '') ?? null;
  const link = (id: string, name: string) =>
    base ? `<${base}/accounts/${encodeURIComponent(id)}|${escapeMrkdwn(name)}>` : `*${escapeMrkdwn(name)}*`;
  const more = (n: number) => (n > MAX_LINES ? `\n…and ${n - MAX_LINES} more` : '');
  const text = `Vigil digest for ${input.date}: ${moved.length} account(s) moved, ${due.length} task(s) due`;
  const blocks: unknown[] = [
    { type: 'header', text: { type: 'plain_text', text: `Your Vigil digest — ${input.date}` } },
  ];
  if (moved.length > 0)
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `*Your accounts that moved*\n${moved
          .slice(0, MAX_LINES)
          .map((a) => {
            const d = Math.round((a.score as number) - (a.previousScore as number));
            const band =
              a.band !== a.previousBand && a.previousBand
                ? `, ${a.previousBand} → ${a.band}`
                : ` (${a.band})`;
            return `• ${link(a.id, a.name)}: ${Math.round(a.previousScore as number)} → ${Math.round(a.score as number)} (${signed(d)})${band}`;
          })
          .join('\n')}${more(moved.length)}`,
      },
    });
  if (due.length > 0)
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `*Your tasks due*\n${due
          .slice(0, MAX_LINES)
          .map(
            (t) =>
              `• ${escapeMrkdwn(t.title)} — ${link(t.accountId, t.accountName)} (${t.priority}, ${t.due === input.date ? 'due today' : `overdue since ${t.due}`})`,
          )
          .join('\n')}${more(due.length)}`,
      },
    });
  blocks.push({
    type: 'context',
    elements: [
      { type: 'mrkdwn', text: `Moves of ${input.minChange}+ points or a band change since the day before.` },
    ],
  });
  return { text, blocks, moved, due };
}

/**
 * The local date and hour of an instant in an IANA time zone (the Slack
 * workspace's), for "once a day at the configured local hour".
 */
export function localDateAndHour(instant: Date, timeZone: string): { date: string; hour: number } {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(instant);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return { date: `${get('year')}-${get('month')}-${get('day')}`, hour: Number(get('hour')) };
}

/** The day before an ISO date. */
export const previousDay = (date: string) =>
  new Date(Date.parse(`${date}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
