import { useState, type FormEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useDeskStore } from '../store/index.js';
import { sessionSelectors } from '../store/session/selectors.js';

export function SignIn() {
  const { signingIn, error } = useDeskStore(useShallow(sessionSelectors.signIn));
  const signIn = useDeskStore((s) => s.signIn);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void signIn(username, password);
  };
  return (
    <main className="signin">
      <form className="signin-card" onSubmit={submit} aria-label="Sign in">
        <h1>Jetway</h1>
        <p className="muted">Disruption desk — sign in with your airline account.</p>
        <label>
          Username
          <input
            data-testid="signin-username"
            autoFocus
            autoComplete="username"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
          />
        </label>
        <label>
          Password
          <input
            data-testid="signin-password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {error && (
          <p className="error" role="alert" data-testid="signin-error">
            {error}
          </p>
        )}
        <button
          data-testid="signin-submit"
          type="submit"
          className="primary"
          disabled={signingIn || !username || !password}
        >
          {signingIn ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
