import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { sendJson, useAccountQuery, useScoreHistoryQuery, useTimelineQuery } from './api.ts';
import { Chart as ReactECharts } from './charts.tsx';
import { BAND_COLOR, money } from './format.ts';
import { BandPill } from './portfolio-page.tsx';

function HistoryChart({ id }: { id: string }) {
  const q = useScoreHistoryQuery(id);
  if (q.isPending) return <p>Loading history…</p>;
  if (q.isError) return <p className="error">{q.error.message}</p>;
  const items = q.data.items;
  if (items.length === 0) return <p className="muted">No score history yet.</p>;
  const option = {
    aria: { enabled: true, description: `Health score history, ${items.length} points` },
    grid: { left: 40, right: 20, top: 20, bottom: 30 },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: items.map((i) => i.asOf) },
    yAxis: { type: 'value', min: 0, max: 100 },
    series: [
      {
        type: 'line',
        name: 'score',
        data: items.map((i) => i.score),
        smooth: true,
        symbolSize: 6,
        lineStyle: { width: 3, color: '#2b6cb0' },
        itemStyle: { color: '#2b6cb0' },
        markArea: {
          silent: true,
          data: [
            [{ yAxis: 80, itemStyle: { color: 'rgba(31,157,85,0.08)' } }, { yAxis: 100 }],
            [{ yAxis: 50, itemStyle: { color: 'rgba(214,158,46,0.08)' } }, { yAxis: 80 }],
            [{ yAxis: 0, itemStyle: { color: 'rgba(229,62,62,0.08)' } }, { yAxis: 50 }],
          ],
        },
        markLine: {
          symbol: 'none',
          label: { formatter: (p: { name: string }) => p.name },
          data: q.data.modelChanges.map((m) => ({ name: `model v${m.toVersion}`, xAxis: m.asOf })),
        },
      },
    ],
  };
  return <ReactECharts option={option} style={{ height: 260 }} />;
}

export function AccountPage({ id }: { id: string }) {
  const q = useAccountQuery(id);
  const timeline = useTimelineQuery(id);
  if (q.isPending) return <p>Loading account…</p>;
  if (q.isError) return <p className="error">{q.error.message}</p>;
  const { account, score, contracts, contacts } = q.data;
  const current = contracts.filter(
    (c) => c.status === 'active' || c.end === null || c.end >= (score?.asOf ?? ''),
  );
  const arr = current.reduce((s, c) => s + c.arr, 0);
  return (
    <section>
      <p>
        <a href="#/">← Portfolio</a>
      </p>
      <div className="account-head">
        <div>
          <h1>{account.name}</h1>
          <div className="muted">
            {account.segment} · {account.industry} · owner {account.owner ?? '–'} · {money(arr)} ARR
          </div>
        </div>
        {score?.override ? (
          <div
            className="gauge overridden"
            style={{ borderColor: BAND_COLOR[score.override.band] }}
            title="Score overridden by a person"
          >
            <div className="gauge-score">{Math.round(score.override.score)}</div>
            <BandPill band={score.override.band} />
            <div className="muted small" data-testid="computed-score">
              computed {Math.round(score.score)}
            </div>
          </div>
        ) : score ? (
          <div className="gauge" style={{ borderColor: BAND_COLOR[score.band] }}>
            <div className="gauge-score">{Math.round(score.score)}</div>
            <BandPill band={score.band} />
            <div className="muted small">coverage {Math.round(score.coverage * 100)}%</div>
          </div>
        ) : null}
      </div>
      {score?.override && (
        <p className="override-line" data-testid="override-line">
          Overridden to <b>{score.override.score}</b> by {score.override.by} until{' '}
          {score.override.expiresAt.slice(0, 10)} (computed {Math.round(score.score)}): “
          {score.override.reason}”
        </p>
      )}
      <div className="panel">
        <h2>Score history</h2>
        <HistoryChart id={id} />
      </div>
      {score && (
        <div className="cols">
          <div className="panel">
            {(score.drivers.warnings?.length ?? 0) > 0 && (
              <>
                <h2>Warning signs</h2>
                <ul className="drivers" aria-label="Warning signs">
                  {score.drivers.warnings!.map((d) => (
                    <li key={d.signalId}>
                      <span className="pill critical">!</span> <b>{d.label}</b> — {d.detail}
                    </li>
                  ))}
                </ul>
              </>
            )}
            <h2>What pulls it down</h2>
            <ul className="drivers">
              {score.drivers.down.map((d) => (
                <li key={d.signalId}>
                  <span className="pts neg">{d.points.toFixed(1)}</span> <b>{d.label}</b> — {d.detail}
                </li>
              ))}
            </ul>
            {score.drivers.lift && (
              <>
                <h3>
                  To reach {score.drivers.lift.targetBand}: +{score.drivers.lift.pointsNeeded} points
                </h3>
                <ul className="drivers">
                  {score.drivers.lift.suggestions.map((d) => (
                    <li key={d.signalId}>
                      <span className="pts pos">+{d.points.toFixed(1)}</span> {d.label}
                    </li>
                  ))}
                </ul>
              </>
            )}
          </div>
          <div className="panel">
            <h2>What holds it up</h2>
            <ul className="drivers">
              {score.drivers.up.map((d) => (
                <li key={d.signalId}>
                  <span className="pts pos">+{d.points.toFixed(1)}</span> <b>{d.label}</b> — {d.detail}
                </li>
              ))}
            </ul>
          </div>
        </div>
      )}
      {score && (
        <div className="panel">
          <h2>Signals</h2>
          <table className="grid" aria-label="Signals">
            <thead>
              <tr>
                <th>Category</th>
                <th>Signal</th>
                <th className="num">Sub-score</th>
                <th className="num">Weight</th>
                <th className="num">Points</th>
                <th>Detail</th>
              </tr>
            </thead>
            <tbody>
              {score.signals
                .filter((s) => s.subScore !== null)
                .map((s) => (
                  <tr key={s.signalId}>
                    <td>{s.category}</td>
                    <td>{s.label}</td>
                    <td className="num">
                      <span className="bar" style={{ width: `${s.subScore}%` }} />{' '}
                      {Math.round(s.subScore ?? 0)}
                    </td>
                    <td className="num">{(s.weight * 100).toFixed(1)}%</td>
                    <td className="num">{s.points.toFixed(1)}</td>
                    <td className="muted">
                      {s.detail}
                      {s.freshness < 1 ? ` (fading ${Math.round(s.freshness * 100)}%)` : ''}
                    </td>
                  </tr>
                ))}
            </tbody>
          </table>
        </div>
      )}
      <div className="cols">
        <NoteForm id={id} />
        <OverrideForm id={id} />
      </div>
      <div className="cols">
        <div className="panel">
          <h2>Open tasks</h2>
          {(q.data.tasks ?? []).filter((t) => t.status === 'open').length === 0 ? (
            <p className="muted">No open tasks.</p>
          ) : (
            <ul className="plain">
              {(q.data.tasks ?? [])
                .filter((t) => t.status === 'open')
                .map((t) => (
                  <li key={t.id}>
                    <span className={`pill prio ${t.priority}`}>{t.priority}</span> <b>{t.title}</b>{' '}
                    <span className="muted small">
                      {t.owner ?? 'unassigned'} · due {t.due ?? '–'}
                    </span>
                  </li>
                ))}
            </ul>
          )}
          <a href="#/tasks" className="small">
            Task queue →
          </a>
        </div>
        <div className="panel">
          <h2>Expansion</h2>
          {q.data.expansion ? (
            <>
              <p>
                <b>{money(q.data.expansion.potentialArr)}</b> potential ARR
              </p>
              <p className="muted">{q.data.expansion.evidence}</p>
            </>
          ) : (
            <p className="muted">
              No expansion evidence (needs top-quartile health plus unused features, seat headroom or
              expansion talk).
            </p>
          )}
        </div>
      </div>
      <div className="cols">
        <div className="panel">
          <h2>Contacts</h2>
          <ul className="plain">
            {contacts.map((c) => (
              <li key={c.id}>
                {c.name} <span className="muted">— {c.title}</span>{' '}
                <span className="pill">{c.role.replace('_', ' ')}</span>
                {c.leftAt ? <span className="pill critical">left {c.leftAt}</span> : null}
              </li>
            ))}
          </ul>
        </div>
        <div className="panel">
          <h2>Timeline</h2>
          {timeline.isPending ? (
            <p>Loading…</p>
          ) : timeline.isError ? (
            <p className="error">{timeline.error.message}</p>
          ) : (
            <ul className="timeline">
              {timeline.data.items.map((e) => (
                <li key={e.id}>
                  <span className="muted small">{e.time.slice(0, 10)}</span>{' '}
                  <b>{e.type.replace(/_/g, ' ')}</b> <span className="muted">{describe(e.properties)}</span>
                </li>
              ))}
            </ul>
          )}
        </div>
      </div>
    </section>
  );
}

function describe(p: Record<string, unknown>): string {
  const keys = [
    'status',
    'kind',
    'priority',
    'score',
    'sentiment',
    'competitor',
    'milestone',
    'subject',
    'text',
    'daysLate',
  ];
  return keys
    .filter((k) => p[k] !== undefined && p[k] !== null && p[k] !== '')
    .map((k) => `${k}: ${String(p[k]).slice(0, 80)}`)
    .join(' · ');
}

const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

/** A CSM's judgement over the computed score, until a date and with a reason (audited server-side). */
function OverrideForm({ id }: { id: string }) {
  const client = useQueryClient();
  const [score, setScore] = useState('');
  const [reason, setReason] = useState('');
  const [expiresAt, setExpiresAt] = useState(inDays(30));
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setStatus(null);
    try {
      await sendJson('POST', `/v1/accounts/${encodeURIComponent(id)}/overrides`, {
        score: Number(score),
        reason,
        expiresAt,
      });
      setStatus({ ok: true, text: `Override saved until ${expiresAt}.` });
      setReason('');
      setTimeout(() => void client.invalidateQueries({ queryKey: ['account', id] }), 800);
    } catch (err) {
      setStatus({ ok: false, text: (err as Error).message });
    }
  };
  return (
    <form className="panel note-form" onSubmit={submit}>
      <h2>Override the score</h2>
      <div className="row">
        <label>
          Score
          <input
            type="number"
            min={0}
            max={100}
            value={score}
            onChange={(e) => setScore(e.target.value)}
            required
          />
        </label>
        <label>
          Until
          <input
            type="date"
            value={expiresAt}
            min={inDays(1)}
            onChange={(e) => setExpiresAt(e.target.value)}
            required
          />
        </label>
      </div>
      <label>
        Reason
        <textarea
          aria-label="Override reason"
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          required
          placeholder="Why the computed score is wrong for now"
        />
      </label>
      <div>
        <button type="submit">Save override</button>{' '}
        {status && <span className={status.ok ? 'ok' : 'error-text'}>{status.text}</span>}
      </div>
    </form>
  );
}

function NoteForm({ id }: { id: string }) {
  const client = useQueryClient();
  const [text, setText] = useState('');
  const [sentiment, setSentiment] = useState('');
  const [status, setStatus] = useState<string | null>(null);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setStatus(null);
    try {
      await sendJson('POST', `/v1/accounts/${encodeURIComponent(id)}/notes`, {
        text,
        sentiment: sentiment || undefined,
      });
      setText('');
      setStatus('Saved. The score updates in a moment.');
      setTimeout(() => void client.invalidateQueries({ queryKey: ['account', id] }), 800);
    } catch (err) {
      setStatus((err as Error).message);
    }
  };
  return (
    <form className="panel note-form" onSubmit={submit}>
      <h2>Log a note</h2>
      <textarea
        aria-label="Note"
        value={text}
        onChange={(e) => setText(e.target.value)}
        placeholder="What did you learn about this account?"
        required
      />
      <label>
        Your read{' '}
        <select aria-label="Sentiment" value={sentiment} onChange={(e) => setSentiment(e.target.value)}>
          <option value="">no change</option>
          <option value="green">green</option>
          <option value="amber">amber</option>
          <option value="red">red</option>
        </select>
      </label>
      <div>
        <button type="submit">Save note</button> {status && <span className="muted">{status}</span>}
      </div>
    </form>
  );
}
