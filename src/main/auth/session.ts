import { z } from 'zod';
import type { Session } from '../../shared/rpc/contract.js';
import type { TokenSource } from '../sync/backend.js';
import type { SignInChallenge } from '../../shared/rpc/contract.js';
import {
  AuthFailedError,
  ChallengeRequiredError,
  CognitoUnreachableError,
  type AuthTokens,
  type ChallengeResponses,
  type CognitoAuthApi,
  type SupportedChallenge,
} from './cognito.js';
import { OfflineRefusedError, type OfflineCredentials } from './offline.js';

/** No one is signed in (maps to RPC `UNAUTHENTICATED`). */
export class NotSignedInError extends Error {
  override name = 'NotSignedInError';
}

const ClaimsSchema = z.object({
  exp: z.number(),
  'cognito:username': z.string().optional(),
  username: z.string().optional(),
  'cognito:groups': z.array(z.string()).default([]),
  'custom:stations': z.string().default(''),
});

/** Reads the claims of a JWT without verifying it: the desk trusts Cognito's TLS answer; the backend verifies. */
export function decodeClaims(jwt: string): z.infer<typeof ClaimsSchema> {
  const part = jwt.split('.')[1];
  if (!part) throw new AuthFailedError('malformed ID token');
  return ClaimsSchema.parse(JSON.parse(Buffer.from(part, 'base64url').toString('utf8')));
}

const ROLE_ORDER = ['admin', 'supervisor', 'agent'] as const;

export function sessionFromIdToken(idToken: string): Session {
  const c = decodeClaims(idToken);
  const groups = c['cognito:groups'];
  const stations = c['custom:stations']
    .split(',')
    .map((s) => s.trim().toUpperCase())
    .filter((s) => s.length > 0);
  return {
    username: c['cognito:username'] ?? c.username ?? 'unknown',
    role: ROLE_ORDER.find((r) => groups.includes(r)) ?? 'unknown',
    groups,
    stations,
    expiresAt: new Date(c.exp * 1000).toISOString(),
    offline: false,
    locked: false,
  };
}

export interface AuthServiceOptions {
  /** The desk's offline credentials; without them there is no offline sign-in and unlock asks Cognito. */
  offline?: OfflineCredentials;
  /** Idle time after which the session locks (the password is needed again); 0 = never. */
  idleLockMs?: number;
  /** Called when the session changes in main (idle lock, unlock, sign-in, sign-out). */
  onChange?: (session: Session | null) => void;
}

/** Cognito's challenge session lasts 3 minutes. */
const CHALLENGE_TTL_MS = 3 * 60_000;

interface PendingChallenge {
  username: string;
  /** The password that will work once the challenge is answered (hashed for offline use then). */
  password: string;
  challenge: SupportedChallenge;
  cognitoSession: string;
  at: number;
}

export type ChallengeAnswer =
  { challenge: 'NEW_PASSWORD_REQUIRED'; newPassword: string } | { challenge: 'SOFTWARE_TOKEN_MFA'; code: string };

/**
 * The signed-in user: Cognito tokens in memory only, or an offline session unlocked against
 * the desk's stored password hash (no tokens: nothing syncs until an online sign-in).
 * Online sign-in always asks Cognito first; only an unreachable Cognito (never a refusal)
 * falls back to the offline check. Refreshes the ID token shortly before expiry. Locks after
 * an idle time: a locked session answers no query until its password is entered again.
 */
export class AuthService implements TokenSource {
  private tokens: AuthTokens | null = null;
  private current: Session | null = null;
  private refreshing: Promise<void> | null = null;
  private pending: PendingChallenge | null = null;
  private lastActivity = 0;
  private locked = false;

  constructor(
    private readonly api: CognitoAuthApi,
    private readonly now: () => Date = () => new Date(),
    private readonly opts: AuthServiceOptions = {},
  ) {}

  /** Online first; Cognito unreachable → offline unlock against the stored hash (a session with `offline: true`). */
  async signIn(username: string, password: string): Promise<Session | SignInChallenge> {
    this.pending = null;
    let tokens: AuthTokens;
    try {
      tokens = await this.api.passwordAuth(username, password);
    } catch (err) {
      if (err instanceof ChallengeRequiredError) return this.challenged(username, password, err);
      if (err instanceof CognitoUnreachableError) {
        if (!this.opts.offline) throw new AuthFailedError(err.message);
        const session = await this.opts.offline.verify(username, password, this.now());
        this.establish(null, session);
        return session;
      }
      throw err;
    }
    return this.established(tokens, password);
  }

  /** Answers the pending Cognito challenge (new password, or the TOTP code). */
  async respond(answer: ChallengeAnswer): Promise<Session | SignInChallenge> {
    const p = this.pending;
    if (!p || p.challenge !== answer.challenge)
      throw new AuthFailedError('no such sign-in step is pending: sign in again');
    if (this.now().getTime() - p.at > CHALLENGE_TTL_MS) {
      this.pending = null;
      throw new AuthFailedError('the sign-in step expired: sign in again');
    }
    if (!this.api.respondToChallenge) throw new AuthFailedError(`sign-in needs ${p.challenge}, not supported here`);
    const responses: ChallengeResponses =
      answer.challenge === 'NEW_PASSWORD_REQUIRED'
        ? { NEW_PASSWORD: answer.newPassword }
        : { SOFTWARE_TOKEN_MFA_CODE: answer.code };
    const password = answer.challenge === 'NEW_PASSWORD_REQUIRED' ? answer.newPassword : p.password;
    let tokens: AuthTokens;
    try {
      tokens = await this.api.respondToChallenge(p.challenge, p.username, p.cognitoSession, responses);
    } catch (err) {
      if (err instanceof ChallengeRequiredError) return this.challenged(p.username, password, err);
      throw err;
    }
    return this.established(tokens, password);
  }

  signOut(): void {
    this.tokens = null;
    this.current = null;
    this.pending = null;
    this.locked = false;
    this.opts.onChange?.(null);
  }

  /** The active session: null when signed out, idle-locked, or offline past its window. */
  session(): Session | null {
    this.checkIdle();
    if (!this.current || this.locked) return null;
    if (this.current.offline && Date.parse(this.current.expiresAt) <= this.now().getTime()) {
      this.signOut();
      return null;
    }
    return this.current;
  }

  /** What `session:get` shows: the session, locked or not (the lock screen names its user). */
  state(): Session | null {
    this.checkIdle();
    return this.current ? { ...this.current, locked: this.locked } : null;
  }

  /** The user did something: postpones the idle lock. Answers whether the session is locked. */
  touch(): boolean {
    this.checkIdle();
    if (!this.locked) this.lastActivity = this.now().getTime();
    return this.locked;
  }

  /** Locks the session once it has been idle for the configured time (called by a timer and on every read). */
  checkIdle(): void {
    const idle = this.opts.idleLockMs ?? 0;
    if (!this.current || this.locked || idle <= 0) return;
    if (this.now().getTime() - this.lastActivity < idle) return;
    this.locked = true;
    this.opts.onChange?.(this.state());
  }

  /** Locks now (the user steps away). */
  lock(): void {
    if (!this.current || this.locked) return;
    this.locked = true;
    this.opts.onChange?.(this.state());
  }

  /**
   * Unlocks with the session user's password: checked against the stored hash (works with or
   * without the network; wrong passwords count toward the same persisted lockout, which signs
   * the locked session out). Without a usable stored hash, an online session asks Cognito.
   */
  async unlock(password: string): Promise<Session> {
    this.checkIdle();
    const cur = this.current;
    if (!cur) throw new NotSignedInError('sign in first');
    if (!this.locked) return cur;
    const offline = this.opts.offline;
    let verified = false;
    if (offline?.has(cur.username)) {
      try {
        await offline.verify(cur.username, password, this.now());
        verified = true;
      } catch (err) {
        if (!(err instanceof OfflineRefusedError)) throw err;
        if (err.reason === 'LOCKED_OUT') {
          if (this.current === cur) this.signOut();
          throw new AuthFailedError(`${err.message}; the locked session was signed out`);
        }
        if (err.reason === 'WRONG_PASSWORD') throw err;
        // Past the window: fall through to Cognito for an online session.
      }
    }
    if (!verified) {
      if (cur.offline) throw new AuthFailedError('the offline window has passed: sign in online');
      const tokens = await this.api.passwordAuth(cur.username, password).catch((err: unknown) => {
        throw err instanceof CognitoUnreachableError ? new AuthFailedError(err.message) : err;
      });
      if (this.current !== cur) throw new NotSignedInError('signed out meanwhile');
      await this.established(tokens, password);
    }
    if (this.current !== cur) throw new NotSignedInError('signed out meanwhile');
    this.locked = false;
    this.lastActivity = this.now().getTime();
    this.opts.onChange?.(this.state());
    return this.state()!;
  }

  async idToken(): Promise<string> {
    if (!this.tokens || !this.current) throw new NotSignedInError('not signed in');
    if (Date.parse(this.current.expiresAt) - this.now().getTime() < 60_000) await this.refresh();
    if (!this.tokens) throw new NotSignedInError('not signed in');
    return this.tokens.idToken;
  }

  async refresh(): Promise<void> {
    if (this.refreshing) return this.refreshing;
    const t = this.tokens;
    if (!t?.refreshToken) throw new NotSignedInError('session expired: sign in again');
    this.refreshing = (async () => {
      const next = await this.api.refresh(t.refreshToken!);
      if (this.tokens !== t) return; // signed out meanwhile
      this.tokens = next;
      this.current = sessionFromIdToken(next.idToken);
    })().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private challenged(username: string, password: string, err: ChallengeRequiredError): SignInChallenge {
    this.pending = {
      username,
      password,
      challenge: err.challenge,
      cognitoSession: err.cognitoSession,
      at: this.now().getTime(),
    };
    return { challenge: err.challenge, username };
  }

  /** A successful online sign-in: remember the password's hash for offline use, then switch. */
  private async established(tokens: AuthTokens, password: string): Promise<Session> {
    const session = sessionFromIdToken(tokens.idToken);
    await this.opts.offline?.remember(session, password, this.now());
    this.establish(tokens, session);
    return session;
  }

  private establish(tokens: AuthTokens | null, session: Session): void {
    this.tokens = tokens;
    this.current = session;
    this.pending = null;
    this.locked = false;
    this.lastActivity = this.now().getTime();
    this.opts.onChange?.(this.state());
  }
}
