import { type QueryClient, useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useEffect, useState } from 'react';
import { type Me, sendJson, setCsrf, setOnUnauthenticated, useMeQuery } from './api.ts';
import { useLiveUpdates } from './live.ts';
import { LoginPage } from './login-page.tsx';

// Pages load on demand (their own chunks; charts in theirs), so the login page paints from a
// small first bundle.
const AccountPage = lazy(() => import('./account-page.tsx').then((m) => ({ default: m.AccountPage })));
const ModelPage = lazy(() => import('./model-page.tsx').then((m) => ({ default: m.ModelPage })));
const PlaybooksPage = lazy(() => import('./playbooks-page.tsx').then((m) => ({ default: m.PlaybooksPage })));
const PortfolioPage = lazy(() => import('./portfolio-page.tsx').then((m) => ({ default: m.PortfolioPage })));
const RetentionPage = lazy(() => import('./retention-page.tsx').then((m) => ({ default: m.RetentionPage })));
const TasksPage = lazy(() => import('./tasks-page.tsx').then((m) => ({ default: m.TasksPage })));
const SourcesPage = lazy(() => import('./sources-page.tsx').then((m) => ({ default: m.SourcesPage })));
const ConnectionsPage = lazy(() =>
  import('./connections-page.tsx').then((m) => ({ default: m.ConnectionsPage })),
);

/** A tiny hash router: #/ (portfolio), #/accounts/:id, #/tasks, ... */
function useRoute(): string {
  const [hash, setHash] = useState(window.location.hash || '#/');
  useEffect(() => {
    const on = () => setHash(window.location.hash || '#/');
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return hash.slice(1);
}

/** Navigation by role: a CSM's portfolio is "My accounts"; everyone reads the model and playbooks, only admins change them. */
function navFor(role: Me['user']['role']) {
  return [
    ['#/', role === 'csm' ? 'My accounts' : 'Portfolio'],
    ['#/tasks', role === 'csm' ? 'My tasks' : 'Tasks'],
    ['#/retention', 'Retention'],
    ['#/model', 'Model'],
    ['#/playbooks', 'Playbooks'],
    ['#/sources', 'Sources'],
    ...(role === 'admin' ? ([['#/connections', 'Connections']] as const) : []),
  ] as const;
}

/** Back to the login page, forgetting everything the previous user could see. */
function signedOut(client: QueryClient) {
  setCsrf(null);
  client.setQueryData(['me'], null);
  client.removeQueries({ predicate: (q) => q.queryKey[0] !== 'me' });
}

export function App() {
  const me = useMeQuery();
  const client = useQueryClient();
  useEffect(() => {
    // any 401 (session expired, logged out elsewhere) drops back to the login page
    setOnUnauthenticated(() => signedOut(client));
  }, [client]);
  if (me.isPending)
    return (
      <p className="muted" style={{ padding: 24 }}>
        Loading…
      </p>
    );
  if (me.isError)
    return (
      <p className="error" style={{ margin: 24 }}>
        {me.error.message}
      </p>
    );
  if (me.data === null) return <LoginPage />;
  return <Shell me={me.data} />;
}

function Shell({ me }: { me: Me }) {
  // the portfolio keeps its filters after a "?" (#/?band=critical): the page is the part before it
  const route = useRoute().split('?')[0] ?? '/';
  const live = useLiveUpdates();
  const client = useQueryClient();
  const account = /^\/accounts\/(.+)$/.exec(route);
  const page = account ? (
    <AccountPage id={decodeURIComponent(account[1]!)} />
  ) : route === '/tasks' ? (
    <TasksPage me={me} />
  ) : route === '/retention' ? (
    <RetentionPage />
  ) : route === '/model' ? (
    <ModelPage />
  ) : route === '/playbooks' ? (
    <PlaybooksPage me={me} />
  ) : route === '/sources' ? (
    <SourcesPage />
  ) : route === '/connections' && me.user.role === 'admin' ? (
    <ConnectionsPage />
  ) : (
    <PortfolioPage me={me} />
  );
  const logout = async () => {
    await sendJson('POST', '/v1/auth/logout', {}).catch(() => null);
    window.location.hash = '#/';
    signedOut(client);
  };
  return (
    <div className="shell">
      <a href="#main" className="skip">
        Skip to content
      </a>
      <header className="top">
        <a href="#/" className="brand">
          Vigil
        </a>
        <nav aria-label="Main">
          {navFor(me.user.role).map(([href, label]) => (
            <a
              key={href}
              href={href}
              className={`#${route}` === href ? 'active' : ''}
              aria-current={`#${route}` === href ? 'page' : undefined}
            >
              {label}
            </a>
          ))}
        </nav>
        <span className={`live ${live}`} title="live updates">
          ● {live === 'open' ? 'live' : live}
        </span>
        <span className="who">
          <span data-testid="who">{me.user.name ?? me.user.id}</span>{' '}
          <span className="role">{me.user.role}</span>
          <button type="button" className="link" onClick={logout}>
            Sign out
          </button>
        </span>
      </header>
      <main id="main">
        <Suspense fallback={<p className="muted">Loading…</p>}>{page}</Suspense>
      </main>
    </div>
  );
}
