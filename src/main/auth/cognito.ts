import {
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  type ChallengeNameType,
} from '@aws-sdk/client-cognito-identity-provider';

/** Where the desk signs in: a Cognito user pool app client (cognito-local in the local cloud). */
export interface CognitoConfig {
  /** Set for cognito-local; omitted for AWS (the SDK derives it from the region). */
  endpoint?: string;
  region: string;
  clientId: string;
  userPoolId?: string;
}

export interface AuthTokens {
  idToken: string;
  accessToken: string;
  refreshToken: string | null;
}

/** The challenges the desk can answer (anything else is refused with a clear message). */
export type SupportedChallenge = 'NEW_PASSWORD_REQUIRED' | 'SOFTWARE_TOKEN_MFA';

/** What answers a challenge: `NEW_PASSWORD` or `SOFTWARE_TOKEN_MFA_CODE` (Cognito's ChallengeResponses keys). */
export type ChallengeResponses = { NEW_PASSWORD: string } | { SOFTWARE_TOKEN_MFA_CODE: string };

/** The Cognito calls the desk needs; tests may substitute it, the app uses {@link cognitoAuthApi}. */
export interface CognitoAuthApi {
  /** Tokens, or {@link ChallengeRequiredError} when Cognito asks for more, or {@link CognitoUnreachableError}. */
  passwordAuth(username: string, password: string): Promise<AuthTokens>;
  refresh(refreshToken: string): Promise<AuthTokens>;
  /** RespondToAuthChallenge; may itself answer with the next challenge (new password → TOTP). */
  respondToChallenge?(
    challenge: SupportedChallenge,
    username: string,
    cognitoSession: string,
    responses: ChallengeResponses,
  ): Promise<AuthTokens>;
}

/** Thrown for wrong credentials and other refusals by Cognito (maps to RPC `AUTH_FAILED`). */
export class AuthFailedError extends Error {
  override name = 'AuthFailedError';
}

/** Cognito answered with a challenge (InitiateAuth / RespondToAuthChallenge `ChallengeName` + `Session`). */
export class ChallengeRequiredError extends Error {
  override name = 'ChallengeRequiredError';
  constructor(
    readonly challenge: SupportedChallenge,
    readonly cognitoSession: string,
  ) {
    super(`Cognito asks for ${challenge}`);
  }
}

/**
 * Cognito could not be reached (no HTTP answer: connection refused, DNS, timeout) or answered
 * 5xx. Only this, never a refusal, lets the desk fall back to an offline unlock.
 */
export class CognitoUnreachableError extends Error {
  override name = 'CognitoUnreachableError';
}

/** An SDK error without an HTTP status never reached Cognito; a 5xx is Cognito unavailable. */
export function isUnreachable(err: unknown): boolean {
  const e = err as { $metadata?: { httpStatusCode?: number }; name?: string };
  const status = e?.$metadata?.httpStatusCode;
  return status === undefined || status >= 500;
}

const SUPPORTED: readonly string[] = ['NEW_PASSWORD_REQUIRED', 'SOFTWARE_TOKEN_MFA'];

/** InitiateAuth with USER_PASSWORD_AUTH / REFRESH_TOKEN_AUTH via the AWS SDK. */
export function cognitoAuthApi(cfg: CognitoConfig): CognitoAuthApi {
  const client = new CognitoIdentityProviderClient({
    region: cfg.region,
    ...(cfg.endpoint
      ? {
          endpoint: cfg.endpoint,
          // InitiateAuth needs no AWS credentials; cognito-local ignores them but the SDK's
          // default provider chain would otherwise go looking for some.
          credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        }
      : {}),
    // Fail fast when the network is down: the desk then offers an offline unlock.
    maxAttempts: 2,
    requestHandler: { connectionTimeout: 4000, requestTimeout: 10_000 },
  });
  const call = async (
    command: InitiateAuthCommand | RespondToAuthChallengeCommand,
    keepRefresh: string | null,
  ): Promise<AuthTokens> => {
    let out;
    try {
      out = await client.send(command as InitiateAuthCommand);
    } catch (err) {
      const e = err as { name?: string; message?: string };
      // Cognito says NotAuthorized/UserNotFound; cognito-local says InvalidPassword for the same case.
      if (
        e.name === 'NotAuthorizedException' ||
        e.name === 'UserNotFoundException' ||
        e.name === 'InvalidPasswordException'
      )
        throw new AuthFailedError('wrong username or password');
      if (e.name === 'UserNotConfirmedException') throw new AuthFailedError('this account is not confirmed yet');
      if (e.name === 'PasswordResetRequiredException')
        throw new AuthFailedError('a password reset is required for this account');
      if (e.name === 'CodeMismatchException' || e.name === 'ExpiredCodeException')
        throw new AuthFailedError('wrong or expired code');
      if (e.name === 'InvalidParameterException' && /password/i.test(e.message ?? ''))
        throw new AuthFailedError(`the new password is not accepted: ${e.message ?? ''}`);
      if (isUnreachable(err))
        throw new CognitoUnreachableError(`the sign-in service cannot be reached (${e.name ?? 'error'})`, {
          cause: err,
        });
      throw err;
    }
    const r = out.AuthenticationResult;
    if (out.ChallengeName && !r) {
      const name: ChallengeNameType | string = out.ChallengeName;
      if (SUPPORTED.includes(name) && out.Session)
        throw new ChallengeRequiredError(name as SupportedChallenge, out.Session);
      throw new AuthFailedError(`sign-in needs ${name}, which the desk does not support`);
    }
    if (!r?.IdToken || !r.AccessToken) throw new AuthFailedError('no tokens returned');
    return { idToken: r.IdToken, accessToken: r.AccessToken, refreshToken: r.RefreshToken ?? keepRefresh };
  };
  return {
    passwordAuth: (username, password) =>
      call(
        new InitiateAuthCommand({
          AuthFlow: 'USER_PASSWORD_AUTH',
          ClientId: cfg.clientId,
          AuthParameters: { USERNAME: username, PASSWORD: password },
        }),
        null,
      ),
    refresh: (refreshToken) =>
      call(
        new InitiateAuthCommand({
          AuthFlow: 'REFRESH_TOKEN_AUTH',
          ClientId: cfg.clientId,
          AuthParameters: { REFRESH_TOKEN: refreshToken },
        }),
        refreshToken,
      ),
    respondToChallenge: (challenge, username, cognitoSession, responses) =>
      call(
        new RespondToAuthChallengeCommand({
          ChallengeName: challenge,
          ClientId: cfg.clientId,
          Session: cognitoSession,
          ChallengeResponses: { USERNAME: username, ...responses },
        }),
        null,
      ),
  };
}
