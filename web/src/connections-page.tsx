import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError, getJson, sendJson } from './api.ts';

type SyncEntry = {
  id: number;
  operation: string;
  status: string;
  startedAt: string;
  finishedAt: string;
  records: number;
  succeeded: number;
  failed: number;
  unmatched: number;
  calls: number;
  message: string;
};
type Connection = {
  id: string;
  kind: 'hubspot' | 'salesforce' | 'slack' | 'segment' | 'stripe';
  name: string;
  enabled: boolean;
  source: string;
  settings: Record<string, unknown>;
  secrets: Record<string, 'set' | 'missing'>;
  lastPushAt: string | null;
  budget: { day: string | null; used: number; limit: number | null };
  lastSync: SyncEntry | null;
};
type PushReport = {
  status: string;
  message: string;
  planned: { accountId: string; crmId: string; by: string; properties: Record<string, unknown> }[];
  unmatched: { accountId: string; reason: string }[];
  failed: { accountId: string; crmId: string; error: string }[];
  createdFields: string[];
};

const SECRETS: Record<Connection['kind'], string[]> = {
  hubspot: ['accessToken'],
  salesforce: ['accessToken', 'refreshToken', 'clientSecret'],
  slack: ['botToken', 'signingSecret'],
  segment: ['writeKey'],
  stripe: ['apiKey', 'webhookSecret'],
};
const STATUS_CLASS: Record<string, string> = {
  ok: 'healthy',
  'dry-run': '',
  partial: 'at-risk',
  'rate-limited': 'at-risk',
  'budget-spent': 'at-risk',
  failed: 'critical',
  rejected: 'critical',
};
const isCrm = (k: string) => k === 'hubspot' || k === 'salesforce';
const when = (iso: string) => iso.replace('T', ' ').slice(0, 16);

const useConnectionsQuery = () =>
  useQuery({ queryKey: ['connections'], queryFn: () => getJson<{ items: Connection[] }>('/v1/connections') });
const useSyncLogQuery = (id: string | null) =>
  useQuery({
    queryKey: ['connections', id, 'sync-log'],
    queryFn: () =>
      getJson<{ items: SyncEntry[] }>(`/v1/connections/${encodeURIComponent(id ?? '')}/sync-log?limit=20`),
    enabled: id !== null,
  });

/** Connections (admins): each connection's secrets as set / missing, budget, last sync; its sync log; a push or dry run; add or change one. */
export function ConnectionsPage() {
  const q = useConnectionsQuery();
  const [selected, setSelected] = useState<string | null>(null);
  const [report, setReport] = useState<PushReport | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const client = useQueryClient();
  const log = useSyncLogQuery(selected);
  if (q.isPending) return <p>Loading connections…</p>;
  if (q.isError) return <p className="error">{q.error.message}</p>;
  const push = async (id: string, dryRun: boolean) => {
    setBusy(true);
    setError(null);
    try {
      setReport(
        await sendJson<PushReport>('POST', `/v1/connections/${encodeURIComponent(id)}/push`, { dryRun }),
      );
      setSelected(id);
      await client.invalidateQueries({ queryKey: ['connections'] });
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section>
      <h1>Connections</h1>
      <p className="muted small">
        CRM write-back, Slack alerts and live sources. Secrets are stored encrypted and never shown again;
        leave a secret empty to keep the stored one.
      </p>
      {error && <p className="error">{error}</p>}
      {q.data.items.length === 0 ? (
        <p className="muted">
          No connections yet. Add one below or load a file with `vigil connections load`.
        </p>
      ) : (
        <div className="panel">
          <table className="grid plain-grid" aria-label="Connections">
            <thead>
              <tr>
                <th>Connection</th>
                <th>Secrets</th>
                <th>API budget today</th>
                <th>Last sync</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {q.data.items.map((c) => (
                <tr key={c.id} className={selected === c.id ? 'selected' : undefined}>
                  <td>
                    <b>{c.name}</b> <span className="pill">{c.kind}</span>
                    {!c.enabled && <span className="pill">disabled</span>}
                    <div className="muted small">
                      {c.id} · from {c.source}
                    </div>
                  </td>
                  <td className="small">
                    {Object.entries(c.secrets).map(([k, v]) => (
                      <div key={k}>
                        {k}: <span className={`pill ${v === 'set' ? 'healthy' : 'critical'}`}>{v}</span>
                      </div>
                    ))}
                  </td>
                  <td className="small">
                    {c.budget.limit === null
                      ? '—'
                      : `${c.budget.day === null ? 0 : c.budget.used} / ${c.budget.limit} calls`}
                  </td>
                  <td className="small" data-testid={`last-sync-${c.id}`}>
                    {c.lastSync ? (
                      <>
                        <span className={`pill ${STATUS_CLASS[c.lastSync.status] ?? ''}`}>
                          {c.lastSync.status}
                        </span>{' '}
                        {c.lastSync.operation} · {when(c.lastSync.finishedAt)}
                        <div className="driver">{c.lastSync.message}</div>
                      </>
                    ) : (
                      <span className="muted">never</span>
                    )}
                  </td>
                  <td className="actions">
                    <button type="button" onClick={() => setSelected(c.id)}>
                      Sync log
                    </button>
                    {isCrm(c.kind) && (
                      <>
                        <button type="button" disabled={busy} onClick={() => push(c.id, true)}>
                          Dry run
                        </button>
                        <button type="button" disabled={busy} onClick={() => push(c.id, false)}>
                          Push now
                        </button>
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {report && <PushReportView report={report} />}
      {selected && (
        <div className="panel">
          <h2>Sync log: {selected}</h2>
          {log.isPending ? (
            <p className="muted">Loading…</p>
          ) : log.isError ? (
            <p className="error">{log.error.message}</p>
          ) : log.data.items.length === 0 ? (
            <p className="muted">Nothing yet.</p>
          ) : (
            <table className="grid plain-grid" aria-label={`Sync log of ${selected}`}>
              <thead>
                <tr>
                  <th>When</th>
                  <th>What</th>
                  <th>Status</th>
                  <th className="num">Records</th>
                  <th className="num">OK</th>
                  <th className="num">Failed</th>
                  <th className="num">Unmatched</th>
                  <th className="num">Calls</th>
                  <th>Message</th>
                </tr>
              </thead>
              <tbody>
                {log.data.items.map((s) => (
                  <tr key={s.id}>
                    <td className="small">{when(s.finishedAt)}</td>
                    <td>{s.operation}</td>
                    <td>
                      <span className={`pill ${STATUS_CLASS[s.status] ?? ''}`}>{s.status}</span>
                    </td>
                    <td className="num">{s.records}</td>
                    <td className="num">{s.succeeded}</td>
                    <td className="num">{s.failed}</td>
                    <td className="num">{s.unmatched}</td>
                    <td className="num">{s.calls}</td>
                    <td className="driver">{s.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
      <ConnectionForm existing={q.data.items} />
    </section>
  );
}

function PushReportView({ report }: { report: PushReport }) {
  return (
    <div className="panel" data-testid="push-report">
      <h2>
        <span className={`pill ${STATUS_CLASS[report.status] ?? ''}`}>{report.status}</span> {report.message}
      </h2>
      {report.createdFields.length > 0 && (
        <p className="small">
          {report.planned.length > 0 || report.status === 'dry-run' ? 'Fields to create' : 'Fields created'}:{' '}
          {report.createdFields.join(', ')}
        </p>
      )}
      {report.planned.length > 0 && (
        <table className="grid plain-grid" aria-label="Would be written">
          <thead>
            <tr>
              <th>Account</th>
              <th>CRM record</th>
              <th>Matched by</th>
              <th>Values</th>
            </tr>
          </thead>
          <tbody>
            {report.planned.slice(0, 50).map((p) => (
              <tr key={p.accountId}>
                <td>{p.accountId}</td>
                <td>{p.crmId}</td>
                <td>{p.by}</td>
                <td className="driver">{JSON.stringify(p.properties)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {report.failed.length > 0 && (
        <ul className="small">
          {report.failed.slice(0, 20).map((f) => (
            <li key={f.accountId}>
              {f.accountId} ({f.crmId}): {f.error}
            </li>
          ))}
        </ul>
      )}
      {report.unmatched.length > 0 && (
        <details>
          <summary className="small">{report.unmatched.length} unmatched account(s)</summary>
          <ul className="small">
            {report.unmatched.slice(0, 50).map((u) => (
              <li key={u.accountId}>
                {u.accountId}: {u.reason}
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}

function ConnectionForm({ existing }: { existing: Connection[] }) {
  const client = useQueryClient();
  const [id, setId] = useState('');
  const [kind, setKind] = useState<Connection['kind']>('hubspot');
  const [settings, setSettings] = useState('{}');
  const [secrets, setSecrets] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const pick = (c: Connection) => {
    setId(c.id);
    setKind(c.kind);
    setSettings(JSON.stringify(c.settings, null, 2));
    setSecrets({});
  };
  const save = async () => {
    setMessage(null);
    let parsed: unknown;
    try {
      parsed = JSON.parse(settings || '{}');
    } catch {
      setMessage({ ok: false, text: 'Settings must be JSON.' });
      return;
    }
    const given = Object.fromEntries(Object.entries(secrets).filter(([, v]) => v !== ''));
    try {
      await sendJson('PUT', `/v1/connections/${encodeURIComponent(id)}`, {
        kind,
        settings: parsed,
        secrets: given,
      });
      setSecrets({});
      setMessage({ ok: true, text: `Saved ${id}.` });
      await client.invalidateQueries({ queryKey: ['connections'] });
    } catch (e) {
      setMessage({ ok: false, text: e instanceof ApiError ? e.message : String(e) });
    }
  };
  return (
    <div className="panel editor">
      <h2>Add or change a connection</h2>
      {existing.length > 0 && (
        <p className="small">
          Edit:{' '}
          {existing.map((c) => (
            <button key={c.id} type="button" className="link" onClick={() => pick(c)}>
              {c.id}
            </button>
          ))}
        </p>
      )}
      <div className="actions">
        <label>
          Id{' '}
          <input
            value={id}
            onChange={(e) => setId(e.target.value)}
            aria-label="Connection id"
            placeholder="hubspot"
          />
        </label>
        <label>
          Kind{' '}
          <select
            value={kind}
            onChange={(e) => setKind(e.target.value as Connection['kind'])}
            aria-label="Kind"
          >
            {Object.keys(SECRETS).map((k) => (
              <option key={k}>{k}</option>
            ))}
          </select>
        </label>
        {SECRETS[kind].map((s) => (
          <label key={s}>
            {s}{' '}
            <input
              type="password"
              autoComplete="off"
              aria-label={s}
              value={secrets[s] ?? ''}
              onChange={(e) => setSecrets({ ...secrets, [s]: e.target.value })}
            />
          </label>
        ))}
      </div>
      <label className="small" style={{ display: 'block', marginTop: 8 }}>
        Settings (JSON; see docs/integrations.md)
        <textarea
          aria-label="Settings"
          rows={6}
          style={{ display: 'block', width: '100%', fontFamily: 'monospace' }}
          value={settings}
          onChange={(e) => setSettings(e.target.value)}
        />
      </label>
      <div className="actions">
        <button type="button" className="primary" disabled={!id} onClick={save}>
          Save
        </button>
      </div>
      {message && <p className={message.ok ? 'ok' : 'error'}>{message.text}</p>}
    </div>
  );
}
