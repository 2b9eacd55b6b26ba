import { useState } from 'react';
import type { TimelineItem } from '../../../src/api/api-types.ts';
import { getJson, useTimelineQuery } from '../api.ts';

function ExpandableText({ excerpt, text }: { excerpt: string; text: string }) {
  const [open, setOpen] = useState(false);
  if (excerpt === text) return <div className="tl-text">{text}</div>;
  return (
    <div className="tl-text">
      {open ? text : excerpt}{' '}
      <button type="button" className="link" aria-expanded={open} onClick={() => setOpen(!open)}>
        {open ? 'less' : 'more'}
      </button>
    </div>
  );
}

function Event({ e }: { e: TimelineItem }) {
  const d = e.display;
  return (
    <li data-type={e.type}>
      <span className="muted small">{e.time.slice(0, 10)}</span> <b>{d.title}</b>
      {d.sentiment ? (
        <span className={`pill tone-${d.sentiment.replace(' ', '-')}`}>{d.sentiment}</span>
      ) : null}
      {d.text && d.excerpt ? <ExpandableText excerpt={d.excerpt} text={d.text} /> : null}
    </li>
  );
}

const PAGE = 60;

/** The account's timeline in words (the API formats each event), newest first, older on demand. */
export function TimelinePanel({ id }: { id: string }) {
  const timeline = useTimelineQuery(id);
  const [older, setOlder] = useState<TimelineItem[]>([]);
  const [state, setState] = useState<{ loading: boolean; done: boolean; error: string | null }>({
    loading: false,
    done: false,
    error: null,
  });
  if (timeline.isPending)
    return (
      <div className="panel">
        <h2>Timeline</h2>
        <p>Loading…</p>
      </div>
    );
  if (timeline.isError)
    return (
      <div className="panel">
        <h2>Timeline</h2>
        <p className="error">{timeline.error.message}</p>
      </div>
    );
  const items = [...timeline.data.items, ...older];
  const more = !state.done && timeline.data.items.length >= PAGE;
  const loadOlder = async () => {
    const oldest = items.at(-1);
    if (!oldest) return;
    setState({ loading: true, done: false, error: null });
    try {
      const page = await getJson<{ items: TimelineItem[] }>(
        `/v1/accounts/${encodeURIComponent(id)}/timeline?limit=${PAGE}&before=${encodeURIComponent(oldest.time)}`,
      );
      setOlder((o) => [...o, ...page.items]);
      setState({ loading: false, done: page.items.length < PAGE, error: null });
    } catch (e) {
      setState({ loading: false, done: false, error: (e as Error).message });
    }
  };
  return (
    <div className="panel">
      <h2>Timeline</h2>
      {items.length === 0 ? (
        <p className="muted">No events yet.</p>
      ) : (
        <ul className="timeline" aria-label="Timeline">
          {items.map((e) => (
            <Event key={e.id} e={e} />
          ))}
        </ul>
      )}
      {more ? (
        <button type="button" className="older-events" disabled={state.loading} onClick={loadOlder}>
          {state.loading ? 'Loading…' : 'Show older events'}
        </button>
      ) : null}
      {state.error ? <p className="error">{state.error}</p> : null}
    </div>
  );
}
