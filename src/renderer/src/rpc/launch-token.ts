const TOKEN_KEY = 'jetway.desk.token';

/** The part of `sessionStorage` used (an in-memory stand-in in tests). */
export interface TokenStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/**
 * The desk server's per-launch token: `?t=` of the URL it printed, kept in sessionStorage (this
 * tab only) so a reload without it still connects. The server refuses a WebSocket without it.
 * Pure (no DOM globals) so it is unit-tested under Node.
 */
export function launchToken(search: string, store: TokenStore): string {
  const fromUrl = new URLSearchParams(search).get('t');
  if (fromUrl) {
    store.setItem(TOKEN_KEY, fromUrl);
    return fromUrl;
  }
  return store.getItem(TOKEN_KEY) ?? '';
}
