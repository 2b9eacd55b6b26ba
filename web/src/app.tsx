import { useEffect, useState } from 'react';
import { AccountPage } from './account-page.tsx';
import { useLiveUpdates } from './live.ts';
import { ModelPage } from './model-page.tsx';
import { PortfolioPage } from './portfolio-page.tsx';
import { RetentionPage } from './retention-page.tsx';
import { TasksPage } from './tasks-page.tsx';

/** A tiny hash router: #/ (portfolio) and #/accounts/:id. */
function useRoute(): string {
  const [hash, setHash] = useState(window.location.hash || '#/');
  useEffect(() => {
    const on = () => setHash(window.location.hash || '#/');
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return hash.slice(1);
}

const NAV = [
  ['#/', 'Portfolio'],
  ['#/tasks', 'Tasks'],
  ['#/retention', 'Retention'],
  ['#/model', 'Model'],
] as const;

export function App() {
  const route = useRoute();
  const live = useLiveUpdates();
  const account = /^\/accounts\/(.+)$/.exec(route);
  const page = account ? (
    <AccountPage id={decodeURIComponent(account[1]!)} />
  ) : route === '/tasks' ? (
    <TasksPage />
  ) : route === '/retention' ? (
    <RetentionPage />
  ) : route === '/model' ? (
    <ModelPage />
  ) : (
    <PortfolioPage />
  );
  return (
    <div className="shell">
      <header className="top">
        <a href="#/" className="brand">
          Vigil
        </a>
        <nav>
          {NAV.map(([href, label]) => (
            <a key={href} href={href} className={`#${route}` === href ? 'active' : ''}>
              {label}
            </a>
          ))}
        </nav>
        <span className={`live ${live}`} title="live updates">
          ● {live === 'open' ? 'live' : live}
        </span>
      </header>
      <main>{page}</main>
    </div>
  );
}
