import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import {
  type Me,
  sendJson,
  type Task,
  type TaskQueueGroup,
  usePlaybooksQuery,
  useTaskQueueQuery,
} from './api.ts';
import { BAND_LABEL, money } from './format.ts';

const PAGE = 20;

/**
 * The weekly work queue: open tasks grouped by account, accounts ranked by expected ARR at risk
 * × urgency (renewal proximity, due dates), paginated by account.
 */
export function TasksPage({ me }: { me: Me }) {
  const [status, setStatus] = useState('open');
  const [scope, setScope] = useState<'mine' | 'team'>(me.user.role === 'csm' ? 'mine' : 'team');
  const [owner, setOwner] = useState('');
  const [playbook, setPlaybook] = useState('');
  const [priority, setPriority] = useState('');
  const [page, setPage] = useState(0);
  const playbooks = usePlaybooksQuery();
  const params: Record<string, string> = { status, limit: String(PAGE), offset: String(page * PAGE) };
  if (scope === 'mine') params.owner = me.user.id;
  else if (owner.trim()) params.owner = owner.trim();
  if (playbook) params.playbook = playbook;
  if (priority) params.priority = priority;
  const q = useTaskQueueQuery(params);
  const filter =
    <T,>(set: (v: T) => void) =>
    (v: T) => {
      set(v);
      setPage(0);
    };
  const pages = q.data ? Math.max(1, Math.ceil(q.data.totalAccounts / PAGE)) : 1;
  return (
    <section>
      <h1>
        {scope === 'mine' ? 'My work queue' : me.user.role === 'admin' ? 'Work queue' : 'Team work queue'}
      </h1>
      <p className="muted small">
        Accounts ranked by expected ARR at risk (ARR ×{' '}
        {q.data?.riskSource === 'calibrated' ? 'churn probability' : 'risk index ((100 − score)/100)²'}) ×
        urgency (renewal within 90 days, tasks due).
      </p>
      <search className="filters">
        {me.user.role !== 'csm' && (
          <fieldset className="segmented" aria-label="Queue">
            {(['mine', 'team'] as const).map((s) => (
              <button
                key={s}
                type="button"
                aria-pressed={scope === s}
                className={scope === s ? 'on' : ''}
                onClick={() => filter(setScope)(s)}
              >
                {s === 'mine' ? 'Mine' : me.user.role === 'admin' ? 'Everyone' : 'My team'}
              </button>
            ))}
          </fieldset>
        )}
        <label>
          Status
          <select value={status} onChange={(e) => filter(setStatus)(e.target.value)}>
            <option value="open">open</option>
            <option value="snoozed">snoozed</option>
            <option value="done">done</option>
            <option value="dismissed">dismissed</option>
          </select>
        </label>
        <label>
          Playbook
          <select
            aria-label="Playbook"
            value={playbook}
            onChange={(e) => filter(setPlaybook)(e.target.value)}
          >
            <option value="">any</option>
            {(playbooks.data?.items ?? []).map((p) => (
              <option key={p.playbook.id} value={p.playbook.id}>
                {p.playbook.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Priority
          <select
            aria-label="Priority"
            value={priority}
            onChange={(e) => filter(setPriority)(e.target.value)}
          >
            <option value="">any</option>
            {['urgent', 'high', 'medium', 'low'].map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </label>
        {scope === 'team' && (
          <label>
            Owner
            <input
              value={owner}
              onChange={(e) => filter(setOwner)(e.target.value)}
              placeholder="user id"
              size={10}
            />
          </label>
        )}
        <span className="muted" data-testid="queue-total">
          {q.data ? `${q.data.totalTasks} tasks on ${q.data.totalAccounts} accounts` : ''}
        </span>
      </search>
      {q.data && q.data.totalTasks > 0 && (
        <p className="muted small" data-testid="queue-priorities">
          {(['urgent', 'high', 'medium', 'low'] as const)
            .map((p) => `${q.data.byPriority[p] ?? 0} ${p}`)
            .join(' · ')}
        </p>
      )}
      {q.isPending ? (
        <p>Loading the queue…</p>
      ) : q.isError ? (
        <p className="error">{q.error.message}</p>
      ) : q.data.groups.length === 0 ? (
        <p className="muted">No tasks here.</p>
      ) : (
        <ol className="queue">
          {q.data.groups.map((g) => (
            <AccountGroup key={g.accountId} group={g} />
          ))}
        </ol>
      )}
      {pages > 1 && (
        <nav className="pager" aria-label="Pages">
          <button type="button" disabled={page === 0} onClick={() => setPage(page - 1)}>
            ← Previous
          </button>
          <span className="muted">
            Page {page + 1} of {pages}
          </span>
          <button type="button" disabled={page + 1 >= pages} onClick={() => setPage(page + 1)}>
            Next →
          </button>
        </nav>
      )}
    </section>
  );
}

function AccountGroup({ group }: { group: TaskQueueGroup }) {
  const a = group.account;
  const renewal =
    a.renewalDate && group.daysToRenewal !== null
      ? group.daysToRenewal >= 0
        ? `renews ${a.renewalDate} (${group.daysToRenewal} d)`
        : `term ended ${a.renewalDate}`
      : 'no renewal date';
  return (
    <li className="queue-group panel" data-testid="queue-group">
      <div className="queue-head">
        <span className="rank muted">#{group.rank}</span>
        <a className="queue-account" href={`#/accounts/${encodeURIComponent(a.id)}`}>
          {a.name}
        </a>
        {a.band && (
          <span className={`pill ${a.band}`}>
            {BAND_LABEL[a.band] ?? a.band} {a.score === null ? '' : Math.round(a.score)}
          </span>
        )}
      </div>
      <div className="queue-facts muted small">
        <span>{money(a.arr)} ARR</span>
        <span data-testid="at-risk-arr">{money(group.expectedArrAtRisk)} at risk</span>
        <span>{renewal}</span>
        <span>{a.ownerName ?? a.owner ?? 'unassigned'}</span>
      </div>
      <ul className="tasks">
        {group.tasks.map((t) => (
          <TaskCard key={t.id} task={t} accountName={a.name} />
        ))}
      </ul>
    </li>
  );
}

const inAWeek = () => new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);

/** The trigger's reason as a sentence ("Acme is critical", "Payment history: 31 days late"). */
export function whySentence(because: string, accountName: string): string {
  const enrolled = /^enrolled by (.+)$/.exec(because);
  if (enrolled) return `Follows up the ${enrolled[1]!.replace(/-/g, ' ')} play.`;
  const sentence = /^(is|entered|left|renews) /.test(because)
    ? `${accountName} ${because}`
    : /^score /.test(because)
      ? `${accountName}'s ${because}`
      : because.charAt(0).toUpperCase() + because.slice(1);
  return /[.!?]$/.test(sentence) ? sentence : `${sentence}.`;
}

function TaskCard({ task, accountName }: { task: Task; accountName: string }) {
  const client = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const [dismissing, setDismissing] = useState(false);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const run = async (fn: () => Promise<unknown>) => {
    setError(null);
    setBusy(true);
    try {
      await fn();
      await client.invalidateQueries({ queryKey: ['tasks'] });
      void client.invalidateQueries({ queryKey: ['account', task.accountId] });
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const change = (status: Task['status'], extra: { reason?: string; snoozedUntil?: string } = {}) =>
    run(() => sendJson('PATCH', `/v1/tasks/${encodeURIComponent(task.id)}`, { status, ...extra }));
  const tick = (index: number, done: boolean) =>
    run(() => sendJson('PATCH', `/v1/tasks/${encodeURIComponent(task.id)}/checklist/${index}`, { done }));
  return (
    <li className={`task priority-${task.priority}`} data-testid="task" data-task-id={task.id}>
      <div className="task-head">
        <span className={`pill prio ${task.priority}`}>{task.priority}</span>
        <b>{task.title}</b>
        <span className="muted small">
          {task.owner ?? 'unassigned'} · due {task.due ?? '–'}
        </span>
      </div>
      {task.because && <div className="muted small">Why: {whySentence(task.because, accountName)}</div>}
      {task.checklist.length > 0 && (
        <ul className="checklist">
          {task.checklist.map((c, i) => (
            <li key={c.text}>
              <label>
                <input
                  type="checkbox"
                  checked={c.done}
                  disabled={busy || task.status !== 'open'}
                  onChange={(e) => void tick(i, e.target.checked)}
                />{' '}
                <span className={c.done ? 'done' : ''}>{c.text}</span>
              </label>
            </li>
          ))}
        </ul>
      )}
      {task.status === 'open' && !dismissing && (
        <div className="actions">
          <button type="button" disabled={busy} onClick={() => change('done')}>
            Done
          </button>
          <button
            type="button"
            disabled={busy}
            onClick={() => change('snoozed', { snoozedUntil: inAWeek() })}
          >
            Snooze a week
          </button>
          <button type="button" disabled={busy} onClick={() => setDismissing(true)}>
            Dismiss…
          </button>
        </div>
      )}
      {task.status !== 'open' && (
        <div className="actions">
          <button type="button" disabled={busy} onClick={() => change('open')}>
            Reopen
          </button>
        </div>
      )}
      {dismissing && (
        <form
          className="actions"
          onSubmit={(e) => {
            e.preventDefault();
            if (reason.trim()) void change('dismissed', { reason: reason.trim() });
          }}
        >
          <input
            aria-label="Why dismiss this task"
            placeholder="why is this not worth doing?"
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            required
            ref={(el) => el?.focus()}
          />
          <button type="submit" disabled={busy || !reason.trim()}>
            Dismiss
          </button>
          <button type="button" onClick={() => setDismissing(false)}>
            Cancel
          </button>
        </form>
      )}
      {error && <p className="error">{error}</p>}
    </li>
  );
}
