import { useVirtualizer } from '@tanstack/react-virtual';
import { useDeferredValue, useMemo, useRef, useState } from 'react';
import { type AccountSummary, type Me, useAccountsQuery, usePortfolioSummaryQuery } from './api.ts';
import { BAND_LABEL, money } from './format.ts';
import { useFlashingAccounts } from './live.ts';
import { type AccountSortKey, sortAccounts } from './sort-accounts.ts';
import { DataHealthWarning } from './sources-page.tsx';

// the API's page limit: a portfolio up to this size is loaded once and sorted in the browser
const MAX_ROWS = 10_000;

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

const RENEWAL_WINDOWS = [
  ['', 'any time'],
  ['30', 'within 30 days'],
  ['90', 'within 90 days'],
  ['180', 'within 180 days'],
  ['365', 'within a year'],
] as const;

export function PortfolioPage({ me }: { me: Me }) {
  const [band, setBand] = useState('');
  const [segment, setSegment] = useState('');
  const [owner, setOwner] = useState('');
  const [renewal, setRenewal] = useState('');
  const [q, setQ] = useState('');
  const [sort, setSort] = useState('score');
  // typing stays responsive on 10k rows: the request follows the deferred value
  const query = useDeferredValue(q.trim());
  const filters: Record<string, string> = { limit: String(MAX_ROWS) };
  // churned accounts are not in the book; the churned filter shows only them
  if (band === 'churned') filters.lifecycle = 'churned';
  else if (band) filters.band = band;
  if (segment) filters.segment = segment;
  if (owner.trim()) filters.owner = owner.trim();
  if (renewal) filters.renewalWithinDays = renewal;
  if (query) filters.q = query;
  // one request per filter; when every matching account fits in it, sorting happens here (no refetch)
  const base = useAccountsQuery({ ...filters, sort: 'score' });
  const complete = base.data !== undefined && base.data.total <= base.data.items.length;
  const serverSorted = useAccountsQuery(
    { ...filters, sort },
    !complete && sort !== 'score' && base.data !== undefined,
  );
  const accounts = complete || sort === 'score' ? base : serverSorted;
  const rows = useMemo(
    () =>
      complete && base.data
        ? sortAccounts(base.data.items, sort as AccountSortKey)
        : (accounts.data?.items ?? []),
    [complete, base.data, sort, accounts.data],
  );
  const csm = me.user.role === 'csm';
  return (
    <section>
      <h1>{csm ? 'My accounts' : 'Portfolio'}</h1>
      <DataHealthWarning />
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
            <option value="unscored">unscored</option>
            <option value="churned">churned</option>
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
        {!csm && (
          <label>
            Owner{' '}
            <input value={owner} onChange={(e) => setOwner(e.target.value)} placeholder="user id" size={10} />
          </label>
        )}
        <label>
          Renewal
          <select value={renewal} onChange={(e) => setRenewal(e.target.value)}>
            {RENEWAL_WINDOWS.map(([v, l]) => (
              <option key={v} value={v}>
                {l}
              </option>
            ))}
          </select>
        </label>
        <label>
          Sort
          <select value={sort} onChange={(e) => setSort(e.target.value)}>
            <option value="score">riskiest first</option>
            <option value="-score">healthiest first</option>
            <option value="expansion">expansion potential</option>
            <option value="trend">falling fastest</option>
            <option value="-arr">largest ARR</option>
            <option value="renewal">renewing soonest</option>
            <option value="name">name</option>
          </select>
        </label>
        <span className="muted" aria-live="polite">
          {accounts.data ? `${accounts.data.total.toLocaleString('en-US')} accounts` : ''}
        </span>
      </search>
      {accounts.isPending ? (
        <p>Loading accounts…</p>
      ) : accounts.isError ? (
        <p className="error">{accounts.error.message}</p>
      ) : rows.length === 0 ? (
        <p className="muted">No accounts match.</p>
      ) : (
        <AccountTable
          rows={rows}
          label={sort === 'expansion' ? 'Accounts ranked by expansion potential' : 'Accounts ranked by risk'}
        />
      )}
    </section>
  );
}

const ROW_HEIGHT = 45;

/** The ranked grid: only the rows in view are in the DOM, so 10,000 accounts scroll like 50. */
function AccountTable({ rows, label }: { rows: AccountSummary[]; label: string }) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const flashing = useFlashingAccounts();
  const virtual = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const items = virtual.getVirtualItems();
  const top = items[0]?.start ?? 0;
  const bottom = virtual.getTotalSize() - (items.at(-1)?.end ?? 0);
  return (
    <div className="grid-scroll" ref={scrollRef} tabIndex={-1}>
      <table className="grid" aria-label={label} aria-rowcount={rows.length + 1}>
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
          {top > 0 && (
            <tr className="spacer">
              <td colSpan={9} style={{ height: top }} />
            </tr>
          )}
          {items.map((v) => {
            const r = rows[v.index]!;
            return (
              <tr key={r.id} className={flashing.has(r.id) ? 'flash' : undefined} aria-rowindex={v.index + 2}>
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
            );
          })}
          {bottom > 0 && (
            <tr className="spacer">
              <td colSpan={9} style={{ height: bottom }} />
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
