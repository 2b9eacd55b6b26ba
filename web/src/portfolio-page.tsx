import { useState } from 'react';
import { type AccountSummary, useAccountsQuery, usePortfolioSummaryQuery } from './api.ts';
import { BAND_LABEL, money } from './format.ts';

function Trend({ value }: { value: number | null }) {
  if (value === null) return <span className="muted">–</span>;
  const cls = value <= -3 ? 'down' : value >= 3 ? 'up' : 'flat';
  const arrow = value <= -3 ? '▼' : value >= 3 ? '▲' : '▶';
  return (
    <span className={`trend ${cls}`} title={`${value > 0 ? '+' : ''}${value} points in 30 days`}>
      {arrow} {value > 0 ? '+' : ''}
      {Math.round(value)}
    </span>
  );
}

export function BandPill({ band }: { band: string | null }) {
  if (!band) return <span className="pill">unscored</span>;
  return <span className={`pill ${band}`}>{BAND_LABEL[band] ?? band}</span>;
}

function SummaryTiles() {
  const q = usePortfolioSummaryQuery();
  if (q.isPending) return <div className="tiles loading">Loading summary…</div>;
  if (q.isError) return <div className="error">{q.error.message}</div>;
  const s = q.data;
  return (
    <div className="tiles">
      <div className="tile">
        <div className="tile-label">Accounts</div>
        <div className="tile-value">{s.accounts}</div>
        <div className="tile-sub">
          {money(s.arr)} ARR · avg score {s.averageScore ?? '–'}
        </div>
      </div>
      {(['healthy', 'at-risk', 'critical'] as const).map((b) => (
        <div className={`tile band-${b}`} key={b}>
          <div className="tile-label">{BAND_LABEL[b]}</div>
          <div className="tile-value">{s.bands[b]?.accounts ?? 0}</div>
          <div className="tile-sub">{money(s.bands[b]?.arr ?? 0)} ARR</div>
        </div>
      ))}
      <div className="tile">
        <div className="tile-label">Moved in 30 days</div>
        <div className="tile-value">
          <span className="trend down">▼ {s.movedDown30d}</span>{' '}
          <span className="trend up">▲ {s.movedUp30d}</span>
        </div>
        <div className="tile-sub">accounts ±5 points or more</div>
      </div>
    </div>
  );
}

export function PortfolioPage() {
  const [band, setBand] = useState('');
  const [segment, setSegment] = useState('');
  const [q, setQ] = useState('');
  const [sort, setSort] = useState('score');
  const params: Record<string, string> = { sort, limit: '500' };
  if (band) params.band = band;
  if (segment) params.segment = segment;
  if (q) params.q = q;
  const accounts = useAccountsQuery(params);
  return (
    <section>
      <h1>Portfolio</h1>
      <SummaryTiles />
      <search className="filters">
        <label>
          Search <input value={q} onChange={(e) => setQ(e.target.value)} placeholder="name or id" />
        </label>
        <label>
          Band
          <select value={band} onChange={(e) => setBand(e.target.value)}>
            <option value="">all</option>
            <option value="critical">critical</option>
            <option value="at-risk">at risk</option>
            <option value="healthy">healthy</option>
          </select>
        </label>
        <label>
          Segment
          <select value={segment} onChange={(e) => setSegment(e.target.value)}>
            <option value="">all</option>
            <option value="enterprise">enterprise</option>
            <option value="mid-market">mid-market</option>
            <option value="smb">smb</option>
          </select>
        </label>
        <label>
          Sort
          <select value={sort} onChange={(e) => setSort(e.target.value)}>
            <option value="score">riskiest first</option>
            <option value="-score">healthiest first</option>
            <option value="trend">falling fastest</option>
            <option value="-arr">largest ARR</option>
            <option value="renewal">renewing soonest</option>
          </select>
        </label>
        <span className="muted">{accounts.data ? `${accounts.data.total} accounts` : ''}</span>
      </search>
      {accounts.isPending ? (
        <p>Loading accounts…</p>
      ) : accounts.isError ? (
        <p className="error">{accounts.error.message}</p>
      ) : accounts.data.items.length === 0 ? (
        <p className="muted">No accounts match.</p>
      ) : (
        <AccountTable rows={accounts.data.items} />
      )}
    </section>
  );
}

function AccountTable({ rows }: { rows: AccountSummary[] }) {
  return (
    <table className="grid" aria-label="Accounts ranked by risk">
      <thead>
        <tr>
          <th>Account</th>
          <th className="num">Score</th>
          <th>Band</th>
          <th className="num">30 d</th>
          <th className="num">Coverage</th>
          <th className="num">ARR</th>
          <th>Renewal</th>
          <th>Owner</th>
          <th>Top driver</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.id}>
            <td>
              <a href={`#/accounts/${encodeURIComponent(r.id)}`}>{r.name}</a>
              <div className="muted small">
                {r.segment} · {r.industry}
              </div>
            </td>
            <td className="num score">{r.score === null ? '–' : Math.round(r.score)}</td>
            <td>
              <BandPill band={r.band} />
            </td>
            <td className="num">
              <Trend value={r.trend30} />
            </td>
            <td className="num">{r.coverage === null ? '–' : `${Math.round(r.coverage * 100)}%`}</td>
            <td className="num">{money(r.arr)}</td>
            <td>{r.renewalDate ?? '–'}</td>
            <td>{r.owner ?? '–'}</td>
            <td className="driver">{r.topDriver ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
