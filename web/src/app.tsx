import { useEffect, useState } from 'react';
import { AccountPage } from './account-page.tsx';
import { PortfolioPage } from './portfolio-page.tsx';

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

export function App() {
  const route = useRoute();
  const account = /^\/accounts\/(.+)$/.exec(route);
  return (
    <div className="shell">
      <header className="top">
        <a href="#/" className="brand">
          Vigil
        </a>
        <nav>
          <a href="#/" className={account ? '' : 'active'}>
            Portfolio
          </a>
        </nav>
      </header>
      <main>{account ? <AccountPage id={decodeURIComponent(account[1]!)} /> : <PortfolioPage />}</main>
    </div>
  );
}
