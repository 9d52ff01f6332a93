import { z } from 'zod';
import type { Session } from '../../shared/rpc/contract.js';
import type { TokenSource } from '../sync/backend.js';
import { AuthFailedError, type AuthTokens, type CognitoAuthApi } from './cognito.js';

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
  };
}

/**
 * The signed-in user's tokens (memory only in this slice; an offline session that survives a
 * restart without the network is a later issue). Refreshes the ID token shortly before expiry.
 */
export class AuthService implements TokenSource {
  private tokens: AuthTokens | null = null;
  private current: Session | null = null;
  private refreshing: Promise<void> | null = null;

  constructor(
    private readonly api: CognitoAuthApi,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async signIn(username: string, password: string): Promise<Session> {
    const tokens = await this.api.passwordAuth(username, password);
    const session = sessionFromIdToken(tokens.idToken);
    this.tokens = tokens;
    this.current = session;
    return session;
  }

  signOut(): void {
    this.tokens = null;
    this.current = null;
  }

  session(): Session | null {
    return this.current;
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
}
