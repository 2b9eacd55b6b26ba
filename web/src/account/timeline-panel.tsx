import { useState } from 'react';
import type { TimelineItem } from '../../../src/api/api-types.ts';
import { useTimelineQuery } from '../api.ts';

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

/** The account's timeline in words (the API formats each event), newest first. */
export function TimelinePanel({ id }: { id: string }) {
  const timeline = useTimelineQuery(id);
  return (
    <div className="panel">
      <h2>Timeline</h2>
      {timeline.isPending ? (
        <p>Loading…</p>
      ) : timeline.isError ? (
        <p className="error">{timeline.error.message}</p>
      ) : timeline.data.items.length === 0 ? (
        <p className="muted">No events yet.</p>
      ) : (
        <ul className="timeline" aria-label="Timeline">
          {timeline.data.items.map((e) => (
            <Event key={e.id} e={e} />
          ))}
        </ul>
      )}
    </div>
  );
}
