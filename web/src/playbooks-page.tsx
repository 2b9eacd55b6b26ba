import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { stringify } from 'yaml';
import {
  ApiError,
  type Me,
  type PlaybookError,
  type StoredPlaybook,
  sendJson,
  usePlaybookStatsQuery,
  usePlaybooksQuery,
} from './api.ts';

const SUPPRESSED_LABEL: Record<string, string> = {
  'open-task': 'open task',
  cooldown: 'cooldown',
  budget: 'budget',
  'enroll-cycle': 'enrolled',
};

/** Playbooks: what each one did (fired, suppressed and why, open tasks), and the document editor (admins). */
export function PlaybooksPage({ me }: { me: Me }) {
  const playbooks = usePlaybooksQuery();
  const stats = usePlaybookStatsQuery();
  const [selected, setSelected] = useState<string | null>(null);
  const admin = me.user.role === 'admin';
  if (playbooks.isPending) return <p>Loading playbooks…</p>;
  if (playbooks.isError) return <p className="error">{playbooks.error.message}</p>;
  const items = playbooks.data.items;
  const byId = new Map((stats.data ?? []).map((s) => [s.playbookId, s]));
  const current = items.find((p) => p.playbook.id === selected) ?? null;
  return (
    <section>
      <h1>Playbooks</h1>
      {items.length === 0 ? (
        <p className="muted">No playbooks yet.</p>
      ) : (
        <div className="panel">
          <table className="grid plain-grid" aria-label="Playbooks and what they did in the last 30 days">
            <thead>
              <tr>
                <th>Playbook</th>
                <th>Status</th>
                <th className="num">Version</th>
                <th className="num">Fired (30 d)</th>
                <th className="num">Held out</th>
                <th>Suppressed</th>
                <th className="num">Open tasks</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {items.map((p) => {
                const s = byId.get(p.playbook.id);
                const suppressed = Object.entries(s?.suppressed ?? {}).filter(([, n]) => n > 0);
                return (
                  <tr key={p.playbook.id} className={selected === p.playbook.id ? 'selected' : undefined}>
                    <td>
                      <b>{p.playbook.name}</b>
                      <div className="muted small">
                        {p.playbook.id} · {p.source}
                      </div>
                    </td>
                    <td>
                      <span className={`pill ${p.enabled ? 'healthy' : ''}`}>
                        {p.enabled ? 'enabled' : 'disabled'}
                      </span>
                    </td>
                    <td className="num">{p.version}</td>
                    <td className="num">{s ? s.fired : stats.isPending ? '…' : '–'}</td>
                    <td className="num">{s ? s.heldOut : '–'}</td>
                    <td className="small">
                      {suppressed.length === 0
                        ? '–'
                        : suppressed.map(([k, n]) => `${n} ${SUPPRESSED_LABEL[k] ?? k}`).join(', ')}
                    </td>
                    <td className="num">{s ? s.openTasks : '–'}</td>
                    <td>
                      <div className="actions">
                        <button type="button" onClick={() => setSelected(p.playbook.id)}>
                          {admin ? 'Edit' : 'View'}
                        </button>
                        {admin && <EnableToggle playbook={p} />}
                      </div>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {stats.isError && <p className="error">{stats.error.message}</p>}
        </div>
      )}
      {current && (
        <Editor
          key={current.playbook.id}
          playbook={current}
          readOnly={!admin}
          onClose={() => setSelected(null)}
        />
      )}
    </section>
  );
}

const toYaml = (p: StoredPlaybook) => stringify({ ...p.playbook, enabled: p.enabled }, { lineWidth: 100 });

async function putPlaybook(id: string, yaml: string) {
  return sendJson('PUT', `/v1/playbooks/${encodeURIComponent(id)}`, yaml, 'application/yaml');
}

function EnableToggle({ playbook }: { playbook: StoredPlaybook }) {
  const client = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const toggle = async () => {
    setError(null);
    try {
      await putPlaybook(
        playbook.playbook.id,
        stringify({ ...playbook.playbook, enabled: !playbook.enabled }),
      );
      await client.invalidateQueries({ queryKey: ['playbooks'] });
      void client.invalidateQueries({ queryKey: ['playbook-stats'] });
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <>
      <button type="button" onClick={toggle}>
        {playbook.enabled ? 'Disable' : 'Enable'}
      </button>
      {error && <span className="error small">{error}</span>}
    </>
  );
}

function Editor({
  playbook,
  readOnly,
  onClose,
}: {
  playbook: StoredPlaybook;
  readOnly: boolean;
  onClose: () => void;
}) {
  const client = useQueryClient();
  const [text, setText] = useState(() => toYaml(playbook));
  const [message, setMessage] = useState<string | null>(null);
  const [errors, setErrors] = useState<PlaybookError[]>([]);
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const save = async () => {
    setBusy(true);
    setMessage(null);
    setErrors([]);
    setSaved(null);
    try {
      const r = await sendJson<{ created: string[]; updated: string[]; unchanged: string[] }>(
        'PUT',
        `/v1/playbooks/${encodeURIComponent(playbook.playbook.id)}`,
        text,
        'application/yaml',
      );
      setSaved(r.unchanged.length > 0 ? 'No changes.' : 'Saved as a new version.');
      await client.invalidateQueries({ queryKey: ['playbooks'] });
      void client.invalidateQueries({ queryKey: ['playbook-stats'] });
    } catch (e) {
      const details = e instanceof ApiError ? (e.details as { errors?: PlaybookError[] } | null) : null;
      if (details?.errors?.length) {
        setErrors(details.errors);
        setMessage('The document has errors; nothing was saved.');
      } else setMessage((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const lines = text.split('\n');
  const errorLines = new Set(errors.map((e) => e.line));
  return (
    <div className="panel editor">
      <div className="editor-head">
        <h2 id="editor-title">
          {playbook.playbook.name} <span className="muted small">v{playbook.version}</span>
        </h2>
        <button type="button" className="link" onClick={onClose}>
          Close
        </button>
      </div>
      <div className="code-wrap">
        <div className="gutter" aria-hidden="true">
          {lines.map((_, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: line numbers are positions
            <div key={i} className={errorLines.has(i + 1) ? 'bad' : undefined}>
              {i + 1}
            </div>
          ))}
        </div>
        <textarea
          aria-labelledby="editor-title"
          aria-label="Playbook document (YAML)"
          aria-invalid={errors.length > 0}
          aria-describedby="editor-errors"
          spellCheck={false}
          readOnly={readOnly}
          value={text}
          rows={Math.max(12, lines.length + 1)}
          onChange={(e) => setText(e.target.value)}
        />
      </div>
      <div id="editor-errors" aria-live="polite">
        {message && <p className="error">{message}</p>}
        {errors.length > 0 && (
          <ul className="doc-errors">
            {errors.map((e) => (
              <li key={`${e.line}:${e.column}:${e.field}:${e.message}`}>
                <b>
                  line {e.line}, column {e.column}
                </b>{' '}
                <code>{e.field}</code>: {e.message}
              </li>
            ))}
          </ul>
        )}
        {saved && <p className="ok">{saved}</p>}
      </div>
      {!readOnly && (
        <div className="actions">
          <button type="button" className="primary" onClick={save} disabled={busy}>
            {busy ? 'Validating…' : 'Validate and save'}
          </button>
          <button type="button" onClick={() => setText(toYaml(playbook))}>
            Revert
          </button>
        </div>
      )}
    </div>
  );
}
