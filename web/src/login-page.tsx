import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { type Me, sendJson, setCsrf } from './api.ts';

// the login page has one job; the cursor starts in the username field
const focusOnMount = (el: HTMLInputElement | null) => el?.focus();

/** Username + password; on success the session cookie is set and the app re-renders signed in. */
export function LoginPage() {
  const client = useQueryClient();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const me = await sendJson<Me>('POST', '/v1/auth/login', { username, password });
      setCsrf(me.csrf);
      client.setQueryData(['me'], me);
      // whatever was cached belonged to the previous user (or to nobody)
      client.removeQueries({ predicate: (q) => q.queryKey[0] !== 'me' });
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="login-wrap">
      <form className="login panel" onSubmit={submit} aria-labelledby="login-title">
        <h1 id="login-title">
          <span className="brand">Vigil</span> sign in
        </h1>
        <label>
          Username
          <input
            name="username"
            autoComplete="username"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            required
            ref={focusOnMount}
          />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </label>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </div>
  );
}
