import { useState, type FormEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useDeskStore } from '../store/index.js';
import { sessionSelectors } from '../store/session/selectors.js';

/** Cognito asked for a new password (first sign-in) or the 6-digit code of the user's authenticator app. */
function ChallengeForm() {
  const { signingIn, error, challenge } = useDeskStore(useShallow(sessionSelectors.signIn));
  const respond = useDeskStore((s) => s.respond);
  const cancel = useDeskStore((s) => s.cancelChallenge);
  const [newPassword, setNewPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [code, setCode] = useState('');
  if (!challenge) return null;
  const isNewPassword = challenge.challenge === 'NEW_PASSWORD_REQUIRED';
  const mismatch = isNewPassword && repeat.length > 0 && repeat !== newPassword;
  const ready = isNewPassword ? newPassword.length >= 8 && newPassword === repeat : /^\d{6}$/.test(code);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!ready) return;
    void respond(
      isNewPassword ? { challenge: 'NEW_PASSWORD_REQUIRED', newPassword } : { challenge: 'SOFTWARE_TOKEN_MFA', code },
    );
  };
  return (
    <form
      className="signin-card"
      onSubmit={submit}
      aria-label={isNewPassword ? 'Choose a new password' : 'Enter your code'}
    >
      <h1>Jetway</h1>
      {isNewPassword ? (
        <>
          <p className="muted">{challenge.username}: choose a new password to finish your first sign-in.</p>
          <label>
            New password
            <input
              data-testid="signin-new-password"
              type="password"
              autoFocus
              autoComplete="new-password"
              value={newPassword}
              onChange={(e) => setNewPassword(e.target.value)}
            />
          </label>
          <label>
            Repeat it
            <input
              data-testid="signin-new-password-repeat"
              type="password"
              autoComplete="new-password"
              value={repeat}
              onChange={(e) => setRepeat(e.target.value)}
            />
          </label>
          {mismatch && <p className="error">The two passwords differ.</p>}
        </>
      ) : (
        <>
          <p className="muted">{challenge.username}: enter the 6-digit code from your authenticator app.</p>
          <label>
            Code
            <input
              data-testid="signin-totp"
              autoFocus
              inputMode="numeric"
              autoComplete="one-time-code"
              maxLength={6}
              value={code}
              onChange={(e) => setCode(e.target.value.replace(/\D/g, ''))}
            />
          </label>
        </>
      )}
      {error && (
        <p className="error" role="alert" data-testid="signin-error">
          {error}
        </p>
      )}
      <button data-testid="signin-challenge-submit" type="submit" className="primary" disabled={signingIn || !ready}>
        {signingIn ? 'Checking…' : 'Continue'}
      </button>
      <button type="button" onClick={cancel} disabled={signingIn}>
        Back
      </button>
    </form>
  );
}

/** Idle-locked: the same user re-enters the password; anyone else signs the locked session out. */
function LockForm() {
  const { signingIn, error } = useDeskStore(useShallow(sessionSelectors.signIn));
  const session = useDeskStore(sessionSelectors.session);
  const unlock = useDeskStore((s) => s.unlock);
  const signOut = useDeskStore((s) => s.signOut);
  const [password, setPassword] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void unlock(password).then(() => setPassword(''));
  };
  return (
    <form className="signin-card" onSubmit={submit} aria-label="Unlock">
      <h1>Jetway</h1>
      <p className="muted">
        Locked after inactivity. <strong>{session?.username}</strong>, enter your password to continue.
      </p>
      <label>
        Password
        <input
          data-testid="unlock-password"
          type="password"
          autoFocus
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
      <button data-testid="unlock-submit" type="submit" className="primary" disabled={signingIn || !password}>
        {signingIn ? 'Checking…' : 'Unlock'}
      </button>
      <button data-testid="unlock-signout" type="button" onClick={() => void signOut()} disabled={signingIn}>
        Not {session?.username}? Sign this session out (its queued work waits for its author)
      </button>
    </form>
  );
}

function PasswordForm() {
  const { signingIn, error } = useDeskStore(useShallow(sessionSelectors.signIn));
  const signIn = useDeskStore((s) => s.signIn);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void signIn(username, password);
  };
  return (
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
      <p className="muted small">
        Without a network, a user who signed in online at this desk recently can still sign in: the desk then works from
        its cache and queues your work until you sign in online again.
      </p>
    </form>
  );
}

export function SignIn() {
  const locked = useDeskStore(sessionSelectors.locked);
  const challenge = useDeskStore((s) => s.challenge);
  return <main className="signin">{locked ? <LockForm /> : challenge ? <ChallengeForm /> : <PasswordForm />}</main>;
}

/**
 * Shown while the session is offline (unlocked against the desk's stored hash): nothing syncs;
 * once the backend answers again it offers an online sign-in (password again) to sync.
 */
export function OfflineSessionNotice() {
  const offline = useDeskStore(sessionSelectors.offline);
  const networkBack = useDeskStore(sessionSelectors.networkBack);
  const session = useDeskStore(sessionSelectors.session);
  const signIn = useDeskStore((s) => s.signIn);
  const { signingIn, error } = useDeskStore(useShallow(sessionSelectors.signIn));
  const [password, setPassword] = useState('');
  if (!offline || !session) return null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void signIn(session.username, password).then(() => setPassword(''));
  };
  return (
    <div className="offline-notice" role="status" data-testid="offline-session">
      {networkBack ? (
        <form onSubmit={submit} aria-label="Sign in online to sync">
          The network is back: enter your password to sign in online and sync your queued work.{' '}
          <input
            data-testid="online-again-password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
          <button type="submit" className="primary" disabled={signingIn || !password}>
            Sign in online
          </button>
          {error && <span className="error">{error}</span>}
        </form>
      ) : (
        <>Offline session: nothing syncs; your work is queued until you sign in online.</>
      )}
    </div>
  );
}
