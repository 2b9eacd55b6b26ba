import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { sendJson, type Task, useTasksQuery } from './api.ts';

export function TasksPage() {
  const [status, setStatus] = useState('open');
  const [owner, setOwner] = useState('');
  const params: Record<string, string> = { status, limit: '300' };
  if (owner) params.owner = owner;
  const q = useTasksQuery(params);
  return (
    <section>
      <h1>Tasks</h1>
      <search className="filters">
        <label>
          Status
          <select value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="open">open</option>
            <option value="snoozed">snoozed</option>
            <option value="done">done</option>
            <option value="dismissed">dismissed</option>
          </select>
        </label>
        <label>
          Owner <input value={owner} onChange={(e) => setOwner(e.target.value)} placeholder="e.g. csm-3" />
        </label>
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

function TaskCard({ task }: { task: Task }) {
  const client = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const change = async (status: Task['status']) => {
    setError(null);
    const reason = status === 'dismissed' ? window.prompt('Why is this not worth doing?') : undefined;
    if (status === 'dismissed' && !reason) return;
    try {
      await sendJson('PATCH', `/v1/tasks/${encodeURIComponent(task.id)}`, {
        status,
        reason: reason ?? undefined,
      });
      await client.invalidateQueries({ queryKey: ['tasks'] });
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <li className={`task panel priority-${task.priority}`}>
      <div className="task-head">
        <span className={`pill prio ${task.priority}`}>{task.priority}</span>
        <b>{task.title}</b>
        <span className="muted small">
          {task.owner ?? '–'} · due {task.due ?? '–'}
        </span>
      </div>
      <div className="muted small">
        <a href={`#/accounts/${encodeURIComponent(task.accountId)}`}>{task.accountName ?? task.accountId}</a>
        {task.because ? ` — because it ${task.because}` : ''}
      </div>
      <ul className="checklist">
        {task.checklist.map((c) => (
          <li key={c.text}>☐ {c.text}</li>
        ))}
      </ul>
      {task.status === 'open' && (
        <div className="actions">
          <button type="button" onClick={() => change('done')}>
            Done
          </button>
          <button type="button" onClick={() => change('snoozed')}>
            Snooze a week
          </button>
          <button type="button" onClick={() => change('dismissed')}>
            Dismiss…
          </button>
        </div>
      )}
      {error && <p className="error">{error}</p>}
    </li>
  );
}
