import type { AccountDetail } from '../../../src/api/api-types.ts';

/** What to do now: open tasks and score levers, the points each adds, and whether that is enough. */
export function NextActionsPanel({ next }: { next: AccountDetail['nextActions'] }) {
  return (
    <div className="panel next-actions">
      <h2>Recommended next actions</h2>
      {next.actions.length === 0 ? (
        <p className="muted">Nothing to do: no open task and no lever worth a point.</p>
      ) : (
        <ol className="drivers" aria-label="Recommended next actions">
          {next.actions.map((a) => (
            <li key={a.taskId ?? a.signalIds.join(',')} data-source={a.source}>
              {a.alreadyCounted ? (
                <span className="pts muted" title="Works on a signal already counted above">
                  incl.
                </span>
              ) : (
                <span className="pts pos" title="Points the score would gain">
                  {a.points === null ? '–' : `+${a.points.toFixed(1)}`}
                </span>
              )}{' '}
              {a.source === 'task' ? (
                <>
                  <span className={`pill prio ${a.priority ?? ''}`}>{a.priority}</span> {a.text}
                  {a.due ? <span className="muted small"> · due {a.due}</span> : null}
                </>
              ) : (
                <>
                  <span className="pill">lever</span> {a.text.charAt(0).toUpperCase() + a.text.slice(1)}
                </>
              )}
            </li>
          ))}
        </ol>
      )}
      {next.sufficiency ? (
        <p
          className={`sufficiency ${next.sufficiency.enough ? 'enough' : 'short'}`}
          data-testid="sufficiency"
        >
          {next.sufficiency.line}
        </p>
      ) : null}
      <p className="muted small">
        Points: what the score would gain if each signal reached full marks. “–”: a play that works on the
        causes, not on one signal; “incl.”: its signal is counted above.{' '}
        <a href="#/tasks" className="small">
          Task queue →
        </a>
      </p>
    </div>
  );
}
