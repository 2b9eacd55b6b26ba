import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { type Me, sendJson, type Task, useTasksQuery } from './api.ts';

export function TasksPage({ me }: { me: Me }) {
  const [status, setStatus] = useState('open');
  const [scope, setScope] = useState<'mine' | 'team'>(me.user.role === 'csm' ? 'mine' : 'team');
  const [owner, setOwner] = useState('');
  const params: Record<string, string> = { status, limit: '300' };
  if (scope === 'mine') params.owner = me.user.id;
  else if (owner.trim()) params.owner = owner.trim();
  const q = useTasksQuery(params);
  return (
    <section>
      <h1>{scope === 'mine' ? 'My tasks' : me.user.role === 'admin' ? 'All tasks' : 'Team tasks'}</h1>
      <search className="filters">
        {me.user.role !== 'csm' && (
          <fieldset className="segmented" aria-label="Queue">
            {(['mine', 'team'] as const).map((s) => (
              <button
                key={s}
                type="button"
                aria-pressed={scope === s}
                className={scope === s ? 'on' : ''}
                onClick={() => setScope(s)}
              >
                {s === 'mine' ? 'Mine' : me.user.role === 'admin' ? 'Everyone' : 'My team'}
              </button>
            ))}
          </fieldset>
        )}
        <label>
          Status
          <select value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="open">open</option>
            <option value="snoozed">snoozed</option>
            <option value="done">done</option>
            <option value="dismissed">dismissed</option>
          </select>
        </label>
        {scope === 'team' && (
          <label>
            Owner{' '}
            <input value={owner} onChange={(e) => setOwner(e.target.value)} placeholder="user id" size={10} />
          </label>
        )}
        <span className="muted">{q.data ? `${q.data.total} tasks` : ''}</span>
      </search>
      {q.isPending ? (
        <p>Loading tasks…</p>
      ) : q.isError ? (
        <p className="error">{q.error.message}</p>
      ) : q.data.items.length === 0 ? (
        <p className="muted">No tasks here.</p>
      ) : (
        <ul className="tasks">
          {q.data.items.map((t) => (
            <TaskCard key={t.id} task={t} />
          ))}
        </ul>
      )}
    </section>
  );
}

const inAWeek = () => new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);

function TaskCard({ task }: { task: Task }) {
  const client = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const [dismissing, setDismissing] = useState(false);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const change = async (status: Task['status'], extra: { reason?: string; snoozedUntil?: string } = {}) => {
    setError(null);
    setBusy(true);
    try {
      await sendJson('PATCH', `/v1/tasks/${encodeURIComponent(task.id)}`, { status, ...extra });
      await client.invalidateQueries({ queryKey: ['tasks'] });
      void client.invalidateQueries({ queryKey: ['account', task.accountId] });
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <li className={`task panel priority-${task.priority}`}>
      <div className="task-head">
        <span className={`pill prio ${task.priority}`}>{task.priority}</span>
        <b>{task.title}</b>
        <span className="muted small">
          {task.owner ?? 'unassigned'} · due {task.due ?? '–'}
        </span>
      </div>
      <div className="muted small">
        <a href={`#/accounts/${encodeURIComponent(task.accountId)}`}>{task.accountName ?? task.accountId}</a>
        {task.because ? ` — because it ${task.because}` : ''}
      </div>
      {task.checklist.length > 0 && (
        <ul className="checklist">
          {task.checklist.map((c) => (
            <li key={c.text}>
              {c.done ? '☑' : '☐'} {c.text}
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
