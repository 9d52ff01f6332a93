/**
 * The production token verifier of the HTTP API: Cognito ID tokens checked with aws-jwt-verify's
 * CognitoJwtVerifier (signature, `iss` = the pool, `aud` = the app client, `token_use` = id,
 * expiry, RS256 only). The same code runs against AWS and against the local cloud; locally the
 * only difference is where the JWKS comes from: cognito-local's `/<poolId>/.well-known/jwks.json`,
 * fed in with `cacheJwks` (TOOLCHAIN.md), and any later key lookup is sent there too — the verifier
 * never reaches for the real AWS endpoint from a laptop.
 */
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { JwtExpiredError, JwtBaseError } from 'aws-jwt-verify/error';
import type { Fetcher } from 'aws-jwt-verify/https';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import type { Jwks } from 'aws-jwt-verify/jwk';
import { z } from 'zod';

export const TokenVerifierConfigSchema = z.object({
  /** Real form `us-east-1_AbC123` (the local cloud seeds one of that form). */
  userPoolId: z
    .string()
    .regex(/^[a-z]{2}(-gov)?-[a-z]+-\d_[A-Za-z0-9]+$/, 'Cognito user pool id, e.g. us-east-1_AbC123'),
  clientId: z.string().min(1),
  /**
   * Local cloud only: the JWKS URL of cognito-local. Omitted in AWS, where the verifier fetches
   * the pool's own `https://cognito-idp.<region>.amazonaws.com/<poolId>/.well-known/jwks.json`.
   */
  jwksUri: z.url().optional(),
});
export type TokenVerifierConfig = z.infer<typeof TokenVerifierConfigSchema>;

/** Who is calling: from a verified ID token only. `stations` `['*']` = every station (admins). */
export interface Principal {
  username: string;
  sub: string;
  groups: string[];
  stations: string[];
}

export type AuthFailure = 'missing' | 'malformed' | 'invalid' | 'expired';

/**
 * Any failure to authenticate. Maps to HTTP 401; `message` is safe to show a client (it never
 * carries token contents or library internals — those stay in `cause` for the log).
 */
export class AuthError extends Error {
  readonly statusCode = 401;
  readonly code = 'unauthorized';
  constructor(
    readonly reason: AuthFailure,
    options?: { cause?: unknown },
  ) {
    super(
      {
        missing: 'missing bearer token',
        malformed: 'malformed Authorization header',
        invalid: 'invalid token',
        expired: 'token expired',
      }[reason],
      options,
    );
    this.name = 'AuthError';
  }
}

export interface TokenVerifier {
  /** Verifies `Authorization: Bearer <ID token>`; throws {@link AuthError} on anything else. */
  verify(authorizationHeader: string | null | undefined): Promise<Principal>;
}

const ClaimsSchema = z.object({
  sub: z.string().min(1),
  'cognito:username': z.string().min(1),
  'cognito:groups': z.array(z.string()).default([]),
  'custom:stations': z.string().default(''),
});

const STATION = /^([A-Z]{3}|\*)$/;

/** `"PHX, oak"` → `['PHX', 'OAK']`; anything that is not an IATA code (or `*`) is dropped. */
export const parseStations = (raw: string): string[] => [
  ...new Set(
    raw
      .split(',')
      .map((s) => s.trim().toUpperCase())
      .filter((s) => STATION.test(s)),
  ),
];

/** A JWKS fetcher that only ever asks the configured (local) JWKS URL, whatever URI it is given. */
function pinnedFetcher(jwksUri: string): Fetcher {
  return {
    async fetch() {
      const res = await fetch(jwksUri, { signal: AbortSignal.timeout(3000) });
      if (!res.ok) throw new Error(`JWKS fetch from ${jwksUri} failed: HTTP ${res.status}`);
      return res.arrayBuffer();
    },
  };
}

const BEARER = /^Bearer\s+([A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)\s*$/i;

/** Builds the verifier; `config` is parsed (a bad pool id or client id fails here, not per request). */
export function createTokenVerifier(config: unknown): TokenVerifier {
  const cfg = TokenVerifierConfigSchema.parse(config);
  const verifier = CognitoJwtVerifier.create(
    { userPoolId: cfg.userPoolId, tokenUse: 'id', clientId: cfg.clientId },
    cfg.jwksUri ? { jwksCache: new SimpleJwksCache({ fetcher: pinnedFetcher(cfg.jwksUri) }) } : undefined,
  );
  let jwksLoaded: Promise<void> | null = null;
  const loadLocalJwks = (uri: string): Promise<void> => {
    jwksLoaded ??= (async () => {
      const res = await fetch(uri, { signal: AbortSignal.timeout(3000) });
      if (!res.ok) throw new Error(`JWKS fetch from ${uri} failed: HTTP ${res.status}`);
      verifier.cacheJwks((await res.json()) as Jwks);
    })().catch((e: unknown) => {
      jwksLoaded = null; // retry on the next request
      throw e;
    });
    return jwksLoaded;
  };

  return {
    async verify(header) {
      if (header === undefined || header === null || header.trim() === '') throw new AuthError('missing');
      const m = BEARER.exec(header);
      if (!m?.[1]) throw new AuthError('malformed');
      const token = m[1];
      // Not an auth failure: the key source is down. Let it surface as a 500, not as a 401.
      if (cfg.jwksUri) await loadLocalJwks(cfg.jwksUri);
      let payload: unknown;
      try {
        payload = await verifier.verify(token);
      } catch (e) {
        if (e instanceof JwtExpiredError) throw new AuthError('expired', { cause: e });
        if (e instanceof JwtBaseError) throw new AuthError('invalid', { cause: e });
        throw e;
      }
      const claims = ClaimsSchema.safeParse(payload);
      if (!claims.success) throw new AuthError('invalid', { cause: claims.error });
      return {
        username: claims.data['cognito:username'],
        sub: claims.data.sub,
        groups: claims.data['cognito:groups'],
        stations: parseStations(claims.data['custom:stations']),
      };
    },
  };
}

/** Config from the Lambda / local app environment: COGNITO_USER_POOL_ID, COGNITO_CLIENT_ID, COGNITO_JWKS_URI (local only). */
export function tokenVerifierConfigFromEnv(env: NodeJS.ProcessEnv = process.env): TokenVerifierConfig {
  return TokenVerifierConfigSchema.parse({
    userPoolId: env.COGNITO_USER_POOL_ID,
    clientId: env.COGNITO_CLIENT_ID,
    ...(env.COGNITO_JWKS_URI ? { jwksUri: env.COGNITO_JWKS_URI } : {}),
  });
}
