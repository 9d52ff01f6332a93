import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import { useDeskStore } from '../store/index.js';
import { sessionSelectors } from '../store/session/selectors.js';

/** A sign-in error; focus moves to it when it appears, so it is read out and the user knows what failed. */
function SignInError({ error }: { error: string }) {
  const ref = useRef<HTMLParagraphElement>(null);
  useEffect(() => ref.current?.focus(), [error]);
  return (
    <p ref={ref} tabIndex={-1} className="error" role="alert" data-testid="signin-error">
      {error}
    </p>
  );
}

/** Cognito asked for a new password (first sign-in) or the 6-digit code of the user's authenticator app. */
function ChallengeForm() {
  const { signingIn, error, challenge } = useDeskStore(useShallow(sessionSelectors.signIn));
  const respond = useDeskStore((s) => s.respond);
  const cancel = useDeskStore((s) => s.cancelChallenge);
  const [newPassword, setNewPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [code, setCode] = useState('');
  const { t } = useTranslation('signin');
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
      aria-label={isNewPassword ? t('newPasswordForm') : t('codeForm')}
    >
      <h1>{t('common:appName')}</h1>
      {isNewPassword ? (
        <>
          <p className="muted">{t('newPasswordHint', { username: challenge.username })}</p>
          <label>
            {t('newPassword')}
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
            {t('repeatPassword')}
            <input
              data-testid="signin-new-password-repeat"
              type="password"
              autoComplete="new-password"
              value={repeat}
              onChange={(e) => setRepeat(e.target.value)}
            />
          </label>
          {mismatch && <p className="error">{t('mismatch')}</p>}
        </>
      ) : (
        <>
          <p className="muted">{t('codeHint', { username: challenge.username })}</p>
          <label>
            {t('code')}
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
      {error && <SignInError error={error} />}
      <button data-testid="signin-challenge-submit" type="submit" className="primary" disabled={signingIn || !ready}>
        {signingIn ? t('checking') : t('continue')}
      </button>
      <button type="button" onClick={cancel} disabled={signingIn}>
        {t('back')}
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
  const { t } = useTranslation('signin');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void unlock(password).then(() => setPassword(''));
  };
  return (
    <form className="signin-card" onSubmit={submit} aria-label={t('unlockForm')}>
      <h1>{t('common:appName')}</h1>
      <p className="muted">
        {t('lockedBefore')} <strong>{session?.username}</strong>
        {t('lockedAfter')}
      </p>
      <label>
        {t('password')}
        <input
          data-testid="unlock-password"
          type="password"
          autoFocus
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </label>
      {error && <SignInError error={error} />}
      <button data-testid="unlock-submit" type="submit" className="primary" disabled={signingIn || !password}>
        {signingIn ? t('checking') : t('unlock')}
      </button>
      <button data-testid="unlock-signout" type="button" onClick={() => void signOut()} disabled={signingIn}>
        {t('notYou', { username: session?.username })}
      </button>
    </form>
  );
}

function PasswordForm() {
  const { signingIn, error } = useDeskStore(useShallow(sessionSelectors.signIn));
  const signIn = useDeskStore((s) => s.signIn);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const { t } = useTranslation('signin');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void signIn(username, password);
  };
  return (
    <form className="signin-card" onSubmit={submit} aria-label={t('signInForm')}>
      <h1>{t('common:appName')}</h1>
      <p className="muted">{t('tagline')}</p>
      <label>
        {t('username')}
        <input
          data-testid="signin-username"
          autoFocus
          autoComplete="username"
          value={username}
          onChange={(e) => setUsername(e.target.value)}
        />
      </label>
      <label>
        {t('password')}
        <input
          data-testid="signin-password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </label>
      {error && <SignInError error={error} />}
      <button
        data-testid="signin-submit"
        type="submit"
        className="primary"
        disabled={signingIn || !username || !password}
      >
        {signingIn ? t('signingIn') : t('signIn')}
      </button>
      <p className="muted small">
        {t('offlineHint')}
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
  const { t } = useTranslation('signin');
  if (!offline || !session) return null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void signIn(session.username, password).then(() => setPassword(''));
  };
  return (
    <div className="offline-notice" role="status" data-testid="offline-session">
      {networkBack ? (
        <form onSubmit={submit} aria-label={t('onlineAgainForm')}>
          {t('networkBack')}{' '}
          <input
            data-testid="online-again-password"
            aria-label={t('onlineAgainPassword')}
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
          <button type="submit" className="primary" disabled={signingIn || !password}>
            {t('signInOnline')}
          </button>
          {error && <span className="error">{error}</span>}
        </form>
      ) : (
        <>{t('offlineSession')}</>
      )}
    </div>
  );
}
