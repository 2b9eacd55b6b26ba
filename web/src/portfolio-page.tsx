import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { type FormEvent, useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import type { SavedView } from '../../src/api/api-types.ts';
import {
  type AccountSummary,
  type ExpansionItem,
  getJson,
  type Me,
  sendJson,
  useAccountsQuery,
  useExpansionQuery,
  usePortfolioSummaryQuery,
} from './api.ts';
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

type Tally = {
  accounts: number;
  arr: number;
  scoreSum: number;
  scored: number;
  down30: number;
  up30: number;
};

/** Totals of exactly the accounts the filters select (band aside: the band is what the tiles pick). */
function tally(rows: readonly AccountSummary[]) {
  const all: Tally = { accounts: 0, arr: 0, scoreSum: 0, scored: 0, down30: 0, up30: 0 };
  const bands: Record<string, { accounts: number; arr: number }> = {};
  for (const r of rows) {
    all.accounts++;
    all.arr += r.arr;
    if (r.score !== null) {
      all.scoreSum += r.score;
      all.scored++;
    }
    if (r.trend30 !== null && r.trend30 <= -5) all.down30++;
    if (r.trend30 !== null && r.trend30 >= 5) all.up30++;
    const key = r.band ?? 'unscored';
    const b = bands[key] ?? { accounts: 0, arr: 0 };
    bands[key] = b;
    b.accounts++;
    b.arr += r.arr;
  }
  return { all, bands };
}

function SummaryTiles({
  rows,
  band,
  onBand,
}: {
  /** Every account the other filters select, when they all fit in one page; else null (server totals). */
  rows: readonly AccountSummary[] | null;
  band: string;
  onBand: (band: string) => void;
}) {
  const q = usePortfolioSummaryQuery();
  const local = useMemo(() => (rows ? tally(rows) : null), [rows]);
  if (!local && q.isPending) return <div className="tiles loading">Loading summary…</div>;
  if (!local && q.isError) return <div className="error">{q.error.message}</div>;
  const s = local
    ? {
        accounts: local.all.accounts,
        arr: local.all.arr,
        averageScore: local.all.scored ? local.all.scoreSum / local.all.scored : null,
        bands: local.bands,
        movedDown30d: local.all.down30,
        movedUp30d: local.all.up30,
      }
    : q.data!;
  return (
    <div className="tiles" data-testid="tiles">
      <button
        type="button"
        className={`tile${band === '' ? ' selected' : ''}`}
        aria-pressed={band === ''}
        onClick={() => onBand('')}
      >
        <div className="tile-label">Accounts{local ? '' : ' (whole portfolio)'}</div>
        <div className="tile-value">{s.accounts}</div>
        <div className="tile-sub">
          {money(s.arr)} ARR{s.averageScore !== null ? ` · avg score ${Math.round(s.averageScore)}` : ''}
        </div>
      </button>
      {(['healthy', 'at-risk', 'critical'] as const).map((b) => (
        <button
          type="button"
          className={`tile band-${b}${band === b ? ' selected' : ''}`}
          key={b}
          aria-pressed={band === b}
          data-testid={`tile-${b}`}
          onClick={() => onBand(band === b ? '' : b)}
        >
          <div className="tile-label">{BAND_LABEL[b]}</div>
          <div className="tile-value">{s.bands[b]?.accounts ?? 0}</div>
          <div className="tile-sub">{money(s.bands[b]?.arr ?? 0)} ARR</div>
        </button>
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

/** The portfolio's filters, as kept in the URL (`#/?band=critical&segment=enterprise`) and in saved views. */
const FILTER_KEYS = ['band', 'segment', 'owner', 'renewalWithinDays', 'q', 'sort'] as const;
type FilterKey = (typeof FILTER_KEYS)[number];
type FilterState = Record<FilterKey, string>;
const NO_FILTERS: FilterState = {
  band: '',
  segment: '',
  owner: '',
  renewalWithinDays: '',
  q: '',
  sort: 'score',
};

function filtersFromHash(hash: string): FilterState {
  const i = hash.indexOf('?');
  const params = new URLSearchParams(i < 0 ? '' : hash.slice(i + 1));
  const out = { ...NO_FILTERS };
  for (const k of FILTER_KEYS) {
    const v = params.get(k);
    if (v !== null) out[k] = v;
  }
  return out;
}

function hashOf(f: FilterState): string {
  const params = new URLSearchParams();
  for (const k of FILTER_KEYS) if (f[k] !== NO_FILTERS[k] && f[k] !== '') params.set(k, f[k]);
  const qs = params.toString();
  return qs ? `#/?${qs}` : '#/';
}

/** A saved view's filters as page state (views keep numbers as numbers). */
function viewState(v: SavedView): FilterState {
  const out = { ...NO_FILTERS };
  for (const k of FILTER_KEYS) {
    const value = v.filters[k];
    if (value !== undefined) out[k] = String(value);
  }
  return out;
}

const sameFilters = (a: FilterState, b: FilterState) => FILTER_KEYS.every((k) => a[k].trim() === b[k].trim());

/** The page's filters live in the URL, so a filtered portfolio (a view) can be shared as a link. */
function useUrlFilters(): [FilterState, (next: Partial<FilterState>) => void] {
  const [state, setState] = useState(() => filtersFromHash(window.location.hash));
  useEffect(() => {
    const on = () => setState(filtersFromHash(window.location.hash));
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  const update = (next: Partial<FilterState>) =>
    setState((prev) => {
      const merged = { ...prev, ...next };
      const hash = hashOf(merged);
      // replaceState: typing in the search box must not push a history entry per key
      if (window.location.hash !== hash) window.history.replaceState(null, '', hash);
      return merged;
    });
  return [state, update];
}

const useViewsQuery = () =>
  useQuery({ queryKey: ['views'], queryFn: () => getJson<{ items: SavedView[] }>('/v1/views') });

/** Built-in and saved views as chips: a click applies the view's filters; the current filters can be saved. */
function ViewChips({ current, apply }: { current: FilterState; apply: (f: FilterState) => void }) {
  const views = useViewsQuery();
  const client = useQueryClient();
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const save = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const filters: Record<string, string | number> = {};
    for (const k of FILTER_KEYS) {
      const v = current[k].trim();
      if (v === '' || (k === 'sort' && v === NO_FILTERS.sort)) continue;
      filters[k] = k === 'renewalWithinDays' ? Number(v) : v;
    }
    try {
      await sendJson('POST', '/v1/views', { name: name.trim(), filters });
      setName('');
      await client.invalidateQueries({ queryKey: ['views'] });
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const remove = async (v: SavedView) => {
    setError(null);
    try {
      await sendJson('DELETE', `/v1/views/${encodeURIComponent(v.id)}`, {});
      await client.invalidateQueries({ queryKey: ['views'] });
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <fieldset className="view-chips" aria-label="Saved views">
      {(views.data?.items ?? []).map((v) => {
        const active = sameFilters(current, viewState(v));
        return (
          <span key={v.id} className={`view-chip${active ? ' selected' : ''}${v.builtIn ? ' built-in' : ''}`}>
            <button
              type="button"
              aria-pressed={active}
              onClick={() => apply(active ? NO_FILTERS : viewState(v))}
            >
              {v.name}
            </button>
            {!v.builtIn && (
              <button
                type="button"
                className="view-chip-remove"
                aria-label={`Delete view ${v.name}`}
                onClick={() => remove(v)}
              >
                ×
              </button>
            )}
          </span>
        );
      })}
      <form className="view-save" onSubmit={save}>
        <input
          value={name}
          onChange={(e) => setName(e.target.value)}
          placeholder="Name these filters"
          aria-label="New view name"
          maxLength={100}
        />
        <button type="submit" disabled={!name.trim()}>
          Save view
        </button>
      </form>
      {error && <span className="error small">{error}</span>}
    </fieldset>
  );
}

export function PortfolioPage({ me }: { me: Me }) {
  const [f, setFilters] = useUrlFilters();
  const { band, segment, owner, q, sort } = f;
  const renewal = f.renewalWithinDays;
  const setBand = (v: string) => setFilters({ band: v });
  const setSegment = (v: string) => setFilters({ segment: v });
  const setOwner = (v: string) => setFilters({ owner: v });
  const setRenewal = (v: string) => setFilters({ renewalWithinDays: v });
  const setQ = (v: string) => setFilters({ q: v });
  const setSort = (v: string) => setFilters({ sort: v });
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
  // the tiles count what the other filters select, across bands (the same request when no band is picked)
  const { band: _band, ...tileFilters } = filters;
  const tileSource = useAccountsQuery({ ...tileFilters, sort: 'score' });
  const tileRows =
    tileSource.data && tileSource.data.total <= tileSource.data.items.length ? tileSource.data.items : null;
  const complete = base.data !== undefined && base.data.total <= base.data.items.length;
  const serverSorted = useAccountsQuery(
    { ...filters, sort },
    !complete && sort !== 'score' && base.data !== undefined,
  );
  const accounts = complete || sort === 'score' ? base : serverSorted;
  // expansion potential: the opportunities' estimated extra ARR, largest first; then the rest
  const expansion = useExpansionQuery(sort === 'expansion');
  const potential = useMemo(
    () => new Map((expansion.data?.items ?? []).map((e: ExpansionItem) => [e.accountId, e])),
    [expansion.data],
  );
  const rows = useMemo(() => {
    const list =
      complete && base.data
        ? sortAccounts(base.data.items, sort as AccountSortKey)
        : (accounts.data?.items ?? []);
    if (sort !== 'expansion' || potential.size === 0) return list;
    return [...list].sort(
      (a, b) => (potential.get(b.id)?.potentialArr ?? -1) - (potential.get(a.id)?.potentialArr ?? -1),
    );
  }, [complete, base.data, sort, accounts.data, potential]);
  const csm = me.user.role === 'csm';
  // owners by id → name, from every list loaded so far (the filter offers names, the URL keeps ids)
  const ownerNames = useRef(new Map<string, string>());
  for (const r of [...(tileSource.data?.items ?? []), ...(base.data?.items ?? [])])
    if (r.owner && !ownerNames.current.has(r.owner)) ownerNames.current.set(r.owner, r.ownerName ?? r.owner);
  const owners = ownerNames.current;
  return (
    <section>
      <h1>{csm ? 'My accounts' : 'Portfolio'}</h1>
      <DataHealthWarning />
      <ViewChips current={f} apply={(v) => setFilters(v)} />
      <SummaryTiles rows={tileRows} band={band} onBand={setBand} />
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
        {!csm && <OwnerFilter owner={owner} owners={owners} onOwner={setOwner} />}
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
          potential={sort === 'expansion' ? potential : null}
          label={sort === 'expansion' ? 'Accounts ranked by expansion potential' : 'Accounts ranked by risk'}
        />
      )}
    </section>
  );
}

/** Owner by name (a datalist of the owners seen), kept in the filters as the user id. */
function OwnerFilter({
  owner,
  owners,
  onOwner,
}: {
  owner: string;
  owners: ReadonlyMap<string, string>;
  onOwner: (id: string) => void;
}) {
  const [text, setText] = useState(() => owners.get(owner) ?? owner);
  useEffect(() => {
    // a view or a link changed the owner: show its name
    setText((t) => (t.trim() === owner || owners.get(owner) === t ? t : (owners.get(owner) ?? owner)));
  }, [owner, owners]);
  const pick = (value: string) => {
    setText(value);
    const v = value.trim();
    const byName = [...owners].find(([, name]) => name.toLowerCase() === v.toLowerCase());
    onOwner(byName ? byName[0] : v);
  };
  return (
    <label>
      Owner{' '}
      <input
        value={text}
        onChange={(e) => pick(e.target.value)}
        placeholder="owner's name"
        list="owner-names"
        size={14}
      />
      <datalist id="owner-names">
        {[...owners]
          .sort((a, b) => a[1].localeCompare(b[1]))
          .map(([id, name]) => (
            <option key={id} value={name} />
          ))}
      </datalist>
    </label>
  );
}

const ROW_HEIGHT = 45;

/** The ranked grid: only the rows in view are in the DOM, so 10,000 accounts scroll like 50. */
function AccountTable({
  rows,
  label,
  potential,
}: {
  rows: AccountSummary[];
  label: string;
  /** With the expansion sort: each opportunity's estimated extra ARR and evidence. */
  potential: ReadonlyMap<string, ExpansionItem> | null;
}) {
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
            <th className="num wide">30 d</th>
            <th className="num wide">Coverage</th>
            <th className="num">ARR</th>
            {potential && <th className="num">Potential ARR</th>}
            <th className="wide">Renewal</th>
            <th className="wide">Owner</th>
            <th className="wide">Top driver</th>
          </tr>
        </thead>
        <tbody>
          {top > 0 && (
            <tr className="spacer">
              <td colSpan={potential ? 10 : 9} style={{ height: top }} />
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
                <td className="num wide">
                  <Trend value={r.trend30} />
                </td>
                <td className="num wide">{r.coverage === null ? '–' : `${Math.round(r.coverage * 100)}%`}</td>
                <td className="num">{money(r.arr)}</td>
                {potential && (
                  <td className="num" data-testid="potential" title={potential.get(r.id)?.evidence ?? ''}>
                    {potential.has(r.id) ? `+${money(potential.get(r.id)!.potentialArr)}` : '–'}
                  </td>
                )}
                <td className="wide">{r.renewalDate ?? '–'}</td>
                <td className="wide">{r.ownerName ?? r.owner ?? '–'}</td>
                <td className="driver wide">{r.topDriver ?? ''}</td>
              </tr>
            );
          })}
          {bottom > 0 && (
            <tr className="spacer">
              <td colSpan={potential ? 10 : 9} style={{ height: bottom }} />
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
