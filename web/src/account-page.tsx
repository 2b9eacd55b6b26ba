import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { AccountHeader } from './account/account-header.tsx';
import { ContactsPanel } from './account/contacts-panel.tsx';
import { NextActionsPanel } from './account/next-actions-panel.tsx';
import { SignalsTable } from './account/signals-table.tsx';
import { TimelinePanel } from './account/timeline-panel.tsx';
import { sendJson, useAccountQuery, useScoreHistoryQuery } from './api.ts';
import { Chart as ReactECharts } from './charts.tsx';
import { money } from './format.ts';

function HistoryChart({ id, bands }: { id: string; bands: { healthy: number; atRisk: number } }) {
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
            // the zones of the displayed bands (scores are stored on the displayed 80/50 scale)
            [{ yAxis: bands.healthy, itemStyle: { color: 'rgba(31,157,85,0.08)' } }, { yAxis: 100 }],
            [
              { yAxis: bands.atRisk, itemStyle: { color: 'rgba(214,158,46,0.08)' } },
              { yAxis: bands.healthy },
            ],
            [{ yAxis: 0, itemStyle: { color: 'rgba(229,62,62,0.08)' } }, { yAxis: bands.atRisk }],
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
  if (q.isPending) return <p>Loading account…</p>;
  if (q.isError) return <p className="error">{q.error.message}</p>;
  const { score, contacts, terms } = q.data;
  const warnings = score?.drivers.warnings ?? [];
  return (
    <section className="account-page">
      <p>
        <a href="#/">← Portfolio</a>
      </p>
      <AccountHeader detail={q.data} />
      {score?.override && (
        <p className="override-line" data-testid="override-line">
          Overridden to <b>{score.override.score}</b> by {score.override.by} until{' '}
          {score.override.expiresAt.slice(0, 10)} (computed {Math.round(score.score)}): “
          {score.override.reason}”
        </p>
      )}
      <div className="cols">
        {score && (
          <div className="panel">
            <h2>Warning signs</h2>
            {warnings.length === 0 ? (
              <p className="muted">No signal in the critical range.</p>
            ) : (
              <ul className="drivers" aria-label="Warning signs">
                {warnings.slice(0, 6).map((d) => (
                  <li key={d.signalId}>
                    <span className="pts neg">{d.points.toFixed(1)}</span> <b>{d.label}</b> — {d.detail}
                  </li>
                ))}
              </ul>
            )}
            {warnings.length > 6 ? (
              <p className="muted small">{warnings.length - 6} more in the signals below.</p>
            ) : null}
          </div>
        )}
        <NextActionsPanel next={q.data.nextActions} />
      </div>
      <div className="panel">
        <h2>Score history</h2>
        <HistoryChart id={id} bands={q.data.facts.bands} />
      </div>
      {score && (
        <div className="cols">
          <div className="panel">
            <h2>What pulls it down</h2>
            <ul className="drivers">
              {score.drivers.down.map((d) => (
                <li key={d.signalId}>
                  <span className="pts neg">{d.points.toFixed(1)}</span> <b>{d.label}</b> — {d.detail}
                </li>
              ))}
            </ul>
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
      {score && <SignalsTable score={score} />}
      <div className="cols">
        <ContactsPanel contacts={contacts} asOf={terms.asOf} />
        <TimelinePanel key={id} id={id} />
      </div>
      <div className="cols">
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
        <NoteForm id={id} />
      </div>
      <div className="cols">
        <OverrideForm id={id} />
      </div>
    </section>
  );
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
