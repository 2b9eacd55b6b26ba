import { useQuery } from '@tanstack/react-query';
import type { DataSource, DataSources } from '../../src/api/api-types.ts';
import { getJson } from './api.ts';

export const useSourcesQuery = () =>
  useQuery({ queryKey: ['sources'], queryFn: () => getJson<DataSources>('/v1/sources'), staleTime: 60_000 });

const STATUS: Record<DataSource['status'], string> = {
  live: 'live',
  stale: 'stale: signals held',
  absent: 'not connected',
};

/** The dashboard's data-health warning: stale feeds and weighted sources never sent. */
export function DataHealthWarning() {
  const q = useSourcesQuery();
  if (!q.data || q.data.warnings.length === 0) return null;
  return (
    <div className="data-health" role="status" data-testid="data-health">
      <strong>Data health:</strong>{' '}
      {q.data.warnings.length === 1 ? q.data.warnings[0] : `${q.data.warnings.length} issues`} ·{' '}
      <a href="#/sources">see sources</a>
    </div>
  );
}

/** Which data sources the workspace sends, how fresh each is, and which signals each feeds. */
export function SourcesPage() {
  const q = useSourcesQuery();
  if (q.isPending) return <p className="muted">Loading sources…</p>;
  if (q.isError) return <p className="error">{q.error.message}</p>;
  const r = q.data;
  return (
    <section>
      <h1>Data sources</h1>
      <p className="muted">
        As of {r.asOf}, model {r.modelVersion}. A source never sent is not available (its signals' weight
        moves to the others); a stale feed's signals are held at their last good value.
      </p>
      {r.warnings.length > 0 && (
        <ul className="data-health">
          {r.warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      )}
      <div className="grid-wrap">
        <table className="grid" aria-label="Data sources">
          <thead>
            <tr>
              <th>Source</th>
              <th>Status</th>
              <th>First event</th>
              <th>Last event</th>
              <th>Accounts</th>
              <th>Rows/day</th>
              <th>Last seen</th>
              <th>Signals fed</th>
            </tr>
          </thead>
          <tbody>
            {r.sources.map((s) => (
              <tr key={s.id} data-testid={`source-${s.id}`}>
                <td>{s.label}</td>
                <td className={`source-${s.status}`}>
                  {STATUS[s.status]}
                  {s.declared !== null ? ' (declared)' : ''}
                </td>
                <td>{s.firstEvent ?? '–'}</td>
                <td>{s.lastEvent ?? '–'}</td>
                <td>{s.accountsCovered}</td>
                <td>{s.rowsPerDay ?? '–'}</td>
                <td>{s.daysSinceLast === null ? '–' : `${s.daysSinceLast} days ago`}</td>
                <td>{s.signals.map((x) => x.id).join(', ') || '–'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
